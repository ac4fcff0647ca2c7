/**
 * Where the run stage executes programs: lanes, each taking one stack at a time. With `jobs: 1` the
 * one lane is this thread (the plan's in-process path); with more, every lane belongs to one of
 * `jobs` worker threads, each with its own Pulumi runtime (two lanes per worker: one stack running,
 * one queued behind it; the worker's harness runs them one after another), and this thread
 * dispatches, talks to the policy pack and keeps the results. A worker imports the built module
 * (dist/stages/worker.js): under vitest this module runs from src/ through vitest's transform, which
 * a worker thread does not have; the programs themselves are TypeScript and go through loadProgram,
 * which registers tsx's hooks in the worker as under plain node.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { workerYoungGenerationMb } from "../heap.js";
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
 * `count` lanes: this thread running through `load` when `count` is 1, else `count` workers that
 * import `programDirs` up front (their module loading overlaps the plan's selection and the pack's
 * start-up).
 */
export function startLanes(count: number, load: ProgramLoader, programDirs: readonly string[]): Lanes {
  if (count <= 1) return { lanes: [{ run: (input) => executeProgram(load, input) }], close: async () => {} };
  // This thread runs no program beside the workers: with the workers' young generation sized for
  // their allocation rate (heap.ts), two workers and this thread dispatching took 0.8x the wall time
  // of this thread plus one worker on 2 cores, 500 teams (docs/benchmarks.md, "Session 9"): this
  // thread, with the pack's replies and every stack's results on its heap, answers the workers and
  // the pack sooner when it does not also run programs on V8's default, small young generation.
  const workers = Array.from({ length: count }, () => workerLane(programDirs));
  // Each worker holds a second stack queued behind the one it runs: it starts the next as soon as
  // it is done, not when this thread (busy with the pack) gets to it.
  const slots = workers.flatMap((w) => [w, w]);
  return {
    lanes: slots,
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

/** Flags a worker needs to load modules as this process does; each may take its value as the next argument. */
const WORKER_FLAGS_WITH_VALUE = new Set(["--import", "--require", "-r", "--loader", "--experimental-loader"]);
const WORKER_FLAGS = new Set([
  ...WORKER_FLAGS_WITH_VALUE,
  "--enable-source-maps",
  "--no-warnings",
  "--no-deprecation",
  "--trace-warnings",
  "--trace-deprecation",
  "--trace-uncaught",
]);

/**
 * This process's flags for a worker: only those that decide how the worker loads and reports
 * (`--import`, `--require`, loaders, source maps, warnings), without export conditions (the worker
 * runs the built packages, dist/, whatever this process resolves them to: vitest runs with
 * `--conditions @retrain/source`, the TypeScript sources, which a worker without vitest's transform
 * cannot import). Everything else is left out because Node refuses to start a worker given a V8 or
 * per-process option (ERR_WORKER_INVALID_EXEC_ARGV for `node --max-old-space-size=… retrain plan`),
 * and V8's flags are the whole process's anyway: the worker's heap follows them without being told.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("-") && eq > 0 ? arg.slice(0, eq) : arg;
    if (!WORKER_FLAGS.has(name)) {
      // An unknown flag's value (`--conditions x`, `--stack-size 900`...) is not an option: skip it too.
      if (eq < 0 && i + 1 < execArgv.length && !(execArgv[i + 1] as string).startsWith("-")) i++;
      continue;
    }
    out.push(arg);
    if (eq < 0 && WORKER_FLAGS_WITH_VALUE.has(name) && i + 1 < execArgv.length)
      out.push(execArgv[++i] as string);
  }
  return out;
}

/** How long a closing worker may take to exit on its own. */
const CLOSE_GRACE_MS = 2000;

function workerLane(programDirs: readonly string[]): Lane & { close(): Promise<void> } {
  const youngMb = workerYoungGenerationMb();
  const worker = new Worker(workerFile(), {
    execArgv: workerExecArgv(process.execArgv),
    ...(youngMb ? { resourceLimits: { maxYoungGenerationSizeMb: youngMb } } : {}),
  });
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
