/** The plan's heap settings: each set unless whoever started the process chose its own. */
import { spawnSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import {
  boundHeapGrowth,
  packNodeOptions,
  SEMI_SPACE_MB,
  semiSpaceChosen,
  workerYoungGenerationMb,
} from "../src/heap.js";

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

describe("semiSpaceChosen", () => {
  it.each([
    ["nothing", [], "", false],
    ["other flags", ["--max-old-space-size=4096"], "--enable-source-maps", false],
    ["on the command line", ["--max-semi-space-size=32"], "", true],
    ["with underscores", ["--max_semi_space_size=8"], "", true],
    ["its value apart", ["--max-semi-space-size", "8"], "", true],
    ["in NODE_OPTIONS", [], "--require x.cjs  --max-semi-space-size=128", true],
    ["a longer flag sharing the prefix", ["--max-semi-space-size-x=1"], "", false],
  ])("%s → %s", (_name, execArgv, nodeOptions, chosen) => {
    expect(semiSpaceChosen(execArgv, nodeOptions)).toBe(chosen);
  });
});

describe("the semi-space of what the plan starts", () => {
  it("a worker gets three semi-spaces of young generation, or the process's own size when chosen", () => {
    expect(workerYoungGenerationMb(false)).toBe(3 * SEMI_SPACE_MB);
    expect(workerYoungGenerationMb(true)).toBeUndefined();
  });

  it.each([
    [undefined, `--max-semi-space-size=${SEMI_SPACE_MB}`],
    ["", `--max-semi-space-size=${SEMI_SPACE_MB}`],
    ["--require ./trace.cjs", `--require ./trace.cjs --max-semi-space-size=${SEMI_SPACE_MB}`],
    ["--max-semi-space-size=8", "--max-semi-space-size=8"],
  ])("the pack's NODE_OPTIONS from %j: %j", (own, expected) => {
    expect(packNodeOptions(own)).toBe(expected);
  });

  // Survivors make V8 grow the new space up to its maximum: with the default (16 MiB semi-spaces)
  // it stops at 32 MiB, with ours it goes past. What the flag changes, not how long anything takes.
  const grow = `const v8 = require("node:v8"); const keep = [];
    for (let i = 0; i < 300000; i++) keep.push({ i, s: String(i), a: [i] });
    for (let r = 0; r < 40; r++) for (let i = 0; i < 200000; i++) keep[i % 1000] = { i, s: "k" + i };
    const mb = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size / 1048576;`;
  const DEFAULT_NEW_SPACE_MB = 32;

  it("the pack's NODE_OPTIONS are accepted by Node and grow its new space past the default", () => {
    const newSpace = (nodeOptions: string) => {
      const r = spawnSync(process.execPath, ["-e", `${grow} process.stdout.write(String(mb))`], {
        env: { ...process.env, NODE_OPTIONS: nodeOptions },
        encoding: "utf8",
      });
      expect(r.stderr).toBe("");
      return Number(r.stdout);
    };
    expect(newSpace("")).toBeLessThanOrEqual(DEFAULT_NEW_SPACE_MB);
    expect(newSpace(packNodeOptions(""))).toBeGreaterThan(DEFAULT_NEW_SPACE_MB);
  });

  it("a worker given its young generation grows its new space past the default", async () => {
    const newSpace = async (young: number | undefined) => {
      const worker = new Worker(`${grow} require("node:worker_threads").parentPort.postMessage(mb)`, {
        eval: true,
        ...(young ? { resourceLimits: { maxYoungGenerationSizeMb: young } } : {}),
      });
      const mb = await new Promise<number>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      await worker.terminate();
      return mb;
    };
    expect(await newSpace(undefined)).toBeLessThanOrEqual(DEFAULT_NEW_SPACE_MB);
    expect(await newSpace(workerYoungGenerationMb(false))).toBeGreaterThan(DEFAULT_NEW_SPACE_MB);
  });
});
