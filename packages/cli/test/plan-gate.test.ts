/**
 * `retrain plan --gate`: a team file that went stale after merge (a one-off window now past: the
 * pack's mandatory "never runs again") fails only a change that touches that team's stack; every
 * other change sees it reported as not gating. Unknown ids are invalid input (exit 2).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { PlanJson } from "@retrain/plan";
import { describe, expect, it } from "vitest";
import { workspaceCopies } from "../../plan/test/support/workspace.js";
import { retrain } from "./run.js";

const copy = workspaceCopies();

/** A workspace whose team `vision` has a window that already ran its only run. */
function staleWorkspace() {
  const ws = copy();
  ws.editYaml("stacks/scheduling/teams/vision/Pulumi.vision.yaml", (doc) => {
    doc.setIn(["config", "scheduling:windows", 0, "schedule"], "at(2020-01-01T04:00:00)");
  });
  return ws;
}

describe("retrain plan --gate", () => {
  it("fails a change to the stale team, reports but passes a change to another team", async () => {
    const ws = staleWorkspace();
    const stacks = ["--stack", "scheduling/vision", "--stack", "scheduling/nlp", "--no-cache", "--quiet"];
    const plan = (gate: string[]) =>
      retrain(["plan", "--workspace", ws.root, ...stacks, ...gate], {
        now: new Date("2026-12-03T00:00:00Z"),
      });

    const everything = await plan([]);
    expect(everything.stdout).toMatch(/never runs again/);
    expect(everything.code).toBe(1);

    const touched = await plan(["--gate", "scheduling/vision"]);
    expect(touched.code).toBe(1);
    expect(touched.stdout).not.toMatch(/not gating/);

    const json = path.join(ws.root, "plan.json");
    const other = await plan(["--gate", "scheduling/nlp", "--json", json]);
    expect(other.stdout).toMatch(/never runs again/);
    expect(other.stdout).toMatch(
      /retrain-scheduling\/vision .*pre-existing on an unchanged stack, not gating/,
    );
    expect(other.stdout).toMatch(
      /Plan OK: .*gated on 1 stack \(1 finding pre-existing on an unchanged stack/,
    );
    expect(other.code).toBe(0);
    const report = JSON.parse(readFileSync(json, "utf8")) as PlanJson;
    expect(report.summary).toMatchObject({ exitCode: 0 });
    expect(report.summary.mandatory).toBeGreaterThan(0);
    expect(report.gate).toMatchObject({
      mode: "stacks",
      stacks: ["scheduling/nlp"],
      gating: { mandatory: 0 },
      notGating: { stackIds: ["scheduling/vision"] },
    });

    // An empty gate (a change that touches no stack) gates nothing.
    const none = await plan(["--gate", ""]);
    expect(none.code).toBe(0);
  });

  it.each([["scheduling/nope"], ["nope,iam/dev"]])(
    "exits 2 for --gate %j, listing the valid ids",
    async (value) => {
      const r = await retrain([
        "plan",
        "--workspace",
        copy().root,
        "--stack",
        "iam/dev",
        "--gate",
        value,
        "--quiet",
      ]);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(
        /--gate: unknown stack "(scheduling\/)?nope"; known stacks: .*iam\/dev.*scheduling\/vision/,
      );
      // Bad input plans nothing: the flag is resolved before any stack runs.
      expect(r.stdout).toMatch(/\b0 of \d+ stacks planned\b|no stack planned|0 stacks planned/);
    },
  );
});
