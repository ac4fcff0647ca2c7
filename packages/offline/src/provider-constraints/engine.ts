/**
 * What the AWS provider (and the AWS API right behind it) rejects before anything is created: name
 * patterns and lengths, enums, ranges, list sizes, arguments that exclude or require each other.
 * Each constraint is data (a table entry per resource type, with its source and a good and a bad
 * example); this module only evaluates them. Unknown values (computed, not yet known in a preview)
 * are never judged: the provider skips them too.
 */
import { UNKNOWN } from "@retrain/config/unknown";

/**
 * Where a constraint bites: `preview` = the provider's schema check; `up` = the AWS API call; `run` =
 * AWS accepts it, and the thing fails when it runs (the SSM agent refusing a document).
 */
export type Phase = "preview" | "up" | "run";

/** Inputs of one resource as the program registered them. */
export type Inputs = Record<string, unknown>;

/** Another registered resource, for constraints that look across resources (by physical id). */
export interface RegisteredResource {
  type: string;
  name: string;
  urn: string;
  inputs: Inputs;
}

export interface ConstraintContext {
  /** A resource registered earlier in the same run, by the physical id the mock gave it. */
  byId(id: string): RegisteredResource | undefined;
  /** Every resource of `type` registered earlier in the same run (limits that add up across them). */
  ofType(type: string): readonly RegisteredResource[];
}

export interface ConstraintFinding {
  /** Concrete input path, e.g. `targets[1].key`; the resource itself for whole-resource rules. */
  path: string;
  /** What is wrong and what is allowed. */
  message: string;
}

export interface Constraint {
  /** Input path (`a.b`, `a[].b` for every element) or a short label for a whole-resource rule. */
  path: string;
  /** The provider source file (terraform-provider-aws, which pulumi-aws bridges) or AWS API page. */
  source: string;
  phase: Phase;
  check(inputs: Inputs, ctx: ConstraintContext): ConstraintFinding[];
  /** Inputs that pass and inputs that fail this constraint (the table test runs both). */
  examples: {
    good: Inputs;
    bad: Inputs;
    /** Resources the examples refer to by id (cross-resource rules). */
    others?: Record<string, RegisteredResource>;
  };
}

export const isKnown = (v: unknown): boolean => v !== undefined && v !== null && v !== UNKNOWN;

/** Every known value at `path` with its concrete path; `[]` steps into each array element. */
export function valuesAt(inputs: Inputs, path: string): { path: string; value: unknown }[] {
  let current: { path: string; value: unknown }[] = [{ path: "", value: inputs }];
  for (const raw of path.split(".")) {
    const each = raw.endsWith("[]");
    const key = each ? raw.slice(0, -2) : raw;
    const next: { path: string; value: unknown }[] = [];
    for (const c of current) {
      if (c.value === null || typeof c.value !== "object" || Array.isArray(c.value)) continue;
      const v = (c.value as Record<string, unknown>)[key];
      const p = c.path ? `${c.path}.${key}` : key;
      if (!isKnown(v)) continue;
      if (each) {
        if (Array.isArray(v))
          v.forEach((e, i) => {
            if (isKnown(e)) next.push({ path: `${p}[${i}]`, value: e });
          });
      } else next.push({ path: p, value: v });
    }
    current = next;
  }
  return current;
}

/** Present = set to something known that is not an empty list/object/string. */
export function isSet(inputs: Inputs, path: string): boolean {
  return valuesAt(inputs, path).some(({ value }) => {
    if (Array.isArray(value)) return value.length > 0;
    if (typeof value === "string") return value !== "";
    if (typeof value === "object") return Object.keys(value as object).length > 0;
    return true;
  });
}

/** Sets `value` at a dotted path (no `[]`), creating objects; for examples. */
export function inputsWith(path: string, value: unknown): Inputs {
  const keys = path.replace(/\[\]/g, "").split(".");
  const root: Inputs = {};
  let o: Inputs = root;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) o[k] = value;
    else {
      const child: Inputs = {};
      // `a[].b` examples put the element in a one-element list.
      o[k] = path.includes(`${keys.slice(0, i + 1).join(".")}[]`) ? [child] : child;
      o = child;
    }
  });
  return root;
}

const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v));

type ValueTest = (value: unknown) => string | undefined;

/** A constraint on each value at `path`; `good`/`bad` are values there. */
function onValues(
  path: string,
  source: string,
  phase: Phase,
  test: ValueTest,
  good: unknown,
  bad: unknown,
): Constraint {
  return {
    path,
    source,
    phase,
    check: (inputs) =>
      valuesAt(inputs, path).flatMap(({ path: p, value }) => {
        const why = test(value);
        return why ? [{ path: p, message: `${p} = ${show(value)}: ${why}` }] : [];
      }),
    examples: { good: inputsWith(path, good), bad: inputsWith(path, bad) },
  };
}

export interface RuleOptions {
  source: string;
  phase?: Phase;
  good: unknown;
  bad: unknown;
}

/** A string matching `pattern` (the provider's regexp), explained by `allowed`. */
export function pattern(path: string, re: RegExp, allowed: string, o: RuleOptions): Constraint {
  return onValues(
    path,
    o.source,
    o.phase ?? "preview",
    (v) => (typeof v === "string" && !re.test(v) ? `must be ${allowed} (${re.source})` : undefined),
    o.good,
    o.bad,
  );
}

/** A string of `min`..`max` characters. */
export function length(path: string, min: number, max: number, o: RuleOptions): Constraint {
  return onValues(
    path,
    o.source,
    o.phase ?? "preview",
    (v) =>
      typeof v === "string" && (v.length < min || v.length > max)
        ? `must be ${min}-${max} characters, is ${v.length}`
        : undefined,
    o.good,
    o.bad,
  );
}

/** One of `values` (strings or numbers, compared as given). */
export function oneOf(path: string, values: readonly (string | number)[], o: RuleOptions): Constraint {
  return onValues(
    path,
    o.source,
    o.phase ?? "preview",
    (v) =>
      (typeof v === "string" || typeof v === "number") && !values.includes(v)
        ? `must be one of ${values.join(", ")}`
        : undefined,
    o.good,
    o.bad,
  );
}

/** A whole number from `min` to `max`. */
export function intRange(path: string, min: number, max: number, o: RuleOptions): Constraint {
  return onValues(
    path,
    o.source,
    o.phase ?? "preview",
    (v) => {
      const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== "number") return undefined;
      return !Number.isInteger(n) || n < min || n > max
        ? `must be a whole number from ${min} to ${max}`
        : undefined;
    },
    o.good,
    o.bad,
  );
}

/** A list of at most `max` items. */
export function maxItems(path: string, max: number, o: RuleOptions): Constraint {
  return onValues(
    path,
    o.source,
    o.phase ?? "preview",
    (v) => (Array.isArray(v) && v.length > max ? `at most ${max} items allowed, got ${v.length}` : undefined),
    o.good,
    o.bad,
  );
}

/** A string that parses as JSON (policy documents, event patterns). */
export function json(path: string, o: RuleOptions): Constraint {
  return onValues(
    path,
    o.source,
    o.phase ?? "preview",
    (v) => {
      if (typeof v !== "string") return undefined;
      try {
        JSON.parse(v);
        return undefined;
      } catch (e) {
        return `must be valid JSON (${(e as Error).message})`;
      }
    },
    o.good,
    o.bad,
  );
}

/**
 * An IAM policy document (JSON text) within IAM's size quota and character set: "IAM doesn't count
 * white space when calculating the size of a policy", and "Policy documents can contain only the
 * following Unicode characters: horizontal tab (U+0009), linefeed (U+000A), carriage return (U+000D),
 * and characters in the range U+0020 to U+00FF" (IAM and AWS STS quotas).
 */
/** The length IAM's quotas count: the document's characters without white space. */
export const policySize = (document: string): number => document.replace(/\s/g, "").length;

export function iamPolicyDocument(path: string, maxCharacters: number, o: RuleOptions): Constraint {
  return onValues(
    path,
    o.source,
    o.phase ?? "preview",
    (v) => {
      if (typeof v !== "string") return undefined;
      const outside = /[^\t\n\r\u0020-\u00ff]/u.exec(v);
      if (outside) {
        const code = outside[0].codePointAt(0) ?? 0;
        return `holds U+${code.toString(16).toUpperCase().padStart(4, "0")} at ${outside.index}: IAM policy documents may hold only tab, line feed, carriage return and U+0020-U+00FF`;
      }
      const size = policySize(v);
      return size > maxCharacters
        ? `is ${size} characters without white space, over IAM's ${maxCharacters}`
        : undefined;
    },
    o.good,
    o.bad,
  );
}

export interface WholeOptions {
  source: string;
  phase?: Phase;
  good: Inputs;
  bad: Inputs;
  others?: Record<string, RegisteredResource>;
}

/** `path` excludes every argument in `others` (the provider's ConflictsWith). */
export function conflicts(path: string, others: readonly string[], o: WholeOptions): Constraint {
  return {
    path,
    source: o.source,
    phase: o.phase ?? "preview",
    check: (inputs) => {
      if (!isSet(inputs, path)) return [];
      const clash = others.filter((p) => isSet(inputs, p));
      return clash.length === 0
        ? []
        : [{ path, message: `${path} cannot be set together with ${clash.join(", ")}` }];
    },
    examples: { good: o.good, bad: o.bad },
  };
}

/**
 * At most one of `paths` (the provider's ExactlyOneOf / ConflictsWith among siblings). "Exactly"
 * is not enforced: an unset value cannot be told from an unknown one in a preview.
 */
export function atMostOne(paths: readonly string[], o: WholeOptions): Constraint {
  const label = paths.join(" | ");
  return {
    path: label,
    source: o.source,
    phase: o.phase ?? "preview",
    check: (inputs) => {
      const set = paths.filter((p) => isSet(inputs, p));
      return set.length > 1
        ? [{ path: label, message: `only one of ${paths.join(", ")} may be set, got ${set.join(", ")}` }]
        : [];
    },
    examples: { good: o.good, bad: o.bad },
  };
}

/** Any rule over the whole resource (and resources it refers to); `test` returns the findings. */
export function rule(
  label: string,
  test: (inputs: Inputs, ctx: ConstraintContext) => ConstraintFinding[],
  o: WholeOptions,
): Constraint {
  return {
    path: label,
    source: o.source,
    phase: o.phase ?? "preview",
    check: test,
    examples: { good: o.good, bad: o.bad, ...(o.others ? { others: o.others } : {}) },
  };
}

/** Provider source file in hashicorp/terraform-provider-aws, which pulumi-aws bridges. */
export const tf = (file: string) => `terraform-provider-aws internal/service/${file}`;
/** A page of an AWS API reference. */
export const api = (url: string) => url;
