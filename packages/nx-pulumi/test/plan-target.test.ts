/**
 * The inferred `plan` target is cacheable and declares, from the one list in @retrain/config
 * plan-inputs.ts, every input the in-process per-stack cache hashes.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  PLAN_CODE_FILES,
  PLAN_ENV_INPUTS,
  PLAN_RUNTIME_INPUTS,
  PLAN_WORKSPACE_FILES,
} from "@retrain/config/workspace";
import { describe, expect, it } from "vitest";
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
