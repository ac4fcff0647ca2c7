/**
 * Paired, interleaved measurement of a subject against its baseline.
 *
 * Hand-written rather than tinybench/mitata because every figure here is a RATIO measured on a
 * shared 2-core machine whose load changes by the second: the libraries time one task to the end
 * and then the next, so a load spike lands on one side only. Here each round times a batch of the
 * baseline and a batch of the subject back to back (alternating which goes first), the ratio is
 * taken per round, and the reported ratio is the median of those per-round ratios. Rounds continue
 * until the ratio is stable (its 95% confidence interval, from the IQR, is within `tolerance` of
 * the median) or a round/time budget runs out; `stable` says which.
 */
import { performance } from "node:perf_hooks";

export interface Task {
  name: string;
  /** One call; may be async. */
  fn: () => unknown;
  /** Units of work one call does (e.g. next-runs computed), for the per-second figure. Default 1. */
  units?: number;
  /** Runs before each timed batch, untimed (e.g. creating a fresh temp copy). */
  setup?: () => unknown;
}

export interface CompareOptions {
  /** Untimed time spent calling both tasks first (JIT, caches), default 300 ms; 0 = one call each, -1 = none. */
  warmupMs?: number;
  /** Target duration of one batch, default 40 ms (sets the calls per batch); 0 = one call per batch. */
  batchMs?: number;
  minRounds?: number;
  maxRounds?: number;
  /** Stop after this long (rounds already started finish), default 20 s. */
  maxMs?: number;
  /** Relative half-width of the ratio's 95% CI that counts as stable, default 0.03. */
  tolerance?: number;
}

export interface SideResult {
  name: string;
  /** Median milliseconds per call. */
  msPerCall: number;
  /** Median units per second. */
  unitsPerSecond: number;
  /** Every round's milliseconds per call, in order. */
  samplesMs: number[];
}

export interface Comparison {
  baseline: SideResult;
  subject: SideResult;
  /** Median over rounds of subject time / baseline time (> 1: the subject is slower). */
  ratio: number;
  /** Relative half-width of the 95% CI of the median ratio (IQR-based). */
  ratioCi: number;
  rounds: number;
  callsPerBatch: number;
  stable: boolean;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Relative half-width of a 95% CI of the median: 1.58 × IQR / √n (McGill et al.'s notch). */
export function medianCi(xs: readonly number[]): number {
  if (xs.length < 2) return Number.POSITIVE_INFINITY;
  const s = [...xs].sort((a, b) => a - b);
  const iqr = quantile(s, 0.75) - quantile(s, 0.25);
  return (1.58 * iqr) / Math.sqrt(xs.length) / Math.abs(median(xs));
}

/** Milliseconds for `calls` calls of the task (awaiting each only when it returns a promise). */
async function timeBatch(task: Task, calls: number): Promise<number> {
  await task.setup?.();
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const r = task.fn();
    if (r instanceof Promise) await r;
  }
  return performance.now() - start;
}

export async function compare(
  baseline: Task,
  subject: Task,
  options: CompareOptions = {},
): Promise<Comparison> {
  const warmupMs = options.warmupMs ?? 300;
  const batchMs = options.batchMs ?? 40;
  const minRounds = options.minRounds ?? 10;
  const maxRounds = options.maxRounds ?? 200;
  const maxMs = options.maxMs ?? 20_000;
  const tolerance = options.tolerance ?? 0.03;

  // Warm-up, and calibration: calls per batch so that the slower side takes about batchMs.
  let calls = 1;
  const warmupEnd = performance.now() + warmupMs;
  let perCall = 0;
  if (warmupMs >= 0) {
    do {
      const a = await timeBatch(baseline, calls);
      const b = await timeBatch(subject, calls);
      perCall = Math.max(a, b) / calls;
      if (batchMs > 0 && Math.max(a, b) < batchMs / 4) calls *= 4;
    } while (performance.now() < warmupEnd);
  }
  calls = batchMs > 0 && perCall > 0 ? Math.max(1, Math.round(batchMs / perCall)) : 1;

  const base: number[] = [];
  const subj: number[] = [];
  const ratios: number[] = [];
  const deadline = performance.now() + maxMs;
  let stable = false;
  for (let round = 0; round < maxRounds; round++) {
    let a: number;
    let b: number;
    if (round % 2 === 0) {
      a = await timeBatch(baseline, calls);
      b = await timeBatch(subject, calls);
    } else {
      b = await timeBatch(subject, calls);
      a = await timeBatch(baseline, calls);
    }
    base.push(a / calls);
    subj.push(b / calls);
    ratios.push(b / a);
    if (ratios.length >= minRounds && medianCi(ratios) <= tolerance) {
      stable = true;
      break;
    }
    if (ratios.length >= minRounds && performance.now() > deadline) break;
  }
  const side = (task: Task, samples: number[]): SideResult => {
    const ms = median(samples);
    return {
      name: task.name,
      msPerCall: ms,
      unitsPerSecond: ((task.units ?? 1) * 1000) / ms,
      samplesMs: samples,
    };
  };
  return {
    baseline: side(baseline, base),
    subject: side(subject, subj),
    ratio: median(ratios),
    ratioCi: medianCi(ratios),
    rounds: ratios.length,
    callsPerBatch: calls,
    stable,
  };
}
