/**
 * Values shared by reference between readers that must not see each other's changes (a parsed
 * upstream output every team stack of a plan reads, a policy config every check reads): frozen all
 * the way down, so a write throws (ESM is strict) instead of reaching the next reader.
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
