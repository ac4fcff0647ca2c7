/**
 * The inferred `plan` target is cacheable and declares, from the one list in @retrain/config
 * plan-inputs.ts, every input the in-process per-stack cache hashes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  PLAN_CODE_FILES,
  PLAN_ENV_INPUTS,
  PLAN_RUNTIME_INPUTS,
  PLAN_WORKSPACE_FILES,
} from "@retrain/config/workspace";
import { describe, expect, it } from "vitest";
import { batch } from "../src/executors/plan.js";
import { planCodeDirs, planTargetInputs } from "../src/plan-target.js";
import { stackTargets } from "../src/stack-project.js";

const REPO_ROOT = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));

describe("the plan target", () => {
  it("reads the program, every workspace package it imports (transitively), the engine and the pack", () => {
    const dirs = planCodeDirs(REPO_ROOT, "stacks/scheduling");
    // The program imports components, config and windows; components imports schedule; the engine
    // imports offline; the pack is policies/retrain-guard.
    for (const d of [
      "stacks/scheduling",
      "packages/components",
      "packages/config",
      "packages/windows",
      "packages/schedule",
      "packages/plan",
      "packages/offline",
      "policies/retrain-guard",
    ])
      expect(dirs).toContain(d);
    expect(dirs).not.toContain("packages/cli");
    expect(dirs).not.toContain("packages/nx-pulumi");
  });

  it("is cacheable, writes the stack's result, and declares every input of the one list", () => {
    const dirs = planCodeDirs(REPO_ROOT, "stacks/scheduling");
    const plan = stackTargets(
      {
        id: "scheduling/vision",
        kind: "scheduling",
        stack: "vision",
        programDir: "stacks/scheduling",
        configFile: "stacks/scheduling/teams/vision/Pulumi.vision.yaml",
        root: "stacks/scheduling/teams/vision",
        references: [],
      },
      { wrapper: "w.js", policyPack: "policies/retrain-guard", planCodeDirs: () => dirs },
    ).plan!;
    expect(plan.cache).toBe(true);
    expect(plan.outputs).toEqual(["{workspaceRoot}/.plan/scheduling-vision.json"]);
    const inputs = plan.inputs ?? [];
    expect(inputs).toEqual(planTargetInputs(dirs));
    expect(inputs).toContain("{projectRoot}/**/*");
    expect(inputs).toContain("^production");
    for (const d of dirs)
      for (const f of PLAN_CODE_FILES)
        expect(inputs).toContain(`{workspaceRoot}/${d}/${f.endsWith("/**") ? `${f}/*` : f}`);
    for (const f of PLAN_WORKSPACE_FILES) expect(inputs).toContain(`{workspaceRoot}/${f}`);
    for (const env of PLAN_ENV_INPUTS) expect(inputs).toContainEqual({ env });
    for (const runtime of PLAN_RUNTIME_INPUTS) expect(inputs).toContainEqual({ runtime });
  });
});

describe("the plan executor", () => {
  it("plans every stack of an Nx batch in one retrain plan process and writes each stack's result", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "nx-plan-batch-"));
    try {
      const inputs = {
        "scheduling-vision:plan": { stack: "scheduling/vision", output: path.join(out, "vision.json") },
        "iam-dev:plan": { stack: "iam/dev", output: path.join(out, "iam-dev.json") },
      };
      const results = await batch(undefined, inputs, {}, { root: REPO_ROOT });
      expect(Object.keys(results).sort()).toEqual(["iam-dev:plan", "scheduling-vision:plan"]);
      for (const [task, r] of Object.entries(results)) {
        expect(r.success, `${task}: ${r.terminalOutput}`).toBe(true);
        // One process: the one plan's summary names both stacks.
        expect(r.terminalOutput).toContain("2 of 2 stacks planned");
      }
      const vision = JSON.parse(readFileSync(inputs["scheduling-vision:plan"].output, "utf8"));
      expect(vision.stack).toMatchObject({ id: "scheduling/vision", status: "planned" });
      expect(vision.horizon.weeks).toBe(4);
      expect(JSON.parse(readFileSync(inputs["iam-dev:plan"].output, "utf8")).stack.id).toBe("iam/dev");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it("fails a task whose stack the plan does not know, naming it", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "nx-plan-batch-"));
    try {
      const results = await batch(
        undefined,
        { "x:plan": { stack: "scheduling/no-such-team", output: path.join(out, "x.json") } },
        {},
        { root: REPO_ROOT },
      );
      expect(results["x:plan"]?.success).toBe(false);
      expect(results["x:plan"]?.terminalOutput).toContain("scheduling/no-such-team");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
