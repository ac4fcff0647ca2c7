/**
 * The EventBridge rules of every stack of one environment against the account's quota of rules per
 * event bus (300 by default, 100 in af-south-1 and eu-south-1; `fleet:eventRuleQuota` when raised),
 * table-driven: over it, one finding naming the team file with the most rules, the key, the total and
 * each stack's count; other environments do not count. Then end to end on a copy of the example
 * workspace: the plan (all stacks, and one team selected) and `retrain config check`'s variant.
 */
import { discoverStacks, teamEventRuleCount, workspaceRelative } from "@retrain/config/workspace";
import { describe, expect, it } from "vitest";
import {
  fleetConfig,
  generatedEventRules,
  teamConfigFile,
  teamName,
  validatedTeamConfig,
} from "../../../bench/lib/workspace.js";
import {
  checkAccountEventRules,
  configCrossStackChecks,
  crossStackChecks,
  type FleetFacts,
  type TeamFacts,
} from "../src/checks/index.js";
import { runPlan } from "../src/index.js";
import { expectOneFinding, fleetFacts, quotaTeam } from "./support/facts.js";
import { workspaceCopies } from "./support/workspace.js";

const fleet = fleetFacts;
/**
 * A team with `windows` maintenance windows and `associations` associations: windows + associations
 * failure rules, its command-failed rule and a run-log rule per mode (10 windows: 12 rules).
 */
const team = (name: string, env: string, windows: number, associations = 0, facts?: Partial<FleetFacts>) =>
  quotaTeam(name, env, { windows, associations }, fleet(env, facts));
const names = (n: number, prefix = "t") =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, "0")}`);
const teams = (n: number, env: string, windows: number, facts?: Partial<FleetFacts>) =>
  names(n).map((t) => team(t, env, windows, 0, facts));

describe("EventBridge rules per event bus (account and region)", () => {
  it.each<[string, TeamFacts[], [string, RegExp] | undefined]>([
    ["under the quota: 10 teams of 12 rules (120)", teams(10, "prod", 10), undefined],
    ["at the quota: 25 teams of 12 rules (300)", teams(25, "prod", 10), undefined],
    [
      "over the quota: 25 teams of 12 and one of 3 (303)",
      [...teams(25, "prod", 10), team("zz", "prod", 1)],
      [
        "stacks/scheduling/teams/t00/Pulumi.t00.yaml",
        /^the teams on fleet\/prod create 303 EventBridge rules on the account's default event bus together \(scheduling\/t00 12, scheduling\/t01 12, .*scheduling\/t09 12, and 16 more stacks \(183\)\), more than the account's quota of 300 per event bus \(fleet:eventRuleQuota in stacks\/fleet\/envs\/prod\/Pulumi\.prod\.yaml; 300 is EventBridge's default in eu-west-1, https:\/\/docs\.aws\.amazon\.com\/eventbridge\/latest\/userguide\/eb-quota\.html\): the last stack deployed would fail with LimitExceededException\..*raise the quota in Service Quotas first and then fleet:eventRuleQuota$/,
      ],
    ],
    [
      "the team with the most rules is named (windows and associations: 8 + 2 + 1 + 2 = 13)",
      [...teams(24, "prod", 10), team("mixed", "prod", 8, 2)],
      [
        "stacks/scheduling/teams/mixed/Pulumi.mixed.yaml",
        /create 301 EventBridge rules .*\(scheduling\/mixed 13, /,
      ],
    ],
    [
      "two environments are counted apart (240 in prod, 240 in dev)",
      [...teams(20, "prod", 10), ...names(20, "d").map((t) => team(t, "dev", 10))],
      undefined,
    ],
    [
      "only the environment over it has a finding",
      [...teams(26, "prod", 10), ...names(20, "d").map((t) => team(t, "dev", 10))],
      [
        "stacks/scheduling/teams/t00/Pulumi.t00.yaml",
        /the teams on fleet\/prod create 312 EventBridge rules/,
      ],
    ],
    [
      "100 in eu-south-1 (EventBridge's default there)",
      teams(9, "prod", 10, { region: "eu-south-1" }),
      [
        "stacks/scheduling/teams/t00/Pulumi.t00.yaml",
        /create 108 EventBridge rules .*quota of 100 per event bus .*100 is EventBridge's default in eu-south-1/,
      ],
    ],
    [
      "a raised quota (fleet:eventRuleQuota 400) takes 312",
      teams(26, "prod", 10, { eventRuleQuota: 400 }),
      undefined,
    ],
    [
      "a raised quota is still a limit (312 over 310)",
      teams(26, "prod", 10, { eventRuleQuota: 310 }),
      [
        "stacks/scheduling/teams/t00/Pulumi.t00.yaml",
        /create 312 EventBridge rules .*quota of 310 per event bus/,
      ],
    ],
    [
      "the platform stacks' own rules count (298 + 5)",
      [
        ...teams(24, "prod", 10, { platformEventRules: [{ id: "fleet/prod", rules: 5 }] }),
        team("zz", "prod", 8, 0, { platformEventRules: [{ id: "fleet/prod", rules: 5 }] }),
      ],
      [
        "stacks/scheduling/teams/t00/Pulumi.t00.yaml",
        /the teams on fleet\/prod and its platform stacks create 303 EventBridge rules .*scheduling\/t09 12, and 16 more stacks \(183\)\)/,
      ],
    ],
    [
      "a platform stack with more rules than any team is named first (240 + 70)",
      teams(20, "prod", 10, { platformEventRules: [{ id: "fleet/prod", rules: 70 }] }),
      [
        "stacks/scheduling/teams/t00/Pulumi.t00.yaml",
        /create 310 EventBridge rules .*together \(fleet\/prod 70, scheduling\/t00 12, .*and 11 more stacks \(132\)\)/,
      ],
    ],
  ])("%s", (_title, quotaTeams, expected) => {
    const problems = checkAccountEventRules(quotaTeams);
    // The same through crossStackChecks, with the teams summed as the plan sums them.
    const all = crossStackChecks({ fleets: [], teams: [], quotaTeams }).filter((p) =>
      p.message.includes("EventBridge"),
    );
    expect(all).toEqual(problems);
    expectOneFinding(problems, expected, "scheduling:windows");
  });

  it("a team without a fleet (its reference did not resolve) is not counted", () => {
    const { fleet: _none, ...orphan } = team("orphan", "prod", 50);
    expect(checkAccountEventRules([...teams(24, "prod", 10), orphan])).toEqual([]);
  });
});

describe("the bench's generated workspace", () => {
  it.each([1, 12, 75, 500])("declares a quota its %i teams' rules fit in", (n) => {
    // Two maintenance windows a team: 2 failure rules, command-failed and windows-log.
    for (const i of [0, 1, 2, 3, n - 1]) expect(teamEventRuleCount(validatedTeamConfig(i))).toBe(4);
    expect(generatedEventRules(n)).toBe(4 * n);
    const quota = (fleetConfig(n).config as Record<string, unknown>)["fleet:eventRuleQuota"] as number;
    expect(quota).toBe(Math.max(300, 4 * n));
    const env: FleetFacts = { ...fleet("dev"), eventRuleQuota: quota };
    const generated = Array.from({ length: n }, (_, i) => ({
      id: `scheduling/${teamName(i)}`,
      file: teamConfigFile(teamName(i)),
      config: validatedTeamConfig(i),
      fleet: env,
    }));
    expect(checkAccountEventRules(generated)).toEqual([]);
    // Without the raise, 500 teams would not plan.
    if (4 * n > 300)
      expect(checkAccountEventRules(generated.map((t) => ({ ...t, fleet: fleet("dev") })))).toHaveLength(1);
  });
});

describe("EventBridge rule quota end to end", () => {
  const copy = workspaceCopies();
  const FLEET = "stacks/fleet/envs/prod/Pulumi.prod.yaml";
  const FROM = new Date("2026-11-30T00:00:00Z");
  // prod's teams: nlp 2 windows (2 + command-failed + windows-log = 4), vision 1 window (3): 7 rules.
  const lowered = () => {
    const ws = copy();
    ws.write(FLEET, ws.read(FLEET).replace("config:\n", "config:\n  fleet:eventRuleQuota: 6\n"));
    return ws;
  };
  const quotaProblems = (errors: readonly { key?: string; message: string }[]) =>
    errors.filter((e) => e.key === "scheduling:windows" && /EventBridge rules/.test(e.message));

  it("sums every team of the environment, also when the plan selects one team", async () => {
    const ws = lowered();
    const all = await runPlan({ workspace: ws.root, from: FROM });
    expect(all.summary.exitCode).toBe(2);
    const found = quotaProblems(all.errors);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml" });
    expect(found[0]!.message).toMatch(
      /create 7 EventBridge rules .*\(scheduling\/nlp 4, scheduling\/vision 3\), more than the account's quota of 6 per event bus \(fleet:eventRuleQuota in stacks\/fleet\/envs\/prod\/Pulumi\.prod\.yaml; 300 is EventBridge's default in eu-west-1/,
    );
    // One team selected: the other team's rules still count against the shared quota.
    const one = await runPlan({ workspace: ws.root, from: FROM, stacks: ["scheduling/vision"] });
    expect(one.summary.exitCode).toBe(2);
    expect(quotaProblems(one.errors).map((e) => e.message)).toEqual(found.map((e) => e.message));
  });

  it("retrain config check's cross-stack checks find the same", () => {
    const ws = lowered();
    const { stacks } = discoverStacks(ws.root);
    const found = quotaProblems(configCrossStackChecks(stacks, (f) => workspaceRelative(ws.root, f)));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/create 7 EventBridge rules .*quota of 6 per event bus/);
    // At the quota: no finding.
    ws.write(FLEET, ws.read(FLEET).replace("fleet:eventRuleQuota: 6", "fleet:eventRuleQuota: 7"));
    const atQuota = discoverStacks(ws.root).stacks;
    expect(quotaProblems(configCrossStackChecks(atQuota, (f) => workspaceRelative(ws.root, f)))).toEqual([]);
  });
});
