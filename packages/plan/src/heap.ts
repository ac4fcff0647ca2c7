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
