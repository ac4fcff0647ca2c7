/**
 * What is built from a large value that many stacks repeat, built once. Every team stack's
 * StackReference to the iam stack carries `teamRoleArns`, a map of every team: encoding it afresh
 * for each team stack's AnalyzeStack request made a stack's cost grow with the number of teams, and
 * the whole plan quadratic in them.
 *
 * A slot keeps its last value (a deep copy, so the caller may change its own) and what was built
 * from it; a value deep-equal to it (`util.isDeepStrictEqual`: one walk, no allocation) gets the same
 * result, anything else is built afresh and replaces it. Content, not identity, decides, so a value
 * that crossed a thread (a structured clone) still hits, and a changed one never does. A frozen part
 * of the value cannot change, so the copy keeps it by reference, and the compare of a later value
 * that holds the same frozen object is immediate (the plan's upstream outputs are frozen, and every
 * team stack's StackReference state holds them: a walk of every team per team stack otherwise).
 */
import { isDeepStrictEqual } from "node:util";

/** The type token of a StackReference's read resource: the repeated value's carrier. */
export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

export class RepeatedValueMemo<T> {
  private readonly slots = new Map<string, { value: unknown; built: T }>();

  /** @param maxSlots slots kept (the least recently used dropped first): one per upstream stack is enough. */
  constructor(private readonly maxSlots = 32) {}

  get(slot: string, value: unknown, build: () => T): T {
    const kept = this.slots.get(slot);
    this.slots.delete(slot); // re-inserted below: the least recently used slot is the first
    if (kept && isDeepStrictEqual(kept.value, value)) {
      this.slots.set(slot, kept);
      return kept.built;
    }
    const built = build();
    this.slots.set(slot, { value: copyUnlessFrozen(value), built });
    if (this.slots.size > this.maxSlots) this.slots.delete(this.slots.keys().next().value as string);
    return built;
  }
}

/**
 * A deep copy of plain data that shares its deeply frozen parts (frozen all the way down, as
 * `deepFreeze` leaves them: they cannot change); anything else that is not plain data is
 * structured-cloned. A frozen object with an unfrozen part inside is copied: that part can change.
 */
export function copyUnlessFrozen<T>(value: T): T {
  return copied(value).copy as T;
}

function copied(value: unknown): { copy: unknown; frozen: boolean } {
  if (value === null || typeof value !== "object") return { copy: value, frozen: true };
  const plain = Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype;
  if (!plain) return { copy: structuredClone(value), frozen: false };
  let frozen = Object.isFrozen(value);
  const entries = Object.entries(value).map(([k, v]) => {
    const c = copied(v);
    frozen &&= c.frozen;
    return [k, c.copy] as const;
  });
  if (frozen) return { copy: value, frozen: true };
  if (Array.isArray(value)) return { copy: entries.map(([, v]) => v), frozen: false };
  return { copy: Object.fromEntries(entries), frozen: false };
}
