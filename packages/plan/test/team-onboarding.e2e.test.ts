/**
 * End to end: a team onboarded with `retrain team add` (`addTeam` of @retrain/workspace-tools) plans
 * clean in the example workspace, whatever environment and pool it is given: its starter window
 * starts and stops the pool only when the fleet stops that pool when idle, and runs in a slot no
 * other team's window holds on that pool over the clash check's lookahead.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { addTeam } from "../../workspace-tools/src/team.js";
import { runPlan } from "../src/engine.js";
import type { PlanReport } from "../src/model.js";
import { REPO_ROOT, type WorkspaceCopy, workspaceCopies } from "./support/workspace.js";

const FROM = new Date("2026-11-30T00:00:00Z");
const copy = workspaceCopies();

/** A copy with the repository's CODEOWNERS, so onboarding names the owners as it would in the repo. */
function workspace(): WorkspaceCopy {
  const ws = copy();
  mkdirSync(path.join(ws.root, ".github"), { recursive: true });
  copyFileSync(path.join(REPO_ROOT, ".github/CODEOWNERS"), path.join(ws.root, ".github/CODEOWNERS"));
  return ws;
}

/** The starter window as written, from the team's config file. */
function starterWindow(ws: WorkspaceCopy, file: string): Record<string, unknown> {
  const config = parseDocument(ws.read(file)).toJS().config as Record<string, unknown>;
  return (config["scheduling:windows"] as Record<string, unknown>[])[0]!;
}

function expectClean(report: PlanReport, team: string): void {
  const stack = report.stacks.find((s) => s.id === `scheduling/${team}`);
  const detail = JSON.stringify({ errors: report.errors, clashes: report.clashes, stack }, null, 2);
  expect(stack?.status, detail).toBe("planned");
  expect(report.errors, detail).toEqual([]);
  expect(report.clashes, detail).toEqual([]);
  for (const s of report.stacks)
    expect(
      s.violations.filter((v) => v.enforcementLevel === "mandatory"),
      `${s.id}: ${detail}`,
    ).toEqual([]);
  expect(report.summary.exitCode, detail).toBe(0);
}

describe("a team onboarded with `team add`", () => {
  it("plans clean on dev's always-on pool, beside another team's daily association", async () => {
    const ws = workspace();
    const result = addTeam({ workspaceRoot: ws.root, team: "speech", from: FROM });
    expect(result.grant).toEqual({ environment: "dev", pools: ["a10g"] });
    const window = starterWindow(ws, result.configFile);
    // dev/a10g is always on (stopWhenIdleMinutes: 0): the window must not stop it for recsys.
    expect(window).toMatchObject({ pool: "a10g", startStopInstances: false });
    // recsys/daily-refresh holds the pool 02:30-03:30 UTC every day: not 03:00.
    expect(window.schedule).not.toBe("cron(0 3 ? * SUN *)");
    expect(result.window).toMatchObject({ pool: "a10g", startStopInstances: false, sharedWith: ["recsys"] });
    expectClean(await runPlan({ workspace: ws.root, from: FROM, teams: ["speech"] }), "speech");
  });

  it("plans clean on prod's shared pool, off vision's Sunday retraining", async () => {
    const ws = workspace();
    const result = addTeam({ workspaceRoot: ws.root, team: "audio", environment: "prod", from: FROM });
    const window = starterWindow(ws, result.configFile);
    // prod stops idle instances: the window starts and stops them.
    expect(window).toMatchObject({ pool: "a10g", startStopInstances: true });
    expect(window.schedule).toMatch(/^cron\(0 \d+ \? \* [A-Z]{3} \*\)$/);
    expectClean(await runPlan({ workspace: ws.root, from: FROM, teams: ["audio"] }), "audio");
  });

  it("plans clean on a dev pool that stops when idle", async () => {
    const ws = workspace();
    const result = addTeam({ workspaceRoot: ws.root, team: "asr", pool: "l4", from: FROM });
    expect(result.grant).toEqual({ environment: "dev", pools: ["l4"] });
    // dev/l4 has no stopWhenIdleMinutes of its own: the fleet's 30 minutes apply.
    expect(starterWindow(ws, result.configFile)).toMatchObject({ pool: "l4", startStopInstances: true });
    expectClean(await runPlan({ workspace: ws.root, from: FROM, teams: ["asr"] }), "asr");
  });
});
