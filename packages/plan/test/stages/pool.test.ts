/** Where a worker comes from: the built module, started without this process's export conditions. */
import { describe, expect, it } from "vitest";
import { withoutConditions, workerFile } from "../../src/stages/pool.js";

describe("workerFile", () => {
  it.each([
    ["file:///r/packages/plan/src/stages/pool.ts", "/r/packages/plan/dist/stages/worker.js"],
    ["file:///r/packages/plan/dist/stages/pool.js", "/r/packages/plan/dist/stages/worker.js"],
  ])("%s → %s", (here, expected) => {
    expect(workerFile(here)).toBe(expected);
  });
});

describe("withoutConditions", () => {
  it.each([
    [
      ["--conditions", "@retrain/source", "--require", "x.cjs"],
      ["--require", "x.cjs"],
    ],
    [
      ["--conditions=@retrain/source", "-C", "development", "--import", "tsx"],
      ["--import", "tsx"],
    ],
    [["-C=node", "--enable-source-maps"], ["--enable-source-maps"]],
    [[], []],
  ])("%j → %j", (argv, expected) => {
    expect(withoutConditions(argv)).toEqual(expected);
  });
});
