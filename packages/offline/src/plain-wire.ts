/**
 * The wire form of plain data without the SDK's asynchronous serialiser. `serializeProperties`
 * (runtime/rpc.ts) leaves strings, finite numbers, booleans, null, arrays and plain objects as they
 * are and drops the keys of undefined values; a Struct keeps exactly that. Written here because the
 * SDK's serialiser awaits every property (it may meet Outputs and resources), which for a value of
 * thousands of entries (every team's role ARN) costs thousands of turns per read.
 */

/** `value`'s wire form when it is plain data; undefined when it holds anything else (the SDK's serialiser must handle it). */
export function plainWireValue(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const out = plainObject(value);
  return out === NOT_PLAIN ? undefined : out;
}

const NOT_PLAIN = Symbol("not plain");

function plainObject(value: object): Record<string, unknown> | typeof NOT_PLAIN {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const w = plain(v);
    if (w === NOT_PLAIN) return NOT_PLAIN;
    out[key] = w;
  }
  return out;
}

function plain(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : NOT_PLAIN;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const e of value) {
      // The SDK's serialiser turns an undefined element into null only in some versions: leave it to it.
      if (e === undefined) return NOT_PLAIN;
      const w = plain(e);
      if (w === NOT_PLAIN) return NOT_PLAIN;
      out.push(w);
    }
    return out;
  }
  if (typeof value === "object") return plainObject(value);
  return NOT_PLAIN;
}
