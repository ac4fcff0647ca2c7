/** Config errors that name the file, the key path and what is allowed, listing every problem at once. */
import type { z } from "zod";

export interface ConfigProblem {
  /** Pulumi config key path, e.g. `scheduling:windows[0].schedule`. */
  key: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    /** The stack config file (or `<project>/<stack>` when no file is known). */
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `invalid config in ${file}:\n${problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n")}`,
    );
  }
}

/** `scheduling:windows[0].tasks[1].timeoutSeconds` from a namespace and a zod issue path. */
export function configKey(namespace: string, path: readonly PropertyKey[]): string {
  const [first, ...rest] = path;
  if (first === undefined) return `${namespace}:`;
  let key = `${namespace}:${String(first)}`;
  for (const part of rest) key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return key;
}

/** One problem per zod issue, unknown keys spelled out, in the order zod found them. */
export function problemsFromZod(namespace: string, error: z.ZodError): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) {
        problems.push({ key: configKey(namespace, [...issue.path, k]), message: "unknown key (check the spelling)" });
      }
      continue;
    }
    problems.push({ key: configKey(namespace, issue.path), message: issue.message });
  }
  return problems;
}
