/**
 * End to end: the plan of the example workspace, and of temporary copies of it broken on purpose.
 * Every run uses the real stack programs under the harness and the real policy pack process.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createStyle } from "@retrain/windows";
import { describe, expect, it } from "vitest";
import { isMap, isSeq, type YAMLMap } from "yaml";
import { runPlan } from "../src/engine.js";
import type { PlanReport } from "../src/model.js";
import { type PlanJson, renderJson } from "../src/render/json.js";
import { renderTerminal } from "../src/render/terminal.js";
import {
  environmentOf,
  exampleTeams,
  REPO_ROOT,
  type WorkspaceCopy,
  workspaceCopies,
} from "./support/workspace.js";

const FROM = new Date("2026-11-30T00:00:00Z");
const teamFile = (team: string) => `stacks/scheduling/teams/${team}/Pulumi.${team}.yaml`;
const text = (report: PlanReport) => renderTerminal(report, { style: createStyle(false) });

const copy = workspaceCopies();

/** The first maintenance-window window of a team's config, with its index. */
function firstWindow(ws: WorkspaceCopy, team: string): { index: number; window: Record<string, unknown> } {
  let found: { index: number; window: Record<string, unknown> } | undefined;
  ws.editYaml(teamFile(team), (doc) => {
    const windows = doc.getIn(["config", "scheduling:windows"]);
    if (!isSeq(windows)) throw new Error(`${team}: no scheduling:windows`);
    windows.items.forEach((item, index) => {
      const w = (item as YAMLMap).toJSON() as Record<string, unknown>;
      if (!found && (w.mode ?? "maintenance-window") === "maintenance-window") found = { index, window: w };
    });
  });
  if (!found) throw new Error(`${team} has no maintenance-window window`);
  return found;
}

describe("the example workspace", () => {
  // As `pnpm plan` runs it: the compiled CLI under plain node (dist/, built by `pnpm install` and
  // `pnpm test`), which imports the TypeScript stack programs through tsx's hooks.
  it("plans clean through the CLI (exit 0), with --json and --html written", () => {
    const out = mkdtempSync(path.join(tmpdir(), "plan-cli-"));
    const json = path.join(out, "plan.json");
    const html = path.join(out, "plan.html");
    const run = spawnSync(
      process.execPath,
      [
        path.join(REPO_ROOT, "packages/cli/dist/bin.js"),
        "plan",
        "--no-color",
        "--from",
        FROM.toISOString(),
        "--json",
        json,
        "--html",
        html,
      ],
      { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    const lastLine = run.stdout.trimEnd().split("\n").at(-1) ?? "";
    expect(lastLine, `${run.stdout}\n${run.stderr}`).toMatch(/^Plan OK: .*\(exit 0\)$/);
    expect(run.status).toBe(0);
    // Progress goes to stderr as plain lines when not on a terminal.
    expect(run.stderr).toMatch(/\[1\/\d+\] iam\/\w+: planned, \d+ resources/);

    const report = JSON.parse(readFileSync(json, "utf8"));
    expect(report.summary.exitCode).toBe(0);
    const ids = report.stacks.map((s: { id: string }) => s.id);
    for (const team of exampleTeams()) expect(ids).toContain(`scheduling/${team}`);
    expect(ids.some((id: string) => id.startsWith("iam/"))).toBe(true);
    expect(ids.some((id: string) => id.startsWith("fleet/"))).toBe(true);
    // Upstream stacks come first: every reference points to an earlier stack.
    expect(ids.indexOf(ids.find((id: string) => id.startsWith("iam/")))).toBeLessThan(
      ids.indexOf(ids.find((id: string) => id.startsWith("fleet/"))),
    );
    for (const s of report.stacks) {
      expect(s.status).toBe("planned");
      expect(s.resources.length).toBeGreaterThan(0);
      expect(
        s.violations.filter((v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory"),
      ).toEqual([]);
    }
    expect(report.schedule.length).toBeGreaterThan(0);
    expect(report.cost.rows.length).toBeGreaterThan(0);
    const page = readFileSync(html, "utf8");
    expect(page).toContain('class="lane" data-pool=');
    // The permissions proof ran over every environment and proved every flow.
    expect(report.permissions.findings).toEqual([]);
    expect(report.permissions.checks.length).toBeGreaterThan(0);
    expect(report.permissions.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    expect(new Set(report.permissions.checks.map((c: { environment: string }) => c.environment)).size).toBe(
      readdirSync(path.join(REPO_ROOT, "stacks/iam/envs")).length,
    );
    expect(page).toContain("Permissions proven");
  });

  // The schema users read (docs/plan.md) must name every field the report has: a field added to the
  // report without its line there (cost.network once) fails here.
  it("has every field named in docs/plan.md's JSON schema", async () => {
    // What --json writes.
    const report = JSON.parse(renderJson(await runPlan({ workspace: REPO_ROOT, from: FROM }))) as PlanJson;
    const doc = readFileSync(path.join(REPO_ROOT, "docs/plan.md"), "utf8");
    const schema = /## JSON report[\s\S]*?```ts\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? "";
    const keysOf = (label: string, value: unknown): [string, string][] =>
      value && typeof value === "object" && !Array.isArray(value)
        ? Object.keys(value).map((k) => [label, k])
        : [];
    const fields: [string, string][] = [
      ...keysOf("report", report),
      ...keysOf("horizon", report.horizon),
      ...keysOf("stacks[]", report.stacks[0]),
      ...keysOf("cost", report.cost),
      ...report.cost.network.flatMap((r) => keysOf("cost.network[]", r)),
      ...report.cost.rows.slice(0, 1).flatMap((r) => keysOf("cost.rows[]", r)),
      ...report.alerts.slice(0, 1).flatMap((a) => keysOf("alerts[]", a)),
      ...keysOf("permissions", report.permissions),
      ...keysOf("summary", report.summary),
    ];
    expect(report.cost.network.length, "the example fleets have billed network parts").toBeGreaterThan(0);
    const missing = fields.filter(([, key]) => !new RegExp(`\\b${key}\\??:`).test(schema));
    expect(missing).toEqual([]);
  });

  it("is deterministic: the same input gives the same plan", async () => {
    const a = await runPlan({ workspace: REPO_ROOT, from: FROM, teams: [exampleTeams()[0]!] });
    const b = await runPlan({ workspace: REPO_ROOT, from: FROM, teams: [exampleTeams()[0]!] });
    expect(renderJson(b)).toBe(renderJson(a));
    const ids = a.stacks.flatMap((s) => s.resources.map((r) => r.id)).filter(Boolean);
    expect(ids.length).toBeGreaterThan(0);
    // A team's plan proves the flows of its environment too (its iam stack ran, unselected).
    const team = exampleTeams()[0]!;
    expect(a.permissions.checks.some((c) => c.flow === `team-run/${team}`)).toBe(true);
    expect(a.permissions.findings).toEqual([]);
  });
});

describe("a broken copy of the workspace", () => {
  it("judges tenancy in the pack by the planned workspace's registry, not the one beside the pack", async () => {
    // A team registered only in this workspace: the pack process (the bundled one) must read the
    // workspace's policies/tenants.yaml, or it would call the team unregistered (tenant-grants, exit 1).
    const ws = copy();
    ws.editYaml("policies/tenants.yaml", (doc) =>
      doc.setIn(["teams", "speech"], doc.createNode({ grants: [{ environment: "prod", pools: ["a10g"] }] })),
    );
    mkdirSync(path.join(ws.root, "stacks/scheduling/teams/speech"), { recursive: true });
    ws.write(
      teamFile("speech"),
      [
        "config:",
        "  aws:region: eu-west-1",
        "  scheduling:team: speech",
        "  scheduling:environment: prod",
        "  scheduling:windows:",
        "    - name: weekly-asr",
        "      schedule: cron(0 3 ? * WED *)",
        "      durationHours: 3",
        "      cutoffHours: 1",
        "      pool: a10g",
        "      startStopInstances: true",
        "      tasks:",
        "        - name: train-asr",
        "          command: python /opt/asr/train.py",
        "          timeoutSeconds: 3600",
        '          maxConcurrency: "100%"',
        "",
      ].join("\n"),
    );
    const report = await runPlan({ workspace: ws.root, from: FROM, teams: ["speech"] });
    expect(report.errors).toEqual([]);
    const speech = report.stacks.find((s) => s.id === "scheduling/speech")!;
    expect(speech.status).toBe("planned");
    expect(speech.violations.filter((v) => v.policy === "tenant-grants")).toEqual([]);
    expect(report.summary.exitCode, JSON.stringify(speech.violations, null, 2)).toBe(0);
  });

  // A check only the program makes (the referenced iam stack's environment) still reports one
  // problem per key, with the file and key, like the load stage's: never one folded message.
  it.each<[string, (ws: ReturnType<typeof copy>) => string, string, RegExp]>([
    [
      "a fleet on another environment's iam stack (checked before any resource)",
      (ws) => {
        ws.editYaml("stacks/fleet/envs/dev/Pulumi.dev.yaml", (doc) =>
          doc.setIn(["config", "fleet:iamStack"], "organization/retrain-iam/prod"),
        );
        return "stacks/fleet/envs/dev/Pulumi.dev.yaml";
      },
      "fleet:iamStack",
      /another environment than this stack's "dev"/,
    ],
    [
      "a team topic in another account (checked inside an Output, once the account is known)",
      (ws) => {
        const team = exampleTeams()[0]!;
        ws.editYaml(teamFile(team), (doc) => {
          const region = String(doc.getIn(["config", "aws:region"]));
          doc.setIn(["config", "scheduling:notify"], {
            topicArn: `arn:aws:sns:${region}:999999999999:${team}-oncall`,
          });
        });
        return teamFile(team);
      },
      "scheduling:notify.topicArn",
      /is in account 999999999999, not this stack's account/,
    ],
  ])(
    "reports a config error the program throws by file and key (exit 2): %s",
    async (_title, edit, key, message) => {
      const ws = copy();
      const file = edit(ws);
      const report = await runPlan({ workspace: ws.root, from: FROM });
      expect(report.summary.exitCode).toBe(2);
      const problem = report.errors.find((e) => e.key === key);
      expect(problem, JSON.stringify(report.errors, null, 2)).toMatchObject({
        file,
        message: expect.stringMatching(message),
      });
      expect(problem?.message).not.toMatch(/error serializing property/);
      expect(text(report)).not.toContain("\\u{a}");
    },
  );

  it("counts a stack file that did not load as invalid, not as one stack fewer", async () => {
    const ws = copy();
    const team = exampleTeams()[0]!;
    const { index } = firstWindow(ws, team);
    ws.editYaml(teamFile(team), (doc) =>
      doc.setIn(["config", "scheduling:windows", index, "schedule"], "cron(99 2 ? * * *)"),
    );
    const report = await runPlan({ workspace: ws.root, from: FROM });
    expect(report.summary.exitCode).toBe(2);
    expect(report.stacks.map((s) => s.id)).not.toContain(`scheduling/${team}`);
    expect(report.summary.invalid).toBe(1);
    const files = new Set(report.stacks.map((s) => s.id));
    expect(report.summary.stacks).toBe(files.size);
    expect(text(report)).toMatch(
      new RegExp(`Plan INVALID: ${report.summary.planned} of ${files.size + 1} stacks planned, 1 invalid`),
    );
  });

  it("fails (exit 1) on an over-long window, naming the policy and the window", async () => {
    const ws = copy();
    const team = exampleTeams()[0]!;
    const { index, window } = firstWindow(ws, team);
    // 6 h is within the config schema (1-24 h) but above the pack's default maximum of 4 h.
    ws.editYaml(teamFile(team), (doc) =>
      doc.setIn(["config", "scheduling:windows", index, "durationHours"], 6),
    );
    const report = await runPlan({ workspace: ws.root, from: FROM, teams: [team] });
    expect(report.errors).toEqual([]);
    expect(report.summary.exitCode).toBe(1);
    const violations = report.stacks.find((s) => s.id === `scheduling/${team}`)!.violations;
    const limit = violations.find(
      (v) => v.policy === "maintenance-window-limits" && v.enforcementLevel === "mandatory",
    );
    expect(limit, JSON.stringify(violations, null, 2)).toBeDefined();
    const out = text(report);
    expect(out).toContain("maintenance-window-limits");
    expect(out).toContain(String(window.name));
  });

  it("fails (exit 1) on a window that never runs again (its endDate past), naming the window and the date", async () => {
    const ws = copy();
    const team = exampleTeams()[0]!;
    const { index, window } = firstWindow(ws, team);
    // Valid config (SSM accepts it too), but the window would deploy and never run.
    ws.editYaml(teamFile(team), (doc) =>
      doc.setIn(["config", "scheduling:windows", index, "endDate"], "2020-01-01T00:00:00Z"),
    );
    const report = await runPlan({ workspace: ws.root, from: FROM, teams: [team] });
    expect(report.errors).toEqual([]);
    expect(report.summary.exitCode).toBe(1);
    const violations = report.stacks.find((s) => s.id === `scheduling/${team}`)!.violations;
    const never = violations.find(
      (v) => v.policy === "maintenance-window-limits" && /never runs again/.test(v.message),
    );
    expect(never, JSON.stringify(violations, null, 2)).toMatchObject({
      enforcementLevel: "mandatory",
      message: expect.stringContaining("endDate 2020-01-01T00:00:00Z has passed"),
    });
    expect(text(report)).toContain(String(window.name));
  });

  it("is invalid input (exit 2) on a disabled association, which State Manager would run anyway", async () => {
    const ws = copy();
    let found: { team: string; index: number } | undefined;
    for (const team of exampleTeams()) {
      ws.editYaml(teamFile(team), (doc) => {
        const windows = doc.getIn(["config", "scheduling:windows"]);
        if (!found && isSeq(windows))
          windows.items.forEach((item, index) => {
            if (!found && (item as YAMLMap).get("mode") === "association") {
              (item as YAMLMap).set("enabled", false);
              found = { team, index };
            }
          });
      });
    }
    if (!found) throw new Error("the example workspace has no association");
    const report = await runPlan({ workspace: ws.root, from: FROM });
    expect(report.summary.exitCode).toBe(2);
    expect(report.errors).toContainEqual(
      expect.objectContaining({
        file: teamFile(found.team),
        key: `scheduling:windows[${found.index}].enabled`,
        message: expect.stringMatching(/an association has no off switch/),
      }),
    );
  });

  it("is invalid input (exit 2) on an invalid cron, naming the file and the key", async () => {
    const ws = copy();
    const team = exampleTeams()[0]!;
    const { index } = firstWindow(ws, team);
    // Both day-of-month and day-of-week set: AWS requires one of them to be `?`.
    ws.editYaml(teamFile(team), (doc) =>
      doc.setIn(["config", "scheduling:windows", index, "schedule"], "cron(0 4 * * SUN *)"),
    );
    const report = await runPlan({ workspace: ws.root, from: FROM });
    expect(report.summary.exitCode).toBe(2);
    const key = `scheduling:windows[${index}].schedule`;
    expect(report.errors).toContainEqual(expect.objectContaining({ file: teamFile(team), key }));
    // The JSON error points at the key in the file, as `retrain calendar` and `config check` do.
    const lines = readFileSync(path.join(ws.root, teamFile(team)), "utf8").split("\n");
    const line = lines.findIndex((l) => l.includes("cron(0 4 * * SUN *)")) + 1;
    const column = (lines[line - 1]?.indexOf("schedule:") ?? -1) + 1;
    expect(line).toBeGreaterThan(0);
    const json = JSON.parse(renderJson(report)) as { errors: { file: string; key?: string }[] };
    expect(json.errors.find((e) => e.key === key)).toEqual({
      file: teamFile(team),
      key,
      line,
      column,
      message: expect.stringMatching(/day-of-month and day-of-week/),
    });
    const out = text(report);
    expect(out).toContain(teamFile(team));
    expect(out).toContain(key);
    // The other teams still plan; the broken team's stack is not run.
    expect(report.stacks.map((s) => s.id)).not.toContain(`scheduling/${team}`);
    expect(
      report.stacks.filter((s) => s.id.startsWith("scheduling/")).every((s) => s.status === "planned"),
    ).toBe(true);
  });

  it("fails (exit 1) when two teams' windows clash on one pool, naming both", async () => {
    const ws = copy();
    // Two teams of one environment: each has its training role there (a team moved to an environment
    // the iam stack made no role for cannot plan at all).
    const envOf = (team: string) => {
      let env: unknown;
      ws.editYaml(teamFile(team), (doc) => {
        env = doc.getIn(["config", "scheduling:environment"]);
      });
      return env;
    };
    const teams = exampleTeams();
    const [teamA, teamB] = teams.filter((t) => teams.some((u) => u !== t && envOf(u) === envOf(t))) as [
      string,
      string,
    ];
    const { window } = firstWindow(ws, teamA);
    let environment: unknown;
    ws.editYaml(teamFile(teamA), (doc) => {
      environment = doc.getIn(["config", "scheduling:environment"]);
    });
    // Team B gets one window on team A's pool and environment, at the same time.
    ws.editYaml(teamFile(teamB), (doc) => {
      const config = doc.get("config") as YAMLMap;
      if (!isMap(config)) throw new Error("no config");
      config.set("scheduling:environment", environment);
      config.set("scheduling:windows", doc.createNode([{ ...window, name: "copycat" }]));
    });
    // Security grants team B team A's pool too, so the windows may share it (and then clash).
    ws.editYaml("policies/tenants.yaml", (doc) =>
      doc.setIn(["teams", teamB, "grants"], doc.createNode([{ environment, pools: [window.pool] }])),
    );
    const report = await runPlan({ workspace: ws.root, from: FROM, teams: [teamB] });
    expect(report.errors).toEqual([]);
    expect(report.summary.exitCode).toBe(1);
    const clash = report.clashes.find(
      (c) => [c.a.team, c.b.team].sort().join() === [teamA, teamB].sort().join(),
    );
    expect(clash, JSON.stringify(report.clashes, null, 2)).toBeDefined();
    expect(clash!.pool).toBe(window.pool);
    const out = text(report);
    expect(out).toContain(`${teamA}/${window.name}`);
    expect(out).toContain(`${teamB}/copycat`);
  });

  it("fails (exit 1) on a wildcard policy introduced into the iam program", async () => {
    const ws = copy();
    const file = "stacks/iam/src/program.ts";
    const source = ws.read(file);
    const marker = "\n  return {";
    expect(source).toContain(marker);
    // The seed's policy: everything on everything, for a role SSM assumes.
    const injected = `
  const seedRole = new aws.iam.Role("seed-role", {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ssm.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
  });
  new aws.iam.RolePolicy("seed-wildcard", {
    role: seedRole.id,
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
  });
`;
    ws.write(file, source.replace(marker, `${injected}${marker}`));
    const iamStack = `iam/${environmentOf(ws)}`;
    const report = await runPlan({ workspace: ws.root, from: FROM, stacks: [iamStack] });
    expect(report.errors).toEqual([]);
    expect(report.summary.exitCode).toBe(1);
    const violations = report.stacks.find((s) => s.id === iamStack)!.violations;
    expect(violations).toContainEqual(
      expect.objectContaining({
        policy: "no-wildcard-iam",
        enforcementLevel: "mandatory",
        urn: expect.stringContaining("seed-wildcard"),
      }),
    );
    expect(text(report)).toContain("no-wildcard-iam");
  });

  it("fails (exit 1) when a team role is widened to every team's runs, naming the flow, role and request", async () => {
    const ws = copy();
    const file = "stacks/iam/src/program.ts";
    const source = ws.read(file);
    const marker = "\n  return {";
    expect(source).toContain(marker);
    // Narrow enough for the pack (a bucket prefix), wrong for tenancy: every team's runs.
    const injected = `
  new aws.iam.RolePolicy("seed-cross-team", {
    role: teamRoles[0]![1].role.name,
    policy: artifacts.bucketArn.apply((b) =>
      JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "SeedCrossTeam", Effect: "Allow", Action: "s3:PutObject", Resource: \`\${b}/runs/*\` }] }),
    ),
  });
`;
    ws.write(file, source.replace(marker, `${injected}${marker}`));
    const env = environmentOf(ws);
    const report = await runPlan({ workspace: ws.root, from: FROM, stacks: [`iam/${env}`] });
    expect(report.errors).toEqual([]);
    expect(report.summary.exitCode).toBe(1);
    expect(report.summary.permissionFindings).toBeGreaterThan(0);
    const finding = report.permissions.findings.find((f) => f.message.includes("SeedCrossTeam"));
    expect(finding, JSON.stringify(report.permissions.findings, null, 2)).toBeDefined();
    expect(finding!.flow).toMatch(/^team-run\//);
    expect(finding!.role).toMatch(new RegExp(`:role/retrain-${env}-team-`));
    expect(finding!.file).toBe(`stacks/iam/envs/${env}/Pulumi.${env}.yaml`);
    expect(finding!.message).toContain("must be denied");
    expect(text(report)).toContain("SeedCrossTeam");
  });

  it("is invalid input (exit 2) on a renamed upstream output, naming the reference", async () => {
    const ws = copy();
    const file = "stacks/iam/src/program.ts";
    const source = ws.read(file);
    expect(source).toContain("maintenanceWindowRoleArn:");
    ws.write(file, source.replace("maintenanceWindowRoleArn:", "windowRoleArn:"));
    const env = environmentOf(ws);
    const report = await runPlan({ workspace: ws.root, from: FROM, stacks: [`fleet/${env}`] });
    expect(report.summary.exitCode).toBe(2);
    const reference = `organization/retrain-iam/${env}`;
    const error = report.errors.find((e) => e.message.includes(reference));
    expect(error, JSON.stringify(report.errors, null, 2)).toBeDefined();
    expect(error!.message).toContain("maintenanceWindowRoleArn");
    expect(error!.file).toBe(`stacks/fleet/envs/${env}/Pulumi.${env}.yaml`);
    expect(error!.key).toBe("fleet:iamStack");
    expect(report.stacks.find((s) => s.id === `fleet/${env}`)!.status).toBe("failed");
    expect(text(report)).toContain(reference);
  });

  it("is invalid input (exit 2) on a reference to no stack, naming both stacks; others still plan", async () => {
    const ws = copy();
    const env = environmentOf(ws);
    const fleetFile = `stacks/fleet/envs/${env}/Pulumi.${env}.yaml`;
    ws.editYaml(fleetFile, (doc) =>
      doc.setIn(["config", "fleet:iamStack"], "organization/retrain-iam/staging"),
    );
    const report = await runPlan({ workspace: ws.root, from: FROM });
    expect(report.summary.exitCode).toBe(2);
    const error = report.errors.find((e) => e.key === "fleet:iamStack");
    expect(error, JSON.stringify(report.errors, null, 2)).toBeDefined();
    expect(error!.file).toBe(fleetFile);
    expect(error!.message).toContain(`fleet/${env}`);
    expect(error!.message).toContain("organization/retrain-iam/staging");
    const status = new Map(report.stacks.map((s) => [s.id, s.status]));
    expect(status.get(`fleet/${env}`)).toBe("skipped");
    expect(status.get(`iam/${env}`)).toBe("planned");
    // Teams of that environment depend on the broken fleet stack: none of them runs.
    for (const s of report.stacks) {
      if (s.id.startsWith("scheduling/") && s.status !== "planned") expect(s.error).toMatch(/fleet\//);
    }
  });

  it("runs no later stack on a broken upstream: a throwing program skips its dependents", async () => {
    const ws = copy();
    const env = environmentOf(ws);
    const file = "stacks/iam/src/program.ts";
    const source = ws.read(file);
    const marker = "\n  return {";
    ws.write(file, source.replace(marker, `\n  throw new Error("iam program exploded");${marker}`));
    const report = await runPlan({ workspace: ws.root, from: FROM, stacks: [`fleet/${env}`] });
    expect(report.summary.exitCode).toBe(2);
    const iam = report.stacks.find((s) => s.id === `iam/${env}`)!;
    const fleet = report.stacks.find((s) => s.id === `fleet/${env}`)!;
    expect(iam.status).toBe("failed");
    expect(iam.error).toContain("iam program exploded");
    expect(fleet.status).toBe("skipped");
    expect(fleet.resources).toEqual([]);
    expect(fleet.error).toContain(`iam/${env}`);
    expect(report.errors.some((e) => e.message.includes("iam program exploded"))).toBe(true);
  });

  it("is invalid input (exit 2) on a pack config the pack's schema rejects, naming the file", async () => {
    const ws = copy();
    mkdirSync(path.join(ws.root, "policies/retrain-guard"), { recursive: true });
    ws.write(
      "policies/retrain-guard/policy-config.json",
      JSON.stringify({ "maintenance-window-limits": { maxDurationHours: -1 }, "no-such-policy": {} }),
    );
    const report = await runPlan({ workspace: ws.root, from: FROM, stacks: [`iam/${environmentOf(ws)}`] });
    expect(report.summary.exitCode).toBe(2);
    const errors = report.errors.filter((e) => e.file === "policies/retrain-guard/policy-config.json");
    // One problem per key of the file, as a stack config's: never one folded, escaped message.
    expect(errors.map((e) => e.key).sort(), JSON.stringify(report.errors, null, 2)).toEqual([
      "maintenance-window-limits.maxDurationHours",
      "no-such-policy",
    ]);
    expect(errors.every((e) => !e.message.includes("\n"))).toBe(true);
    expect(text(report)).not.toContain("\\u{a}");
  });

  it("is invalid input (exit 2) for an unknown --stack, listing the known ones", async () => {
    const report = await runPlan({ workspace: REPO_ROOT, from: FROM, stacks: ["scheduling/nobody"] });
    expect(report.summary.exitCode).toBe(2);
    expect(report.errors[0]!.message).toMatch(/unknown stack "scheduling\/nobody"; known stacks: .*iam\//);
    expect(report.stacks).toEqual([]);
  });
});
