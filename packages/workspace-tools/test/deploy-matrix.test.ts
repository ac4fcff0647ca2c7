/** The deploy fan-out: affected stacks per dependency level, split into batches past the matrix limit. */
import { discoverStacks } from "@retrain/config/workspace";
import { describe, expect, it } from "vitest";
import { deployMatrix, parseArgs, previewMatrix } from "../src/deploy-matrix.js";
import { FIXTURE } from "./support/fixture.js";

const { stacks } = discoverStacks(FIXTURE);
const names = (levels: { stack: string }[][]) => levels.map((l) => l.map((e) => e.stack));

describe("deployMatrix", () => {
  it.each([
    [["iam-dev"], [["iam-dev"], [], []]],
    [
      ["iam-dev", "fleet-dev", "scheduling-nlp", "@retrain/stack-iam"],
      [["iam-dev"], ["fleet-dev"], ["scheduling-nlp"]],
    ],
    [
      ["scheduling-vision", "scheduling-nlp"],
      [[], [], ["scheduling-nlp", "scheduling-vision"]],
    ],
    [[], [[], [], []]],
  ])("affected %j → levels %j", (affected, expected) => {
    expect(names(deployMatrix({ affected, stacks }))).toEqual(expected);
  });

  it("gives each stack its own job, deploying that one project in its environment", () => {
    expect(deployMatrix({ affected: ["fleet-prod"], stacks })[1]).toEqual([
      { stack: "fleet-prod", projects: "fleet-prod", environment: "prod" },
    ]);
    // A team stack's environment is the one its config names.
    expect(deployMatrix({ affected: ["scheduling-vision", "scheduling-nlp"], stacks })[2]).toEqual([
      { stack: "scheduling-nlp", projects: "scheduling-nlp", environment: "dev" },
      { stack: "scheduling-vision", projects: "scheduling-vision", environment: "prod" },
    ]);
  });

  it("splits a level larger than the job limit into batches that never mix environments", () => {
    const all = stacks.map((s) => `${s.kind}-${s.stack}`);
    const [level0, , level2] = deployMatrix({ affected: all, stacks, maxJobs: 2 });
    // Two stacks of two environments fit two jobs: one each, no batching needed.
    expect(level0).toEqual([
      { stack: "iam-dev", projects: "iam-dev", environment: "dev" },
      { stack: "iam-prod", projects: "iam-prod", environment: "prod" },
    ]);
    expect(level2?.map((e) => e.environment).sort()).toEqual(["dev", "prod"]);
    // One job for two environments cannot be done without mixing their roles: refused.
    expect(() => deployMatrix({ affected: all, stacks, maxJobs: 1 })).toThrow(
      /2 environments but at most 1 jobs/,
    );
  });

  it.each([
    // [stacks per environment, jobs] → jobs per environment (all used, each within its stacks)
    [{ dev: 300, prod: 100 }, 256, { dev: 192, prod: 64 }],
    [{ dev: 1000, prod: 1 }, 3, { dev: 2, prod: 1 }],
    [{ a: 5, b: 5, c: 5 }, 4, { a: 2, b: 1, c: 1 }],
    [{ dev: 3, prod: 300 }, 10, { dev: 1, prod: 9 }],
  ])("batches %j over %d jobs as %j", (sizes, maxJobs, expected) => {
    const fake = Object.entries(sizes).flatMap(([environment, n]) =>
      Array.from({ length: n }, (_, i) => {
        const base = stacks.find((s) => s.id === "scheduling/vision")!;
        return {
          ...base,
          id: `scheduling/${environment}${i}`,
          stack: `${environment}${i}`,
          references: [],
          config: { ...base.config, config: { ...base.config.config, environment } },
        } as typeof base;
      }),
    );
    const level = deployMatrix({
      affected: fake.map((s) => `scheduling-${s.stack}`),
      stacks: fake,
      maxJobs,
    })[0]!;
    expect(level).toHaveLength(maxJobs);
    const jobs: Record<string, number> = {};
    for (const entry of level) {
      jobs[entry.environment] = (jobs[entry.environment] ?? 0) + 1;
      const envOf = entry.projects.split(",").map((p) => fake.find((s) => `scheduling-${s.stack}` === p));
      expect(new Set(envOf.map((s) => s?.config.config.environment))).toEqual(new Set([entry.environment]));
    }
    expect(jobs).toEqual(expected);
    // Every stack deployed exactly once.
    expect(level.flatMap((e) => e.projects.split(",")).sort()).toEqual(
      fake.map((s) => `scheduling-${s.stack}`).sort(),
    );
  });
});

describe("previewMatrix", () => {
  it.each([
    [["scheduling-vision"], [{ environment: "prod", projects: "scheduling-vision" }]],
    [
      ["iam-dev", "scheduling-vision", "fleet-prod", "@retrain/stack-iam", "scheduling-nlp"],
      [
        { environment: "dev", projects: "iam-dev,scheduling-nlp" },
        { environment: "prod", projects: "fleet-prod,scheduling-vision" },
      ],
    ],
    [["@retrain/config"], []],
  ])("affected %j → one job per environment %j", (affected, expected) => {
    expect(previewMatrix({ affected, stacks })).toEqual(expected);
  });
});

describe("parseArgs", () => {
  it("takes base and head from nx-set-shas's environment", () => {
    expect(parseArgs([], { NX_BASE: "abc", NX_HEAD: "def" })).toMatchObject({
      base: "abc",
      head: "def",
      levels: 3,
      preview: false,
    });
    expect(parseArgs(["--preview", "--base", "a"], {}).preview).toBe(true);
  });
  it.each([
    [[], /--base/],
    [["--base", "a", "--levels", "0"], /--levels/],
    [["--base", "a", "--max-jobs", "300"], /--max-jobs must be 1-256/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseArgs(argv, {})).toThrow(message);
  });
});
