/**
 * A worker thread of the run stage (stages/pool.ts starts it from dist/): its own module instances,
 * hence its own Pulumi runtime, harness queue and process error handlers. It imports each program
 * folder once (as the main thread's loader does) and runs the stacks it is sent one at a time.
 */
import { parentPort } from "node:worker_threads";
import { executeProgram, type ProgramInput, type ProgramRun } from "./execute.js";
import { programLoader } from "./load.js";
import { type ElidedState, UpstreamReceiver, type UpstreamRef } from "./upstream-refs.js";

/** Main thread → worker. */
export type WorkerRequest =
  /** Import these program folders now, while the main thread runs the first levels. */
  | { readonly type: "warm"; readonly programDirs: readonly string[] }
  | {
      readonly type: "run";
      readonly task: number;
      /** The input without its upstream outputs, which `upstream` refers to (upstream-refs.ts). */
      readonly input: Omit<ProgramInput, "upstream">;
      readonly upstream: Readonly<Record<string, UpstreamRef>>;
    }
  /** No more runs: exit normally (so exit handlers, a profiler's say, run). */
  | { readonly type: "close" };

/** Worker → main thread: a task's run, or why it could not be sent back. */
export type WorkerReply =
  | { readonly task: number; readonly run: ProgramRun; readonly elided: readonly ElidedState[] }
  | { readonly task: number; readonly crash: string };

const port = parentPort;
if (port) {
  const load = programLoader();
  const upstreams = new UpstreamReceiver();
  port.on("message", (req: WorkerRequest) => {
    if (req.type === "close") {
      port.close();
      return;
    }
    if (req.type === "warm") {
      // A folder that fails to load fails again, with its message, when a stack of it runs.
      for (const dir of req.programDirs) load(dir).catch(() => undefined);
      return;
    }
    let input: ProgramInput;
    try {
      input = { ...req.input, upstream: upstreams.resolve(req.upstream) };
    } catch (e) {
      port.postMessage({ task: req.task, crash: (e as Error).message } satisfies WorkerReply);
      return;
    }
    executeProgram(load, input).then(
      (ran) => {
        try {
          const { run, elided } = upstreams.elide(ran, req.upstream);
          port.postMessage({ task: req.task, run, elided } satisfies WorkerReply);
        } catch (e) {
          // Not structured-cloneable (a program exported a function, say): fail that run, not the pool.
          port.postMessage({ task: req.task, crash: (e as Error).message } satisfies WorkerReply);
        }
      },
      (e: unknown) =>
        port.postMessage({ task: req.task, crash: (e as Error)?.message ?? String(e) } satisfies WorkerReply),
    );
  });
}
