/**
 * How far V8 lets the heap grow past its live size between full collections, for a plan's process.
 *
 * V8 picks a factor of up to 4× by itself, and the iam stack's program holds every team's role at
 * once (its heap after full collections reached 2.4-2.8 GB at 5,000 teams): the heap is then sized for
 * that, and every later stack, whose live set is a tenth of it, fills it with garbage before the next
 * full collection. A fixed 1.5× halved the peak of a 1,000-team plan (2.25 → 1.13 GiB) at the same
 * wall time (+10% CPU; docs/benchmarks.md, "linear to 5,000 teams").
 */
import v8 from "node:v8";

export const HEAP_GROWING_PERCENT = 50;

const FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/**
 * Sets the factor for this process (V8 reads the flag at every full collection, so setting it after
 * start-up takes effect, and worker threads share it) unless the process was started with its own
 * (`node --heap-growing-percent=…`; NODE_OPTIONS does not allow it). For a process that runs the plan
 * and owns its heap, such as the CLI: a library must not change its host's V8 flags. Returns whether
 * it set the flag.
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => FLAG.test(a))) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}

/**
 * The young generation's semi-space of the threads and processes the plan starts itself (its
 * program workers and the policy pack). V8's default (16 MiB on 64-bit) makes their allocation-heavy
 * work (the SDK's Output plumbing per resource, the pack's protobuf decoding) scavenge constantly and
 * promote short-lived objects into the old generation, whose concurrent marking then takes the
 * second core: 64 MiB cut the 500-team plan's CPU time by 10-20% for ≈100 MiB more peak memory
 * (docs/benchmarks.md, "Session 9"). This thread keeps the size it started with (V8 sizes a heap
 * once, at its creation: `node --max-semi-space-size=64` sets it here too).
 */
export const SEMI_SPACE_MB = 64;

const SEMI_SPACE_FLAG = /^--max[-_]semi[-_]space[-_]size(=|$)/;

/** Whether whoever started this process chose the semi-space itself (command line or NODE_OPTIONS). */
export function semiSpaceChosen(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? "",
): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => SEMI_SPACE_FLAG.test(a));
}

/**
 * A program worker's young generation: three semi-spaces in V8's accounting (two halves and the
 * large-object space beside them), so a semi-space of {@link SEMI_SPACE_MB}. Undefined when the
 * process was started with its own size, which its workers then share.
 */
export function workerYoungGenerationMb(chosen: boolean = semiSpaceChosen()): number | undefined {
  return chosen ? undefined : 3 * SEMI_SPACE_MB;
}

/** NODE_OPTIONS for the policy pack's process: this process's own, plus the semi-space unless chosen. */
export function packNodeOptions(nodeOptions: string | undefined = process.env.NODE_OPTIONS): string {
  const own = nodeOptions?.trim() ?? "";
  if (semiSpaceChosen([], own)) return own;
  return `${own} --max-semi-space-size=${SEMI_SPACE_MB}`.trim();
}
