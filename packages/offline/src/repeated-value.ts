/**
 * What is built from a large value that many stacks repeat, built once. Every team stack's
 * StackReference to the iam stack carries `teamRoleArns`, a map of every team: encoding it afresh
 * for each team stack's AnalyzeStack request made a stack's cost grow with the number of teams, and
 * the whole plan quadratic in them.
 *
 * A slot keeps its last value (a deep copy, so the caller may change its own) and what was built
 * from it; a value deep-equal to it (`util.isDeepStrictEqual`: one walk, no allocation) gets the same
 * result, anything else is built afresh and replaces it. Content, not identity, decides, so a value
 * that crossed a thread (a structured clone) still hits, and a changed one never does.
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
    this.slots.set(slot, { value: structuredClone(value), built });
    if (this.slots.size > this.maxSlots) this.slots.delete(this.slots.keys().next().value as string);
    return built;
  }
}
