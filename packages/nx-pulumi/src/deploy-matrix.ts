/**
 * The deploy fan-out: the affected stacks grouped by dependency level (iam, then fleet, then
 * scheduling), each level a GitHub Actions matrix. Levels come from the shared discovery's
 * StackReference order, so they match what the plan and Nx's `^up` ordering see.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { type DiscoveredStack, discoverStacks, orderStacks } from "@retrain/config/workspace";
import { stackProjectName } from "./stack-project.js";

/** GitHub Actions runs at most 256 jobs per matrix. */
export const GITHUB_MATRIX_LIMIT = 256;

export interface MatrixEntry {
  /** Nx project name, or `level<n>-batch<i>` when a level holds more stacks than a matrix can. */
  stack: string;
  /** Comma-separated Nx projects this job deploys (`nx run-many -p`). */
  projects: string;
}

export interface DeployMatrixOptions {
  /** Affected Nx project names (anything that is no stack is ignored). */
  affected: readonly string[];
  /** Every discovered stack of the workspace (levels are computed over all of them). */
  stacks: readonly DiscoveredStack[];
  /** Jobs per level; larger levels are split into this many batches. */
  maxJobs?: number;
}

/**
 * Affected stacks per dependency level. A level is the depth in the whole stack graph, not only among
 * affected stacks, so a stack keeps its level (and its job) whatever else changed.
 */
export function deployMatrix(opts: DeployMatrixOptions): MatrixEntry[][] {
  const maxJobs = opts.maxJobs ?? GITHUB_MATRIX_LIMIT;
  const affected = new Set(opts.affected);
  return orderStacks(opts.stacks).levels.map((level, n) => {
    const names = level.map(stackProjectName).filter((name) => affected.has(name));
    if (names.length <= maxJobs) return names.map((name) => ({ stack: name, projects: name }));
    // Spread evenly over maxJobs batches; each batch deploys its stacks with `nx run-many`.
    const batches: string[][] = Array.from({ length: maxJobs }, () => []);
    names.forEach((name, i) => {
      batches[i % maxJobs]!.push(name);
    });
    return batches.map((b, i) => ({ stack: `level${n}-batch${i + 1}`, projects: b.join(",") }));
  });
}

export interface CliArgs {
  base: string;
  head: string;
  levels: number;
  maxJobs: number;
  root: string;
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  // `--flag value` or `--flag=value`, the last one wins.
  const value = (flag: string) => {
    let found: string | undefined;
    argv.forEach((arg, i) => {
      if (arg === flag) found = argv[i + 1];
      else if (arg.startsWith(`${flag}=`)) found = arg.slice(flag.length + 1);
    });
    return found;
  };
  const base = value("--base") ?? env.NX_BASE;
  const head = value("--head") ?? env.NX_HEAD ?? "HEAD";
  if (!base) throw new Error("--base (or NX_BASE, as set by nrwl/nx-set-shas) is required");
  const levels = Number(value("--levels") ?? 3);
  const maxJobs = Number(value("--max-jobs") ?? GITHUB_MATRIX_LIMIT);
  if (!Number.isInteger(levels) || levels < 1) throw new Error("--levels must be a positive integer");
  if (!Number.isInteger(maxJobs) || maxJobs < 1 || maxJobs > GITHUB_MATRIX_LIMIT) {
    throw new Error(`--max-jobs must be 1-${GITHUB_MATRIX_LIMIT}`);
  }
  return { base, head, levels, maxJobs, root: path.resolve(value("--root") ?? process.cwd()) };
}

/** Affected projects between base and head, from the Nx CLI of the workspace. */
export function nxAffected(root: string, base: string, head: string): string[] {
  const nx = path.join(
    path.dirname(createRequire(path.join(root, "package.json")).resolve("nx/package.json")),
    "dist/bin/nx.js",
  );
  const r = spawnSync(
    process.execPath,
    [nx, "show", "projects", "--affected", `--base=${base}`, `--head=${head}`, "--withTarget=up", "--json"],
    { cwd: root, encoding: "utf8", env: { NX_DAEMON: "false", NX_NO_CLOUD: "true", ...process.env } },
  );
  if (r.status !== 0) throw new Error(`nx show projects --affected failed:\n${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

/**
 * `deploy-matrix --base <sha> [--head <sha>] [--levels 3] [--max-jobs 256]`: prints the levels as JSON
 * and, in GitHub Actions, writes `level0`..`level<n-1>` (matrix include lists) and `any` outputs.
 */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const args = parseArgs(argv, env);
  const discovered = discoverStacks(args.root);
  if (discovered.errors.length > 0) {
    for (const e of discovered.errors) console.error(e.message);
    console.error("deploy-matrix: fix the stack configs above before deploying");
    return 2;
  }
  const levels = deployMatrix({
    affected: nxAffected(args.root, args.base, args.head),
    stacks: discovered.stacks,
    maxJobs: args.maxJobs,
  });
  if (levels.length > args.levels) {
    console.error(
      `deploy-matrix: the stacks form ${levels.length} dependency levels but the workflow has ${args.levels} deploy jobs; add a job per level to deploy.yml`,
    );
    return 2;
  }
  const padded = Array.from({ length: args.levels }, (_, i) => levels[i] ?? []);
  console.log(JSON.stringify({ levels: padded }, null, 2));
  if (env.GITHUB_OUTPUT) {
    const lines = padded.map((entries, i) => `level${i}=${JSON.stringify(entries)}`);
    lines.push(`any=${padded.some((l) => l.length > 0)}`);
    appendFileSync(env.GITHUB_OUTPUT, `${lines.join("\n")}\n`);
  }
  return 0;
}
