/**
 * Building many components in waves. A Pulumi resource's constructor builds its whole pending
 * promise graph (Outputs, registration, invokes: ≈ 1,600 promises for a team training role)
 * synchronously, and that graph settles only once the constructor's caller returns to the event
 * loop. A synchronous loop over thousands of teams therefore holds every team's graph at once: the
 * iam stack of 5,000 teams peaked at 3.5 GiB in the offline plan, 1,000 teams at 1 GiB (measured,
 * docs/benchmarks.md). Yielding one event-loop turn after each wave lets a wave settle before the
 * next is built, so memory follows the wave, not the registry. Under the plan's in-process monitor
 * the turn lets every registration of the wave complete; against a real engine nothing waits for it
 * (a turn is not a round trip), so a deployment is not serialised.
 */

/** Team components built before the program yields: 50 kept a 1,000-team iam stack at 350 MiB. */
export const DEFAULT_WAVE_SIZE = 50;

/** One event-loop turn: every microtask queued so far (the wave's settled promises) runs first. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `build(item)` for every item, in order, yielding one event-loop turn after every `size` items
 * (not after the last). Returns the results in the items' order.
 */
export async function buildInWaves<T, R>(
  items: readonly T[],
  build: (item: T, index: number) => R,
  size: number = DEFAULT_WAVE_SIZE,
): Promise<R[]> {
  if (!Number.isSafeInteger(size) || size < 1)
    throw new RangeError(`wave size must be a positive integer, got ${size}`);
  const built: R[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % size === 0) await nextTurn();
    built.push(build(items[i] as T, i));
  }
  return built;
}
