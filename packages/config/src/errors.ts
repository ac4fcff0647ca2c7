/** Config errors that name the file, the key path and what is allowed, listing every problem at once. */
import type { z } from "zod";
import { describeProblem, type Problem, printable, problem } from "./problem.js";
import { schemaDef } from "./zod-internals.js";

/**
 * A {@link Problem} inside the file its {@link ConfigError} names: the key is always set (empty for
 * a problem of the whole file: YAML syntax, file name, top-level settings).
 * @deprecated kept so the loaders need not change: report with `Problem` ({@link problemsOfError}).
 */
export type ConfigProblem = Omit<Problem, "file" | "key"> & { key: string };

/** `key (line l:c): message` of one problem, under a heading that names the file. */
const formatProblem = (p: ConfigProblem): string => describeProblem(p, { withFile: false });

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Never empty: an error without a problem would drop its stack from a report with nothing to show. */
  readonly problems: ConfigProblem[];
  constructor(
    /** The stack config file (or `<project>/<stack>` when no file is known). */
    readonly file: string,
    problems: ConfigProblem[],
  ) {
    const listed =
      problems.length > 0 ? problems : [{ key: "", message: "the config is invalid (no detail was given)" }];
    super(
      `invalid config in ${printable(file)}:\n${listed.map((p) => `  - ${formatProblem(p)}`).join("\n")}`,
    );
    this.problems = listed;
  }
}

/** The problems of a config error as workspace {@link Problem}s; `file` maps the error's file. */
export function problemsOfError(e: ConfigError, file: (f: string) => string = (f) => f): Problem[] {
  return e.problems.map((p) => problem(file(e.file), p));
}

/** `scheduling:windows[0].tasks[1].timeoutSeconds` from a namespace and a zod issue path. */
export function configKey(namespace: string, path: readonly PropertyKey[]): string {
  const [first, ...rest] = path;
  if (first === undefined) return `${namespace}:`;
  let key = `${namespace}:${String(first)}`;
  for (const part of rest) key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return key;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const part of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[part];
  }
  return v;
}

/**
 * The keys an object schema allows at `path`, walking through arrays and wrappers (optional, default,
 * pipe); undefined when the path does not lead to an object schema.
 */
export function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let s: z.core.$ZodType | undefined = schema;
  let i = 0;
  while (s) {
    const def = schemaDef(s);
    switch (def.type) {
      case "optional":
      case "default":
      case "prefault":
      case "nullable":
      case "readonly":
        s = def.innerType;
        continue;
      case "pipe":
        s = def.in;
        continue;
      case "array":
        if (i >= path.length) return undefined;
        i++;
        s = def.element;
        continue;
      case "record":
        // A record's key is any name: step over it to the value's schema.
        if (i >= path.length) return undefined;
        i++;
        s = def.valueType;
        continue;
      case "object": {
        const shape = def.shape ?? {};
        if (i >= path.length) return Object.keys(shape);
        s = shape[String(path[i++])];
        continue;
      }
      default:
        return undefined;
    }
  }
  return undefined;
}

/**
 * One problem per zod issue, unknown keys spelled out, in the order zod found them. With `input`
 * (what was validated), a missing key reads "required" instead of zod's "received undefined"; with
 * `schema`, an unknown key lists the keys allowed there.
 */
export function problemsFromZod(
  namespace: string,
  error: z.ZodError,
  input?: unknown,
  schema?: z.ZodType,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const allowed = schema && allowedKeysAt(schema, issue.path);
      const hint = allowed ? `allowed: ${allowed.join(", ")}` : "check the spelling";
      for (const k of issue.keys) {
        problems.push({ key: configKey(namespace, [...issue.path, k]), message: `unknown key (${hint})` });
      }
      continue;
    }
    let message = issue.message;
    // zod's "Invalid key in record" hides why: the key schema's own message says it.
    if (issue.code === "invalid_key" && issue.issues[0]) message = issue.issues[0].message;
    if (issue.code === "invalid_type" && input !== undefined && valueAt(input, issue.path) === undefined) {
      message = `required: expected ${issue.expected}`;
    }
    problems.push({ key: configKey(namespace, issue.path), message });
  }
  return problems;
}
