/**
 * The CI fan-out. Deploys: the affected stacks grouped by dependency level (iam, then fleet, then
 * scheduling), each level a GitHub Actions matrix. Levels come from the shared discovery's
 * StackReference order, so they match what the plan and Nx's `^up` ordering see. Previews: the
 * affected stacks grouped by environment. Every job holds the stacks of one environment only, so it
 * runs in that environment's GitHub environment with that environment's role (docs/security.md).
 */
import { spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import path from "node:path";
import { findTenantRegistry, loadTenantRegistry } from "@retrain/config/tenants";
import {
  type DiscoveredStack,
  describeProblem,
  discoverStacks,
  orderStacks,
  stackProjectName,
} from "@retrain/config/workspace";
import { counted } from "@retrain/windows";
import { nxCliScript } from "./nx-cli.js";
import {
  deployProjects,
  describeRefusedRemovals,
  describeShrunkVolumes,
  fileAtCommit,
  removedStacks,
  shrunkVolumes,
  stackConfigsAt,
  stacksOwningChanges,
  teamEnvironmentAt,
} from "./stack-changes.js";

export { isDocumentation } from "./stack-changes.js";

/** GitHub Actions runs at most 256 jobs per matrix. */
export const GITHUB_MATRIX_LIMIT = 256;

export interface MatrixEntry {
  /** Nx project name, or `level<n>-batch<i>` when a level holds more stacks than a matrix can. */
  stack: string;
  /** Comma-separated Nx projects this job deploys (`nx run-many -p`), all of one environment. */
  projects: string;
  /** The stacks' environment (`dev`, `prod`): the job runs in the GitHub environment `deploy-<environment>`. */
  environment: string;
}

/** One preview job: every affected stack of one environment. */
export interface PreviewEntry {
  /** The job runs in the GitHub environment `preview-<environment>` with that environment's role. */
  environment: string;
  /** Comma-separated Nx projects (`nx run-many -p`). */
  projects: string;
}

/** The environment a stack deploys to: every stack kind's config names it. */
export function stackEnvironment(stack: DiscoveredStack): string {
  return stack.config.config.environment;
}

/** Group `items` by `key`, groups sorted by key, items keeping their order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/**
 * Split `total` jobs over groups of the given sizes (sizes.length <= total): one per group, then each
 * further job to the group with the most stacks per job, never more jobs than a group has stacks.
 */
function shareJobs(sizes: readonly number[], total: number): number[] {
  const shares = sizes.map(() => 1);
  for (let left = total - sizes.length; left > 0; left--) {
    let best = -1;
    sizes.forEach((n, i) => {
      if (shares[i]! < n && (best < 0 || n / shares[i]! > sizes[best]! / shares[best]!)) best = i;
    });
    if (best < 0) break;
    shares[best]! += 1;
  }
  return shares;
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
 * affected stacks, so a stack keeps its level (and its job) whatever else changed. A batch never
 * mixes environments: its job holds one environment's deploy role only.
 */
export function deployMatrix(opts: DeployMatrixOptions): MatrixEntry[][] {
  const maxJobs = opts.maxJobs ?? GITHUB_MATRIX_LIMIT;
  const affected = new Set(opts.affected);
  return orderStacks(opts.stacks).levels.map((level, n) => {
    const stacks = level.filter((s) => affected.has(stackProjectName(s)));
    if (stacks.length <= maxJobs) {
      return stacks.map((s) => ({
        stack: stackProjectName(s),
        projects: stackProjectName(s),
        environment: stackEnvironment(s),
      }));
    }
    const groups = groupBy(stacks, stackEnvironment);
    if (groups.length > maxJobs) {
      throw new Error(
        `level ${n} has stacks of ${groups.length} environments but at most ${maxJobs} jobs; a job deploys one environment only`,
      );
    }
    // Spread each environment's stacks evenly over its share of the jobs.
    const shares = shareJobs(
      groups.map(([, g]) => g.length),
      maxJobs,
    );
    let batch = 0;
    return groups.flatMap(([environment, group], g) => {
      const batches: string[][] = Array.from({ length: shares[g]! }, () => []);
      group.forEach((s, i) => {
        batches[i % batches.length]!.push(stackProjectName(s));
      });
      return batches.map((b) => {
        batch += 1;
        return { stack: `level${n}-batch${batch}`, projects: b.join(","), environment };
      });
    });
  });
}

/** Affected stacks per environment, for the pull request previews (no ordering: a preview changes nothing). */
export function previewMatrix(opts: Omit<DeployMatrixOptions, "maxJobs">): PreviewEntry[] {
  const affected = new Set(opts.affected);
  const stacks = opts.stacks.filter((s) => affected.has(stackProjectName(s)));
  return groupBy(stacks, stackEnvironment).map(([environment, group]) => ({
    environment,
    projects: group.map(stackProjectName).sort().join(","),
  }));
}

/** The plan's gate for a pull request: the stacks it touches, or every stack. */
export interface GateStacks {
  /** True when a changed file is no single stack's own (platform code, policies, the registry, CI). */
  all: boolean;
  /** The gated stack ids (`<kind>/<stack>`), sorted: every stack when `all`. */
  ids: string[];
  /** Why every stack gates: the first changed file that is no stack's own. */
  reason?: string;
}

/**
 * The stacks a change touches, for `retrain plan --gate` (pr.yml's verify job). A stack is touched
 * when Nx says it is affected, or a changed file lies in its own folder (its Nx project root: a
 * team's `stacks/scheduling/teams/<team>/`). Any other changed file but documentation (packages/,
 * policies/ with the tenant registry, a stack program's src/, the lockfile, root config, workflows)
 * may change every stack's plan: every stack gates. Fails closed: what it cannot place gates all.
 */
export function gateStacks(opts: {
  /** Absolute workspace root (the stacks' program dirs are absolute). */
  root: string;
  changed: readonly string[];
  affected: readonly string[];
  stacks: readonly DiscoveredStack[];
}): GateStacks {
  const owned = stacksOwningChanges(opts);
  if (owned.all) return { all: true, ids: owned.ids, reason: owned.reason! };
  const affected = new Set(opts.affected);
  const ids = new Set(opts.stacks.filter((s) => affected.has(stackProjectName(s))).map((s) => s.id));
  for (const id of owned.ids) ids.add(id);
  return { all: false, ids: [...ids].sort() };
}

/** Files changed between base and head (renames as both paths), workspace-relative. */
export function changedFiles(root: string, base: string, head: string): string[] {
  const r = spawnSync("git", ["diff", "--name-only", "--no-renames", "-z", base, head, "--"], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`git diff --name-only ${base} ${head} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout.split("\0").filter((f) => f.length > 0);
}

export interface CliArgs {
  base: string;
  head: string;
  levels: number;
  maxJobs: number;
  root: string;
  /** `--preview`: one entry per environment instead of the deploy levels. */
  preview: boolean;
  /** `--gate-stacks`: the stacks the change touches, for `retrain plan --gate`. */
  gateStacks: boolean;
  /** `--check-removed`: only refuse (exit 2) stacks removed without their offboarding. */
  checkRemoved: boolean;
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
  return {
    base,
    head,
    levels,
    maxJobs,
    root: path.resolve(value("--root") ?? process.cwd()),
    preview: argv.includes("--preview"),
    gateStacks: argv.includes("--gate-stacks"),
    checkRemoved: argv.includes("--check-removed"),
  };
}

/** Affected projects between base and head, from the Nx CLI of the workspace. */
export function nxAffected(root: string, base: string, head: string): string[] {
  const nx = nxCliScript(root);
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
 * `deploy-matrix --preview --base <sha> [--head <sha>]`: prints the affected stacks per environment and
 * writes the `environments` (matrix include list) and `any` outputs.
 * `deploy-matrix --gate-stacks --base <sha> [--head <sha>]`: prints one line, the touched stacks'
 * ids comma-separated (empty: none), or `*` when every stack gates; exits non-zero when it cannot
 * tell (the workflow then gates on every stack).
 * `deploy-matrix --check-removed --base <sha> [--head <sha>]`: exits 2 when the change removes a
 * stack's config file without its offboarding (stack-changes.ts `removedStacks`), as the deploy and
 * preview modes do before computing anything.
 */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const args = parseArgs(argv, env);
  const discovered = discoverStacks(args.root);
  if (discovered.errors.length > 0) {
    for (const e of discovered.errors)
      for (const p of e.problems) console.error(describeProblem({ ...p, file: e.file }));
    console.error("deploy-matrix: fix the stack configs above before deploying");
    return 2;
  }
  if (args.gateStacks) {
    const changed = changedFiles(args.root, args.base, args.head);
    const nxSays = nxAffected(args.root, args.base, args.head);
    const gate = gateStacks({ root: args.root, changed, affected: nxSays, stacks: discovered.stacks });
    console.error(
      gate.all
        ? `deploy-matrix: every stack gates (${gate.reason} is no single stack's own file)`
        : `deploy-matrix: the change touches ${counted(gate.ids.length, "stack")}: ${gate.ids.join(", ") || "none"}`,
    );
    console.log(gate.all ? "*" : gate.ids.join(","));
    return 0;
  }
  const registryFile = findTenantRegistry(args.root);
  const removed = removedStacks({
    before: stackConfigsAt(args.root, args.base),
    stacks: discovered.stacks,
    environmentBefore: (file) => teamEnvironmentAt(args.root, args.base, file),
    registry: registryFile ? loadTenantRegistry(registryFile).registry : undefined,
  });
  const refused = describeRefusedRemovals(removed);
  if (refused.length > 0) {
    for (const line of refused) console.error(line);
    console.error("deploy-matrix: a stack's file was removed without its offboarding; nothing is deployed");
    return 2;
  }
  const shrunk = describeShrunkVolumes(
    shrunkVolumes({
      stacks: discovered.stacks,
      root: args.root,
      fileAt: (file) => fileAtCommit(args.root, args.base, file),
    }),
  );
  if (shrunk.length > 0) {
    for (const line of shrunk) console.error(line);
    console.error("deploy-matrix: a pool's root volume would shrink, which AWS refuses; nothing is deployed");
    return 2;
  }
  if (args.checkRemoved) {
    console.error(
      removed.length > 0
        ? `deploy-matrix: removed or moved with their registry entries: ${removed.map((r) => r.id).join(", ")}`
        : "deploy-matrix: no stack removed",
    );
    return 0;
  }
  // Asked only now: --check-removed needs neither, so an Nx failure cannot fail that check.
  const affected = deployProjects({
    root: args.root,
    changed: changedFiles(args.root, args.base, args.head),
    nxAffected: nxAffected(args.root, args.base, args.head),
    stacks: discovered.stacks,
  });
  if (args.preview) {
    const environments = previewMatrix({ affected, stacks: discovered.stacks });
    console.log(JSON.stringify({ environments }, null, 2));
    if (env.GITHUB_OUTPUT) {
      appendFileSync(
        env.GITHUB_OUTPUT,
        `environments=${JSON.stringify(environments)}\nany=${environments.length > 0}\n`,
      );
    }
    return 0;
  }
  const levels = deployMatrix({
    affected,
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
