/**
 * What SSM does with a Command document before the agent runs it, for the parameters our documents
 * use (https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html):
 * an undeclared parameter is rejected, a missing one takes its default (none: rejected), a value
 * that fails `allowedPattern` or exceeds `maxChars` is rejected, then `{{ name }}` is replaced by the
 * value's text in the step's inputs.
 *
 * SSM checks `allowedPattern` twice: with Java's regex at the API, then the agent compiles it with
 * Go's regexp before it runs anything, so a pattern Go refuses (a repeat count above 1000, a
 * lookahead) fails every run; re2js has Go's syntax and limits. In Java, PCRE and Python `$` also
 * matches before a final newline; JavaScript's does not. The emulation accepts a value when either
 * reading does, so the tests see every value SSM might let through.
 */

import { RE2JS } from "re2js";

interface DeclaredParameter {
  default?: string;
  allowedPattern?: string;
  minChars?: number;
  maxChars?: number;
}

export interface SsmDocument {
  parameters: Record<string, DeclaredParameter>;
  mainSteps: { inputs: { runCommand: string[]; timeoutSeconds?: string } }[];
}

export type Substitution =
  | { ok: true; script: string; timeoutSeconds: string }
  | { ok: false; reason: string };

/** Whether SSM may accept `value` for `pattern` (the most permissive of the plausible dialects). */
export function ssmMayAccept(pattern: string, value: string): boolean {
  const re = new RegExp(pattern, "u");
  return re.test(value) || (value.endsWith("\n") && re.test(value.slice(0, -1)));
}

export function ssmSubstitute(doc: SsmDocument, given: Record<string, string>): Substitution {
  for (const [name, p] of Object.entries(doc.parameters)) {
    if (p.allowedPattern === undefined) continue;
    try {
      RE2JS.compile(p.allowedPattern);
    } catch (e) {
      return {
        ok: false,
        reason: `the agent cannot compile ${name}'s allowedPattern: ${(e as Error).message}`,
      };
    }
  }
  for (const name of Object.keys(given))
    if (!(name in doc.parameters)) return { ok: false, reason: `parameter ${name} is not declared` };
  const values: Record<string, string> = {};
  for (const [name, p] of Object.entries(doc.parameters)) {
    const value = given[name] ?? p.default;
    if (value === undefined) return { ok: false, reason: `parameter ${name} is required` };
    if (p.minChars !== undefined && value.length < p.minChars)
      return { ok: false, reason: `parameter ${name} is shorter than ${p.minChars}` };
    if (p.maxChars !== undefined && value.length > p.maxChars)
      return { ok: false, reason: `parameter ${name} is longer than ${p.maxChars}` };
    if (p.allowedPattern !== undefined && !ssmMayAccept(p.allowedPattern, value))
      return { ok: false, reason: `parameter ${name} does not match ${p.allowedPattern}` };
    values[name] = value;
  }
  const fill = (text: string) =>
    text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (all, name: string) => values[name] ?? all);
  const step = doc.mainSteps[0];
  if (!step) return { ok: false, reason: "no step" };
  return {
    ok: true,
    script: step.inputs.runCommand.map(fill).join("\n"),
    timeoutSeconds: fill(step.inputs.timeoutSeconds ?? "3600"),
  };
}
