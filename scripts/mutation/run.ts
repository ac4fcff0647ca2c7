/**
 * Mutation check of retrain-guard's rules
 * (`pnpm mutation [--policy NAME]... [--max N] [--jobs N] [--list]`).
 *
 * For every policy, each source file its verdict depends on is weakened one change at a time
 * (a mutant), in a temporary copy of the pack (laid out as in the repository, with the files outside
 * the pack it reads, such as policies/tenants.yaml: ./sandbox.ts), and that policy's table tests are
 * run against the copy. A mutant is killed when a test fails (or the run exceeds its time limit); a
 * survivor is a change to the rule that no test notices. Prints the survivors and the score, writes
 * scripts/mutation/results.json.
 *
 * Hand-written over Stryker: Stryker's vitest runner needs the project's own vitest config and
 * instruments every file in place in one sandbox; here the mutants are drawn from the TypeScript
 * AST of the rule files only (no mutants in messages or comments), and the shared checkout is never
 * touched. Operators (each a weakening or a boundary shift of a rule):
 *   === ↔ !==, < ↔ <=, > ↔ >=, && ↔ ||, !x → x, true ↔ false, n → n + 1,
 *   `continue` → nothing, `list.push(x)` → `list.concat(x)` (the finding is dropped).
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import ts from "typescript";
import { POLICIES } from "../../policies/retrain-guard/src/policies/index.js";
import { policyFiles } from "./files.js";
import { createSandbox, PACK_PATH, runTests as runSandboxTests } from "./sandbox.js";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PACK = path.join(REPO_ROOT, PACK_PATH);
const VITEST = path.join(REPO_ROOT, "node_modules/vitest/vitest.mjs");
const MUTANT_TIMEOUT_MS = 120_000;

/**
 * Each policy of the pack's registry and the source files (pack-relative) whose logic decides its
 * verdicts (./files.ts: its definition and what that imports).
 */
const POLICY_FILES: Record<string, string[]> = Object.fromEntries(
  POLICIES.map((p) => [p.name, policyFiles(PACK, p.name)]),
);

export interface Mutant {
  policy: string;
  file: string;
  /** 1-based line. */
  line: number;
  start: number;
  end: number;
  replacement: string;
  description: string;
}

const SWAP: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: "!==",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "===",
  [ts.SyntaxKind.LessThanToken]: "<=",
  [ts.SyntaxKind.LessThanEqualsToken]: "<",
  [ts.SyntaxKind.GreaterThanToken]: ">=",
  [ts.SyntaxKind.GreaterThanEqualsToken]: ">",
  [ts.SyntaxKind.AmpersandAmpersandToken]: "||",
  [ts.SyntaxKind.BarBarToken]: "&&",
};

/** The mutants of one file, from its AST (so never inside strings, comments or types). */
export function mutantsOf(policy: string, file: string, text: string): Mutant[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Mutant[] = [];
  const add = (node: ts.Node, replacement: string, description: string, start = node.getStart(source)) => {
    const end = node.getEnd();
    const line = source.getLineAndCharacterOfPosition(start).line + 1;
    out.push({ policy, file, line, start, end, replacement, description });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node)) {
      const to = SWAP[node.operatorToken.kind];
      if (to) add(node.operatorToken, to, `${node.operatorToken.getText(source)} → ${to}`);
    } else if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      add(node, node.operand.getText(source), `!${node.operand.getText(source).slice(0, 30)} → without !`);
    } else if (node.kind === ts.SyntaxKind.TrueKeyword) {
      add(node, "false", "true → false");
    } else if (node.kind === ts.SyntaxKind.FalseKeyword) {
      add(node, "true", "false → true");
    } else if (ts.isNumericLiteral(node) && !ts.isPropertyAssignment(node.parent)) {
      const n = Number(node.text);
      if (Number.isFinite(n)) add(node, String(n + 1), `${node.text} → ${n + 1}`);
    } else if (ts.isContinueStatement(node)) {
      add(node, ";", "continue → (nothing)");
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === "push"
    ) {
      add(node.expression.name, "concat", `${node.expression.getText(source).slice(0, 40)}(...) dropped`);
    }
    // Types and imports hold no logic.
    if (ts.isTypeNode(node) || ts.isImportDeclaration(node) || ts.isInterfaceDeclaration(node)) return;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

interface Outcome {
  mutant: Mutant;
  status: "killed" | "survived" | "timeout";
  ms: number;
}

/** Runs the policy table tests matching `pattern` in the copy of the pack `packDir`. */
function runTests(packDir: string, pattern: string): Promise<{ passed: boolean; timedOut: boolean }> {
  return runSandboxTests(VITEST, packDir, pattern, MUTANT_TIMEOUT_MS);
}

const USAGE = "usage: pnpm mutation [--policy <name>]... [--max <n>] [--jobs <n>] [--list]";

/** A flag's value as a whole number of at least 1, or the reason it is not. */
function positiveInteger(flag: string, value: string): number | string {
  return /^[1-9][0-9]*$/.test(value)
    ? Number(value)
    : `--${flag} must be a whole number of at least 1, not "${value}"`;
}

async function main(): Promise<number> {
  let values: { policy?: string[]; max?: string; jobs: string; list: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        policy: { type: "string", multiple: true },
        max: { type: "string" },
        jobs: { type: "string", default: "2" },
        list: { type: "boolean", default: false },
      },
    }) as { values: typeof values });
  } catch (e) {
    // node:util's parseArgs errors (ERR_PARSE_ARGS_*) name the flag: say it without a stack trace.
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    return 2;
  }
  const max = values.max === undefined ? undefined : positiveInteger("max", values.max);
  const jobsValue = positiveInteger("jobs", values.jobs);
  for (const problem of [max, jobsValue].filter((v): v is string => typeof v === "string")) {
    process.stderr.write(`${problem}\n${USAGE}\n`);
    return 2;
  }
  const policies = values.policy ?? Object.keys(POLICY_FILES);
  for (const p of policies) {
    if (!POLICY_FILES[p]) {
      process.stderr.write(`unknown policy ${p}; policies: ${Object.keys(POLICY_FILES).join(", ")}\n`);
      return 2;
    }
  }
  // One mutant per change of a file, owned by the first policy listing the file; its run executes
  // the tests of every selected policy whose verdicts depend on that file.
  const files = [...new Set(policies.flatMap((p) => POLICY_FILES[p]!))];
  let mutants = files.flatMap((file) => {
    const owner = policies.find((p) => POLICY_FILES[p]!.includes(file))!;
    return mutantsOf(owner, file, readFileSync(path.join(PACK, file), "utf8"));
  });
  if (typeof max === "number") mutants = spread(mutants, max);
  if (values.list) {
    for (const m of mutants) process.stdout.write(`${m.file}:${m.line}  ${m.description}  [${m.policy}]\n`);
    process.stdout.write(`${mutants.length} mutants\n`);
    return 0;
  }
  const jobs = jobsValue as number;
  process.stdout.write(`${mutants.length} mutants over ${policies.length} policies, ${jobs} at a time\n`);

  // Unmutated, the tests must pass: otherwise every mutant would count as killed.
  const check = createSandbox(REPO_ROOT);
  try {
    for (const policy of policies) {
      if (!(await runTests(check.pack, `^policy tables ${policy} `)).passed) {
        process.stderr.write(`the ${policy} tests fail without any mutation: fix them first\n`);
        return 1;
      }
    }
  } finally {
    rmSync(check.root, { recursive: true, force: true });
  }

  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    const box = createSandbox(REPO_ROOT);
    const dir = box.pack;
    try {
      while (next < mutants.length) {
        const mutant = mutants[next++]!;
        const original = readFileSync(path.join(PACK, mutant.file), "utf8");
        const file = path.join(dir, mutant.file);
        writeFileSync(
          file,
          original.slice(0, mutant.start) + mutant.replacement + original.slice(mutant.end),
        );
        const start = Date.now();
        const readers = policies.filter((p) => POLICY_FILES[p]!.includes(mutant.file));
        const { passed, timedOut } = await runTests(dir, `^policy tables (${readers.join("|")}) `);
        writeFileSync(file, original);
        const status = timedOut ? "timeout" : passed ? "survived" : "killed";
        outcomes.push({ mutant, status, ms: Date.now() - start });
        process.stdout.write(status === "survived" ? "S" : status === "timeout" ? "T" : ".");
      }
    } finally {
      rmSync(box.root, { recursive: true, force: true });
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  process.stdout.write("\n");

  const byPolicy = policies.map((policy) => {
    const mine = outcomes.filter((o) => o.mutant.policy === policy);
    const killed = mine.filter((o) => o.status !== "survived").length;
    return { policy, mutants: mine.length, killed, score: mine.length ? killed / mine.length : 1 };
  });
  const survivors = outcomes
    .filter((o) => o.status === "survived")
    .map((o) => o.mutant)
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const killed = outcomes.filter((o) => o.status !== "survived").length;
  for (const p of byPolicy) {
    process.stdout.write(
      `${p.policy.padEnd(28)} ${String(p.killed).padStart(4)}/${String(p.mutants).padEnd(4)} killed  ${(p.score * 100).toFixed(0)}%\n`,
    );
  }
  process.stdout.write(
    `\nmutation score: ${killed}/${outcomes.length} = ${((killed / outcomes.length) * 100).toFixed(1)}%\n`,
  );
  if (survivors.length > 0) {
    process.stdout.write("\nsurvivors (a weakened rule no test notices):\n");
    for (const s of survivors)
      process.stdout.write(`  ${s.file}:${s.line}  ${s.description}  [${s.policy}]\n`);
  }
  writeFileSync(
    path.join(REPO_ROOT, "scripts/mutation/results.json"),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        score: killed / outcomes.length,
        killed,
        total: outcomes.length,
        byPolicy,
        survivors: survivors.map(({ start: _s, end: _e, ...m }) => m),
      },
      null,
      2,
    )}\n`,
  );
  return 0;
}

/** `n` mutants spread evenly over the list (a quick, still representative run). */
function spread<T>(xs: T[], n: number): T[] {
  if (!(n > 0) || n >= xs.length) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]!);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
