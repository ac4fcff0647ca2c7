/** The plan's gate for a pull request (pr.yml's verify job): the stacks it touches, or every stack. */
import { discoverStacks } from "@retrain/config/workspace";
import { describe, expect, it } from "vitest";
import { gateStacks, parseArgs } from "../src/deploy-matrix.js";
import { deployProjects } from "../src/stack-changes.js";
import { FIXTURE } from "./support/fixture.js";

const { stacks } = discoverStacks(FIXTURE);
const every = stacks.map((s) => s.id).sort();

describe("gateStacks", () => {
  it.each<[string, string[], string[], string[] | "all"]>([
    // name, changed files, nx affected, gated ids ("all": every stack)
    [
      "a team's own file gates that team only",
      ["stacks/scheduling/teams/vision/Pulumi.vision.yaml"],
      ["scheduling-vision"],
      ["scheduling/vision"],
    ],
    [
      "a team's file gates it even if Nx misses it",
      ["stacks/scheduling/teams/nlp/Pulumi.nlp.yaml"],
      [],
      ["scheduling/nlp"],
    ],
    [
      "two teams' files gate both",
      ["stacks/scheduling/teams/nlp/Pulumi.nlp.yaml", "stacks/scheduling/teams/vision/Pulumi.vision.yaml"],
      [],
      ["scheduling/nlp", "scheduling/vision"],
    ],
    [
      "an iam env's config gates it and what Nx says depends on it",
      ["stacks/iam/envs/dev/Pulumi.dev.yaml"],
      ["iam-dev", "scheduling-nlp"],
      ["iam/dev", "scheduling/nlp"],
    ],
    ["documentation gates nothing", ["docs/ci.md", "README.md"], [], []],
    [
      "a stack program's src gates every stack",
      ["stacks/scheduling/src/index.ts"],
      ["scheduling-vision"],
      "all",
    ],
    ["platform packages gate every stack", ["packages/components/src/index.ts"], [], "all"],
    ["the tenant registry gates every stack", ["policies/tenants.yaml"], [], "all"],
    ["the policy pack gates every stack", ["policies/retrain-guard/src/index.ts"], [], "all"],
    ["the workflows gate every stack", [".github/workflows/pr.yml"], [], "all"],
    [
      "a team file next to a platform file gates every stack",
      ["stacks/scheduling/teams/vision/Pulumi.vision.yaml", "pnpm-lock.yaml"],
      [],
      "all",
    ],
    [
      "a deleted team's folder (no stack now) gates every stack",
      ["stacks/scheduling/teams/gone/Pulumi.gone.yaml"],
      [],
      "all",
    ],
  ])("%s", (_name, changed, affected, expected) => {
    const gate = gateStacks({ root: FIXTURE, changed, affected, stacks });
    if (expected === "all") {
      expect(gate.all).toBe(true);
      expect(gate.ids).toEqual(every);
      expect(gate.reason).toBeTruthy();
    } else {
      expect(gate).toEqual({ all: false, ids: expected });
    }
  });

  it("never treats a folder holding a program as one stack's own", () => {
    const [vision] = stacks.filter((s) => s.id === "scheduling/vision");
    // A config next to its program: the folder is the program's, only the config file is the stack's.
    const beside = {
      ...vision!,
      root: "stacks/scheduling",
      configFile: `${FIXTURE}/stacks/scheduling/Pulumi.vision.yaml`,
    };
    const config = gateStacks({
      root: FIXTURE,
      changed: ["stacks/scheduling/Pulumi.vision.yaml"],
      affected: [],
      stacks: [beside],
    });
    expect(config).toEqual({ all: false, ids: ["scheduling/vision"] });
    const program = gateStacks({
      root: FIXTURE,
      changed: ["stacks/scheduling/src/index.ts"],
      affected: [],
      stacks: [beside],
    });
    expect(program.all).toBe(true);
  });

  it("parses --gate-stacks and fails without a base (the workflow then gates every stack)", () => {
    expect(parseArgs(["--gate-stacks", "--base", "abc"], {}).gateStacks).toBe(true);
    expect(parseArgs(["--base", "abc"], {}).gateStacks).toBe(false);
    expect(() => parseArgs(["--gate-stacks"], {})).toThrow(/--base/);
  });
});

describe("deployProjects", () => {
  const everyProject = stacks.map((s) => `${s.kind}-${s.stack}`);
  it.each<[string, string[], string[], string[]]>([
    // name, changed files, nx affected, deployed projects
    [
      "team files only: those teams, though Nx says every project (a renamed project file)",
      ["stacks/scheduling/teams/vision/Pulumi.vision.yaml"],
      everyProject,
      ["scheduling-vision"],
    ],
    [
      "an environment's file: what Nx says (its downstream stacks read its outputs)",
      ["stacks/iam/envs/dev/Pulumi.dev.yaml"],
      ["iam-dev", "fleet-dev", "scheduling-nlp"],
      ["fleet-dev", "iam-dev", "scheduling-nlp"],
    ],
    [
      "the tenant registry: every iam stack as well",
      ["policies/tenants.yaml"],
      ["scheduling-nlp"],
      ["iam-dev", "iam-prod", "scheduling-nlp"],
    ],
    ["retrain.json: every stack", ["retrain.json"], [], [...everyProject].sort()],
    ["documentation: nothing", ["docs/ops.md"], [], []],
  ])("%s", (_name, changed, nxAffected, expected) => {
    expect(deployProjects({ root: FIXTURE, changed, nxAffected, stacks })).toEqual(expected);
  });
});
