/**
 * Failure paths of the offline plan, end to end on temporary copies of the example workspace:
 * each broken input ends with a clear error naming the file and exit code 2 (the CLI's exit code is
 * summary.exitCode), and no stack runs on top of an upstream that is broken.
 */
import { chmodSync, cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runPlan } from "@retrain/plan";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, type WorkspaceCopy, workspaceCopies } from "../packages/plan/test/support/workspace.js";

const FROM = new Date("2026-11-30T00:00:00Z");
const VISION = "stacks/scheduling/teams/vision/Pulumi.vision.yaml";

const copy = workspaceCopies();

const plan = (ws: WorkspaceCopy, stacks?: string[]) =>
  runPlan({ workspace: ws.root, from: FROM, ...(stacks ? { stacks } : {}) });

const statusOf = (report: Awaited<ReturnType<typeof plan>>, id: string) =>
  report.stacks.find((s) => s.id === id)?.status;

describe("broken config files", () => {
  it("a half-written config: exit 2 naming the file, the other stacks still plan", async () => {
    const ws = copy();
    const text = ws.read(VISION);
    ws.write(VISION, text.slice(0, Math.floor(text.length * 0.6)));
    const report = await plan(ws);
    expect(report.summary.exitCode).toBe(2);
    expect(report.errors.some((e) => e.file === VISION)).toBe(true);
    expect(statusOf(report, "scheduling/vision")).toBeUndefined();
    expect(statusOf(report, "fleet/prod")).toBe("planned");
  });

  it("an unreadable config (a dangling link, and no read permission): exit 2 naming the file", async () => {
    const ws = copy();
    rmSync(path.join(ws.root, VISION));
    symlinkSync(path.join(ws.root, "nowhere.yaml"), path.join(ws.root, VISION));
    const report = await plan(ws);
    expect(report.summary.exitCode).toBe(2);
    expect(report.errors.find((e) => e.file === VISION)?.message).toMatch(
      /is a symbolic link: a workspace file must be a regular file/,
    );
    if (process.getuid?.() === 0) {
      console.info("skipping the permission half: running as root, which reads files whatever their mode");
      return;
    }
    const ws2 = copy();
    chmodSync(path.join(ws2.root, VISION), 0o000);
    const report2 = await plan(ws2);
    expect(report2.summary.exitCode).toBe(2);
    expect(report2.errors.find((e) => e.file === VISION)?.message).toMatch(/cannot read|EACCES/i);
  });

  it("a huge config (an alias bomb, and 5 000 invalid windows) fails fast with exit 2", async () => {
    const ws = copy();
    // "Billion laughs": ten levels of ten aliases each.
    const levels = ["config:", "  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 10; i++)
      levels.push(
        `  a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    ws.write(VISION, `${levels.join("\n")}\n`);
    const team = "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml";
    const windows = Array.from(
      { length: 5000 },
      (_, i) =>
        `    - { name: w${i}, schedule: "cron(0 4 ? * SUN *)", durationHours: 99, pool: a10g, tasks: [] }`,
    );
    ws.write(
      team,
      `config:\n  aws:region: eu-west-1\n  scheduling:team: nlp\n  scheduling:environment: dev\n  scheduling:windows:\n${windows.join("\n")}\n`,
    );
    const report = await plan(ws);
    expect(report.summary.exitCode).toBe(2);
    expect(report.errors.some((e) => e.file === VISION)).toBe(true);
    // 5 000 windows are over the per-team cap (CloudWatch's 100 metric filters per run-log group):
    // the file is refused for its size, before any window is read.
    expect(
      report.errors.some(
        (e) => e.file === team && /windows/.test(e.key ?? "") && /at most 50 windows/.test(e.message),
      ),
    ).toBe(true);
    expect(statusOf(report, "scheduling/vision")).toBeUndefined();
    expect(statusOf(report, "scheduling/nlp")).toBeUndefined();
  });
});

describe("broken stack graph", () => {
  it("a StackReference cycle: exit 2 naming both stacks; nothing downstream of them runs", async () => {
    const ws = copy();
    for (const [env, other] of [
      ["dev", "prod"],
      ["prod", "dev"],
    ] as const) {
      const file = `stacks/fleet/envs/${env}/Pulumi.${env}.yaml`;
      ws.editYaml(file, (doc) =>
        doc.setIn(["config", "fleet:iamStack"], `organization/retrain-fleet/${other}`),
      );
    }
    const report = await plan(ws);
    expect(report.summary.exitCode).toBe(2);
    const cycle = report.errors.filter((e) => /cycle/i.test(e.message));
    expect(cycle.length).toBeGreaterThan(0);
    expect(cycle.map((e) => e.message).join("\n")).toMatch(/fleet\/(dev|prod)/);
    for (const s of report.stacks.filter((s) => s.kind === "scheduling" || s.kind === "fleet")) {
      expect(s.status, s.id).not.toBe("planned");
      expect(s.resources, s.id).toHaveLength(0);
    }
    expect(statusOf(report, "iam/dev")).toBe("planned");
  });

  it("a program that throws: that stack fails, its dependents are skipped without running", async () => {
    const ws = copy();
    const program = "stacks/fleet/src/index.ts";
    ws.write(program, `export default async function () {\n  throw new Error("fleet program broke");\n}\n`);
    const report = await plan(ws);
    expect(report.summary.exitCode).toBe(2);
    for (const env of ["dev", "prod"]) {
      expect(statusOf(report, `fleet/${env}`)).toBe("failed");
    }
    const teams = report.stacks.filter((s) => s.kind === "scheduling");
    expect(teams.length).toBeGreaterThan(0);
    for (const t of teams) {
      expect(t.status, t.id).toBe("skipped");
      expect(t.resources, t.id).toHaveLength(0);
      expect(t.error).toMatch(/fleet\/\w+, which failed/);
    }
    expect(report.errors.some((e) => /fleet program broke/.test(e.message))).toBe(true);
  });
});

describe("the policy pack", () => {
  it("dying mid-plan: exit 2 with the pack's exit named, never a clean plan", async () => {
    const ws = copy();
    // The workspace's own pack is used when it has its dependencies: one that exits on its 5th resource.
    const pack = path.join(ws.root, "policies/retrain-guard");
    rmSync(pack, { recursive: true, force: true });
    mkdirSync(pack, { recursive: true });
    symlinkSync(
      path.join(REPO_ROOT, "policies/retrain-guard/node_modules"),
      path.join(pack, "node_modules"),
      "dir",
    );
    writeFileSync(path.join(pack, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    writeFileSync(path.join(pack, "package.json"), JSON.stringify({ name: "dying-pack", main: "index.js" }));
    writeFileSync(
      path.join(pack, "index.js"),
      `const { PolicyPack } = require("@pulumi/policy");
let seen = 0;
new PolicyPack("dying-pack", {
  policies: [{
    name: "die-mid-plan",
    description: "Exits the process on the fifth resource.",
    enforcementLevel: "mandatory",
    validateResource: () => { if (++seen === 5) process.exit(3); },
  }],
});
`,
    );
    cpSync(
      path.join(REPO_ROOT, "policies/retrain-guard/PulumiPolicy.yaml"),
      path.join(pack, "PulumiPolicy.yaml"),
    );
    const report = await plan(ws);
    expect(report.summary.exitCode).toBe(2);
    const packError = report.errors.find((e) => /policy pack/.test(e.message));
    expect(packError?.message).toMatch(/exited with code 3|killed|UNAVAILABLE/);
  });
});

describe("the account's maintenance-window quota", () => {
  it("sums every team of the environment, also when the plan selects one team", async () => {
    const ws = copy();
    const FLEET = "stacks/fleet/envs/prod/Pulumi.prod.yaml";
    // prod's teams (nlp, vision) declare more windows together than a quota of 2.
    ws.write(FLEET, ws.read(FLEET).replace("config:\n", "config:\n  fleet:maintenanceWindowQuota: 2\n"));
    const quota = (r: Awaited<ReturnType<typeof plan>>) =>
      r.errors.filter((e) => e.key === "scheduling:windows" && /quota of 2 per region/.test(e.message));
    const all = await plan(ws);
    expect(all.summary.exitCode).toBe(2);
    expect(quota(all)).toHaveLength(1);
    // One team selected: the other team's windows still count against the shared quota.
    const one = await plan(ws, ["scheduling/vision"]);
    expect(one.summary.exitCode).toBe(2);
    expect(quota(one)).toHaveLength(1);
    expect(quota(one)[0]?.message).toMatch(
      /scheduling\/nlp \d+, scheduling\/vision \d+|scheduling\/vision \d+, scheduling\/nlp \d+/,
    );
  });
});
