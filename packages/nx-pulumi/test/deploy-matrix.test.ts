/** The deploy fan-out: affected stacks per dependency level, split into batches past the matrix limit. */
import { discoverStacks } from "@retrain/config/workspace";
import { describe, expect, it } from "vitest";
import { deployMatrix, parseArgs } from "../src/deploy-matrix.js";
import { FIXTURE } from "./support/workspace.js";

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

  it("gives each stack its own job, deploying that one project", () => {
    expect(deployMatrix({ affected: ["fleet-prod"], stacks })[1]).toEqual([
      { stack: "fleet-prod", projects: "fleet-prod" },
    ]);
  });

  it("splits a level larger than the job limit into evenly filled batches", () => {
    const all = stacks.map((s) => `${s.kind}-${s.stack}`);
    const [level0] = deployMatrix({ affected: all, stacks, maxJobs: 1 });
    expect(level0).toEqual([{ stack: "level0-batch1", projects: "iam-dev,iam-prod" }]);
  });
});

describe("parseArgs", () => {
  it("takes base and head from nx-set-shas's environment", () => {
    expect(parseArgs([], { NX_BASE: "abc", NX_HEAD: "def" })).toMatchObject({
      base: "abc",
      head: "def",
      levels: 3,
    });
  });
  it.each([
    [[], /--base/],
    [["--base", "a", "--levels", "0"], /--levels/],
    [["--base", "a", "--max-jobs", "300"], /--max-jobs must be 1-256/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseArgs(argv, {})).toThrow(message);
  });
});
