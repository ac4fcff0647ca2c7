/** Where a worker comes from: the built module, started with only the flags a worker takes and needs. */
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { workerExecArgv, workerFile } from "../../src/stages/pool.js";

describe("workerFile", () => {
  it.each([
    ["file:///r/packages/plan/src/stages/pool.ts", "/r/packages/plan/dist/stages/worker.js"],
    ["file:///r/packages/plan/dist/stages/pool.js", "/r/packages/plan/dist/stages/worker.js"],
  ])("%s → %s", (here, expected) => {
    expect(workerFile(here)).toBe(expected);
  });
});

describe("workerExecArgv", () => {
  it.each([
    // export conditions go: the worker runs dist/
    [
      ["--conditions", "@retrain/source", "--require", "x.cjs"],
      ["--require", "x.cjs"],
    ],
    [
      ["--conditions=@retrain/source", "-C", "development", "--import", "tsx"],
      ["--import", "tsx"],
    ],
    [["-C=node", "--enable-source-maps"], ["--enable-source-maps"]],
    // V8 and per-process options go: a worker refuses them, and V8's flags are the process's anyway
    [["--max-old-space-size=4096", "--import=tsx/esm", "--max-semi-space-size=64"], ["--import=tsx/esm"]],
    [
      ["--heap-growing-percent=50", "--stack-size", "900", "-r", "a.cjs", "--title=plan"],
      ["-r", "a.cjs"],
    ],
    [
      ["--inspect", "--no-warnings", "--loader", "l.mjs"],
      ["--no-warnings", "--loader", "l.mjs"],
    ],
    [[], []],
  ])("%j → %j", (argv, expected) => {
    expect(workerExecArgv(argv)).toEqual(expected);
  });

  it("starts a worker from a process started with V8 options (Node refuses them in a worker's execArgv)", async () => {
    const argv = ["--max-old-space-size=4096", "--max-semi-space-size=32", "--heap-growing-percent=50"];
    // The premise: given as they are, Node refuses to start the worker.
    expect(() => new Worker("0", { eval: true, execArgv: argv })).toThrow(
      /ERR_WORKER_INVALID_EXEC_ARGV|invalid execArgv/,
    );
    const worker = new Worker("require('node:worker_threads').parentPort.postMessage('up')", {
      eval: true,
      execArgv: workerExecArgv(argv),
    });
    const message = await new Promise((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    expect(message).toBe("up");
  });
});
