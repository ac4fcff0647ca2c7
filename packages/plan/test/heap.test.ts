/** The plan process's heap growth bound: set unless the process was started with its own. */
import { describe, expect, it } from "vitest";
import { boundHeapGrowth } from "../src/heap.js";

describe("boundHeapGrowth", () => {
  it.each([
    ["no V8 flags", [], true],
    ["unrelated flags", ["--enable-source-maps", "--max-old-space-size=4096"], true],
    ["the user's own factor", ["--heap-growing-percent=20"], false],
    ["the user's own factor, underscores", ["--heap_growing_percent=80"], false],
    ["the flag with its value apart", ["--heap-growing-percent", "20"], false],
    ["a different flag sharing the prefix", ["--heap-growing-percentage-x"], true],
  ])("%s → sets the bound: %s", (_name, execArgv, sets) => {
    expect(boundHeapGrowth(execArgv)).toBe(sets);
  });
});
