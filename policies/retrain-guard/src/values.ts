/**
 * Reading resource properties as the Pulumi engine sends them. During preview a value that depends
 * on another resource's output is unknown: the engine marshals it as a sentinel string. The
 * @pulumi/policy proxy throws on touching one, and the server then turns the whole policy into an
 * advisory "can't run during preview" note; we read the raw values instead and skip unknown ones, so
 * one unknown field never hides the verdict on the fields that are known.
 */
import { isSignedEnvelope, proxyTarget, UNKNOWN_SENTINELS } from "./policy-internals.js";

export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** True when the value is unknown or holds an unknown anywhere inside. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isRecord(value)) return Object.values(value).some(containsUnknown);
  return false;
}

export type PropertyMap = Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The plain property map behind @pulumi/policy's proxy (or the map itself when not proxied). */
export function rawProps(props: unknown): PropertyMap {
  if (!isRecord(props)) return {};
  const target = proxyTarget(props);
  return isRecord(target) ? target : props;
}

/** Unwraps a secret envelope; policies judge the secret's value like any other. */
export function reveal(value: unknown): unknown {
  if (isRecord(value) && isSignedEnvelope(value)) return value.value;
  return value;
}

/**
 * `props[a][b]...`, with secrets unwrapped on the way; undefined when a step is missing. A step that
 * is unknown (a parent object, an array or an element not known during preview) gives that unknown
 * sentinel, never undefined: what it holds is not known to be absent, so callers judge it at up.
 */
/**
 * As {@link at}, but undefined (absent) when an object on the way is unknown, for stack policies on
 * a container our programs always give as a literal (a task's invocation parameters, a target
 * entry): Pulumi runs stack policies after the update at `up`, so "judged at up" would mean found
 * after the deploy; there an unknown container fails closed, as an absent one does.
 */
export function knownAt(props: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = reveal(props);
  for (const key of path) {
    if (isUnknown(cur)) return undefined;
    cur = at(cur, key);
  }
  return cur;
}

export function at(props: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = reveal(props);
  for (const key of path) {
    if (isUnknown(cur)) return cur;
    if (typeof key === "number") {
      if (!Array.isArray(cur)) return undefined;
      cur = reveal(cur[key]);
    } else {
      if (!isRecord(cur)) return undefined;
      cur = reveal(cur[key]);
    }
  }
  return cur;
}

/** An array property as a list (undefined or unknown → empty; unknown elements kept for callers). */
export function list(value: unknown): unknown[] {
  const v = reveal(value);
  return Array.isArray(v) ? v : [];
}

/** A number, or a numeric string as the engine may send for some fields; otherwise undefined. */
export function num(value: unknown): number | undefined {
  const v = reveal(value);
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && !isUnknown(v) && Number.isFinite(Number(v)))
    return Number(v);
  return undefined;
}

/** A boolean, accepting the "true"/"false" strings launch templates use. */
export function bool(value: unknown): boolean | undefined {
  const v = reveal(value);
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

/** A known string (not an unknown sentinel). */
export function str(value: unknown): string | undefined {
  const v = reveal(value);
  return typeof v === "string" && !isUnknown(v) ? v : undefined;
}
