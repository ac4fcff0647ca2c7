/**
 * Where the run stage executes programs: lanes, each taking one stack at a time. Lane 0 is this
 * thread (the plan's in-process path, and the only one with `jobs: 1`); the others belong to
 * jobs − 1 worker threads, each with its own Pulumi runtime (two lanes per worker: one stack
 * running, one queued behind it; the worker's harness runs them one after another). A worker imports the built module
 * (dist/stages/worker.js): under vitest this module runs from src/ through vitest's transform, which
 * a worker thread does not have; the programs themselves are TypeScript and go through loadProgram,
 * which registers tsx's hooks in the worker as under plain node.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { executeProgram, type ProgramInput, type ProgramRun } from "./execute.js";
import type { ProgramLoader } from "./load.js";
import { UpstreamSender } from "./upstream-refs.js";
import type { WorkerReply, WorkerRequest } from "./worker.js";

export interface Lane {
  run(input: ProgramInput): Promise<ProgramRun>;
}

export interface Lanes {
  /** One consumer each: the run stage gives each lane the next stack of the level when it is free. */
  readonly lanes: readonly Lane[];
  /** Stops the workers (idempotent). */
  close(): Promise<void>;
}

/** dist/stages/worker.js beside this module, also when this module is src/stages/pool.ts. */
export function workerFile(here: string = import.meta.url): string {
  const file = fileURLToPath(new URL("./worker.js", here));
  return file.replace(/([\\/])src([\\/]stages[\\/]worker\.js)$/, "$1dist$2");
}

/**
 * `count` lanes: this thread running through `load`, plus count − 1 workers that import
 * `programDirs` up front (their module loading overlaps this thread's first stacks).
 */
export function startLanes(count: number, load: ProgramLoader, programDirs: readonly string[]): Lanes {
  const here: Lane = { run: (input) => executeProgram(load, input) };
  if (count <= 1) return { lanes: [here], close: async () => {} };
  // This thread runs stacks too: measured on 2 cores (docs/benchmarks.md), `jobs` workers with
  // this thread only dispatching cost more CPU and were no faster than this thread plus jobs − 1.
  const workers = Array.from({ length: count - 1 }, () => workerLane(programDirs));
  // Each worker holds a second stack queued behind the one it runs: it starts the next as soon as
  // it is done, not when this thread (busy running a program or talking to the pack) gets to it.
  const slots = workers.flatMap((w) => [w, w]);
  return {
    lanes: [here, ...slots],
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

/**
 * This process's flags for a worker, without export conditions: the worker runs the built packages
 * (dist/) whatever this process resolves them to (vitest runs with `--conditions @retrain/source`,
 * the TypeScript sources, which a worker without vitest's transform cannot import).
 */
export function withoutConditions(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (arg === "--conditions" || arg === "-C") i++;
    else if (!arg.startsWith("--conditions=") && !arg.startsWith("-C=")) out.push(arg);
  }
  return out;
}

/** How long a closing worker may take to exit on its own. */
const CLOSE_GRACE_MS = 2000;

function workerLane(programDirs: readonly string[]): Lane & { close(): Promise<void> } {
  const worker = new Worker(workerFile(), { execArgv: withoutConditions(process.execArgv) });
  const pending = new Map<number, { resolve: (run: ProgramRun) => void; reject: (e: Error) => void }>();
  const upstreams = new UpstreamSender();
  let next = 0;
  let dead: Error | undefined;
  const failAll = (e: Error) => {
    dead ??= e;
    for (const p of pending.values()) p.reject(dead);
    pending.clear();
  };
  worker.on("message", (reply: WorkerReply) => {
    const p = pending.get(reply.task);
    if (!p) return;
    pending.delete(reply.task);
    p.resolve(
      "run" in reply
        ? upstreams.restore(reply.run, reply.elided)
        : // The run happened but its result could not cross threads: a failed stack, not a failed plan.
          {
            resources: [],
            outputs: {},
            errors: [`cannot return the run from its worker thread: ${reply.crash}`],
          },
    );
  });
  worker.on("error", (e) => failAll(new Error(`a plan worker thread failed: ${e.message}`)));
  worker.on("exit", (code) => failAll(new Error(`a plan worker thread exited (code ${code})`)));
  worker.postMessage({ type: "warm", programDirs } satisfies WorkerRequest);
  return {
    run: (input) =>
      new Promise<ProgramRun>((resolve, reject) => {
        if (dead) return reject(dead);
        const task = next++;
        pending.set(task, { resolve, reject });
        const { upstream, ...rest } = input;
        const refs = upstreams.refs(upstream);
        try {
          worker.postMessage({ type: "run", task, input: rest, upstream: refs } satisfies WorkerRequest);
        } catch (e) {
          upstreams.unsent(refs); // the executor's throw rejects this run; the next one resends
          throw e;
        }
      }),
    close: async () => {
      if (dead) return;
      dead = new Error("the plan's worker threads are closed");
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.postMessage({ type: "close" } satisfies WorkerRequest);
      // A worker still busy (a run that never settles) is stopped rather than waited for.
      const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
