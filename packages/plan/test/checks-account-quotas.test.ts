/**
 * The account's other quotas that every team of an environment consumes, table-driven: Systems
 * Manager documents (500 per account and Region, one per team stack), State Manager associations
 * (2,000 per account and Region) and IAM roles (1,000 per account by default, `iam:roleQuota` when
 * raised, at most 5,000; one per team the tenant registry grants the environment). Over one, one
 * finding per environment naming the file, the key, the counts, the limit and the AWS error; other
 * environments do not count. Then end to end on a copy of the example workspace: the IAM role quota
 * in the plan (all stacks, one team selected) and in `retrain config check`.
 */
import {
  discoverStacks,
  IAM_ROLES_PER_ACCOUNT,
  IAM_ROLES_PER_ACCOUNT_MAX,
  iamConfigSchema,
  iamRoleCount,
  SSM_ASSOCIATIONS_PER_ACCOUNT_REGION,
  SSM_DOCUMENTS_PER_ACCOUNT_REGION,
  workspaceRelative,
} from "@retrain/config/workspace";
import { describe, expect, it } from "vitest";
import { teamConfigFile, teamName, validatedTeamConfig } from "../../../bench/lib/workspace.js";
import {
  checkAccountAssociations,
  checkAccountDocuments,
  checkAccountRoles,
  configCrossStackChecks,
  crossStackChecks,
  type FleetFacts,
  type IamRoleFacts,
  type TeamFacts,
} from "../src/checks/index.js";
import { runPlan } from "../src/index.js";
import { expectOneFinding, fleetFacts, quotaTeam } from "./support/facts.js";
import { workspaceCopies } from "./support/workspace.js";

const fleet = fleetFacts;
/** A team with `associations` associations (over five pools) and `windows` maintenance windows. */
const team = (name: string, env: string, associations = 0, windows = 0, facts?: FleetFacts): TeamFacts =>
  quotaTeam(name, env, { associations, windows, associationPools: 5 }, facts ?? fleet(env));
const teams = (count: number, env: string, associations = 0, windows = 1, facts?: FleetFacts) =>
  Array.from({ length: count }, (_, i) =>
    team(`t${String(i).padStart(4, "0")}`, env, associations, windows, facts),
  );

describe("Systems Manager documents per account and Region", () => {
  it("is the 500 of CreateDocument's DocumentLimitExceeded", () =>
    expect(SSM_DOCUMENTS_PER_ACCOUNT_REGION).toBe(500));

  it.each<[string, TeamFacts[], number | undefined, [string, RegExp] | undefined]>([
    ["500 teams in one environment", teams(500, "prod"), undefined, undefined],
    [
      "501 teams in one environment",
      teams(501, "prod"),
      undefined,
      [
        "stacks/scheduling/teams/t0000/Pulumi.t0000.yaml",
        /the 501 team stacks on fleet\/prod create 501 Systems Manager documents together \(scheduling\/t0000 1, .*and 491 more stacks \(491\)\).*the account allows 500 documents in its region \(fleet:documentQuota in stacks\/fleet\/envs\/prod\/Pulumi\.prod\.yaml; 500 is CreateDocument's stated limit.*DocumentLimitExceeded/,
      ],
    ],
    [
      "teams with associations only count too",
      teams(3, "prod", 1, 0),
      2,
      ["stacks/scheduling/teams/t0000/Pulumi.t0000.yaml", /create 3 Systems Manager documents/],
    ],
    ["environments are separate", [...teams(2, "prod"), ...teams(2, "dev")], 2, undefined],
    [
      "a raised fleet:documentQuota (600) takes 501 teams",
      teams(501, "prod", 0, 1, fleet("prod", { documentQuota: 600 })),
      undefined,
      undefined,
    ],
    [
      "a raised fleet:documentQuota is still a limit",
      teams(3, "prod", 0, 1, fleet("prod", { documentQuota: 2 })),
      undefined,
      [
        "stacks/scheduling/teams/t0000/Pulumi.t0000.yaml",
        /create 3 Systems Manager documents.*the account allows 2 documents/,
      ],
    ],
    [
      "the platform's documents count (none today, counted if a stack adds one)",
      teams(2, "prod", 0, 1, fleet("prod", { platformDocuments: [{ id: "iam/prod", documents: 1 }] })),
      2,
      [
        "stacks/scheduling/teams/t0000/Pulumi.t0000.yaml",
        /create 3 Systems Manager documents together \(scheduling\/t0000 1, scheduling\/t0001 1, iam\/prod 1\)/,
      ],
    ],
  ])("%s", (_title, input, limit, expected) => {
    expectOneFinding(checkAccountDocuments(input, limit), expected, "scheduling:environment");
  });

  it("is one of the cross-stack checks, over every team of the environment", () => {
    const all = teams(501, "prod");
    const problems = crossStackChecks({ fleets: [], teams: all.slice(0, 1), quotaTeams: all });
    expect(problems.filter((p) => /Systems Manager documents/.test(p.message))).toHaveLength(1);
  });

  it("the bench's generated workspace plans 500 teams in one environment, not more", () => {
    const generated = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        id: `scheduling/${teamName(i)}`,
        file: teamConfigFile(teamName(i)),
        config: validatedTeamConfig(i),
        fleet: fleet("dev"),
      }));
    expect(checkAccountDocuments(generated(500))).toEqual([]);
    expect(checkAccountDocuments(generated(501))).toHaveLength(1);
  });
});

describe("State Manager associations per account and Region", () => {
  it("is the 2,000 of CreateAssociation's AssociationLimitExceeded", () =>
    expect(SSM_ASSOCIATIONS_PER_ACCOUNT_REGION).toBe(2_000));

  it.each<[string, TeamFacts[], number | undefined, [string, RegExp] | undefined]>([
    ["40 teams of 50 associations", teams(40, "prod", 50, 0), undefined, undefined],
    [
      "41 teams of 50 associations",
      teams(41, "prod", 50, 0),
      undefined,
      [
        "stacks/scheduling/teams/t0000/Pulumi.t0000.yaml",
        /the teams on fleet\/prod declare 2,050 associations together \(scheduling\/t0000 50, .*and 31 more stacks \(1,550\)\), more than the account's 2,000 active associations in its region \(fleet:associationQuota in stacks\/fleet\/envs\/prod\/Pulumi\.prod\.yaml; 2,000 is CreateAssociation's stated limit.*AssociationLimitExceeded/,
      ],
    ],
    [
      "a raised fleet:associationQuota (3,000) takes 2,050",
      teams(41, "prod", 50, 0, fleet("prod", { associationQuota: 3000 })),
      undefined,
      undefined,
    ],
    [
      "the team with the most is named",
      [team("ta", "prod", 2), team("tb", "prod", 3)],
      4,
      [
        "stacks/scheduling/teams/tb/Pulumi.tb.yaml",
        /declare 5 associations together \(scheduling\/tb 3, scheduling\/ta 2\)/,
      ],
    ],
    [
      "maintenance windows do not count",
      [team("ta", "prod", 2, 10), team("tb", "prod", 2, 10)],
      4,
      undefined,
    ],
    ["environments are separate", [team("ta", "prod", 3), team("tb", "dev", 3)], 4, undefined],
  ])("%s", (_title, input, limit, expected) => {
    expectOneFinding(checkAccountAssociations(input, limit), expected, "scheduling:windows");
  });

  it("is one of the cross-stack checks", () => {
    const all = teams(41, "prod", 50, 0);
    const problems = crossStackChecks({ fleets: [], teams: [], quotaTeams: all });
    expect(problems.filter((p) => /AssociationLimitExceeded/.test(p.message))).toHaveLength(1);
  });
});

describe("IAM roles per account", () => {
  it("is IAM's default 1,000; iam:roleQuota defaults to it and takes a raised value", () => {
    expect(IAM_ROLES_PER_ACCOUNT).toBe(1_000);
    expect(IAM_ROLES_PER_ACCOUNT_MAX).toBe(5_000);
    expect(iamConfigSchema.parse({ environment: "dev" }).roleQuota).toBe(1_000);
    expect(iamConfigSchema.safeParse({ environment: "dev", roleQuota: 5_000 }).success).toBe(true);
    expect(iamConfigSchema.safeParse({ environment: "dev", roleQuota: 6_000 }).success).toBe(true);
    expect(iamConfigSchema.safeParse({ environment: "dev", roleQuota: 0 }).success).toBe(false);
  });

  /** The iam stack of `env` whose registry grants `granted` teams on `pools` pools. */
  const iam = (
    env: string,
    granted: number,
    pools: number,
    patch: Record<string, unknown> = {},
  ): IamRoleFacts => {
    const config = iamConfigSchema.parse({ environment: env, ...patch });
    const grants = Array.from({ length: granted }, (_, i) => ({
      team: `t${i}`,
      pools: [`pool-${i % pools}`],
    }));
    return {
      id: `iam/${env}`,
      file: `stacks/iam/envs/${env}/Pulumi.${env}.yaml`,
      roleQuota: config.roleQuota,
      roles: iamRoleCount(config, grants),
      teamRoles: granted,
      startStopRoles: config.allowStartStop ? Math.min(granted, pools) : 0,
      registry: "policies/tenants.yaml",
    };
  };

  it.each<[string, IamRoleFacts[], RegExp[]]>([
    // 2 + teams + pools.
    ["948 teams on 50 pools: 1,000 roles", [iam("prod", 948, 50)], []],
    [
      "949 teams on 50 pools: 1,001 roles",
      [iam("prod", 949, 50)],
      [
        /iam\/prod creates 1,001 IAM roles \(949 team training roles, one per team policies\/tenants\.yaml grants the environment, 50 start\/stop roles, one per granted pool, 2 of its own\), more than the account's quota of 1,000 roles \(iam:roleQuota in stacks\/iam\/envs\/prod\/Pulumi\.prod\.yaml; 1,000 is IAM's default, 5,000 its maximum.*LimitExceeded from CreateRole.*raise the quota in Service Quotas \(at most 5,000\) first and then iam:roleQuota/,
      ],
    ],
    ["949 teams without start/stop roles", [iam("prod", 949, 50, { allowStartStop: false })], []],
    ["raised to 2,000", [iam("prod", 1_900, 50, { roleQuota: 2_000 })], []],
    [
      "over the maximum: only moving teams helps",
      [iam("prod", 5_000, 50, { roleQuota: 5_000 })],
      [/creates 5,052 IAM roles .*quota of 5,000 roles.*their grants in policies\/tenants\.yaml\)$/],
    ],
    [
      "environments are separate (one finding each)",
      [iam("prod", 999, 1), iam("dev", 500, 1)],
      [/iam\/prod creates 1,002 IAM roles/],
    ],
  ])("%s", (_title, input, expected) => {
    const problems = checkAccountRoles(input);
    expect(problems.map((p) => p.message)).toHaveLength(expected.length);
    problems.forEach((p, i) => {
      expect(p).toMatchObject({ file: input[0]!.file, key: "iam:roleQuota" });
      expect(p.message).toMatch(expected[i]!);
    });
  });
});

describe("IAM role quota end to end", () => {
  const copy = workspaceCopies();
  const IAM = "stacks/iam/envs/dev/Pulumi.dev.yaml";
  const FROM = new Date("2026-11-30T00:00:00Z");
  // dev: the registry grants recsys (pool a10g): its role, a10g's start/stop role, window and instance roles.
  const lowered = (quota: number) => {
    const ws = copy();
    ws.write(IAM, ws.read(IAM).replace("config:\n", `config:\n  iam:roleQuota: ${quota}\n`));
    return ws;
  };
  const roleProblems = (errors: readonly { key?: string; message: string }[]) =>
    errors.filter((e) => e.key === "iam:roleQuota");

  it("the plan refuses it, also with a team of the environment selected, not with another's", async () => {
    const ws = lowered(3);
    const all = await runPlan({ workspace: ws.root, from: FROM });
    expect(all.summary.exitCode).toBe(2);
    const found = roleProblems(all.errors);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: IAM });
    expect(found[0]!.message).toMatch(
      /iam\/dev creates 4 IAM roles \(1 team training roles, one per team policies\/tenants\.yaml grants the environment, 1 start\/stop roles, one per granted pool, 2 of its own\), more than the account's quota of 3 roles/,
    );
    const recsys = await runPlan({ workspace: ws.root, from: FROM, stacks: ["scheduling/recsys"] });
    expect(roleProblems(recsys.errors).map((e) => e.message)).toEqual(found.map((e) => e.message));
    const vision = await runPlan({ workspace: ws.root, from: FROM, stacks: ["scheduling/vision"] });
    expect(roleProblems(vision.errors)).toEqual([]);
  });

  it("retrain config check finds the same, and nothing at the quota", () => {
    const ws = lowered(3);
    const rel = (f: string) => workspaceRelative(ws.root, f);
    const found = roleProblems(configCrossStackChecks(discoverStacks(ws.root).stacks, rel));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/iam\/dev creates 4 IAM roles/);
    ws.write(IAM, ws.read(IAM).replace("iam:roleQuota: 3", "iam:roleQuota: 4"));
    expect(roleProblems(configCrossStackChecks(discoverStacks(ws.root).stacks, rel))).toEqual([]);
  });
});
