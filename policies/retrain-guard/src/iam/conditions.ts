/**
 * Whether a statement's Condition narrows it. A condition narrows when at least one of its tests
 * must hold for a concrete value: operators ending in `IfExists` pass when the key is absent and
 * `Null` only tests presence, so neither counts; nor do tests whose values are all wildcards.
 */

import { isRecord } from "../values.js";
import type { Statement } from "./document.js";

export function hasNarrowingCondition(st: Statement): boolean {
  if (!st.condition) return false;
  for (const [operator, block] of Object.entries(st.condition)) {
    const op = operator.toLowerCase();
    if (op.endsWith("ifexists") || op === "null") continue;
    for (const value of Object.values(block)) {
      const values = Array.isArray(value) ? value : [value];
      if (values.some((v) => !(typeof v === "string" && /^[*?]*$/.test(v)) && !isRecord(v))) return true;
    }
  }
  return false;
}
