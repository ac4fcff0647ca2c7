/**
 * Every input one stack's offline plan result depends on, declared once: the plan's per-stack cache
 * hashes exactly these (packages/plan/src/stages/cache-key.ts) and the Nx plugin declares them as the
 * cacheable `plan` target's inputs (packages/nx-pulumi). Adding an input here covers both.
 *
 * A stack's result is its program's run under mocks (resources, outputs) and the policy pack's
 * analysis of it. It depends on:
 * - the stack's own config file (bytes);
 * - its program folder's code and, transitively, every workspace package the program imports
 *   (their `dependencies` with the `workspace:` protocol), source and compiled output both (the CLI
 *   runs dist/, tests the sources);
 * - the plan engine's own code and its workspace packages (the harness, mocks, discovery);
 * - the policy pack's code and the pack config;
 * - the workspace settings every program reads (tenant registry, retrain.json) and the lockfile
 *   (every third-party version: @pulumi/aws, @pulumi/policy, zod, ...);
 * - the Node.js version, the environment variables the programs and the pack read;
 * - its upstream stacks' results, through their keys (a result is a function of its inputs);
 * - the time: programs export next runs and plan missed-run alarms from `new Date()`, the pack
 *   checks windows over a horizon from now. The key holds the UTC day and an entry is valid only
 *   until the stack's first upcoming window run (see cache-key.ts).
 */

import { existsSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";

/** Bumped whenever the cache entry's shape or the key's composition changes. */
export const PLAN_CACHE_FORMAT = 1;

/** Workspace-relative files every stack's result depends on. */
export const PLAN_WORKSPACE_FILES = [
  "pnpm-lock.yaml",
  "retrain.json",
  "policies/tenants.yaml",
  "policies/retrain-guard/policy-config.json",
] as const;

/**
 * Inside a code folder (a program folder, a workspace package, the pack): the files that are its
 * code, as globs relative to the folder. Tests, node_modules and stack config folders are not.
 */
export const PLAN_CODE_FILES = [
  "package.json",
  "Pulumi.yaml",
  "PulumiPolicy.yaml",
  "index.ts",
  "index.js",
  "src/**",
  "dist/**",
] as const;

/** Code folders (workspace-relative) every stack depends on, besides its program's closure. */
export const PLAN_TOOL_PACKAGES = ["packages/plan", "policies/retrain-guard"] as const;

/**
 * Environment variables the programs, the harness or the pack read. The in-process key also takes
 * every `RETRAIN_*` and `PULUMI_*` variable by prefix (except the plan's settings,
 * PLAN_SETTINGS_ENV); Nx needs names, so these are the ones Nx declares.
 */
export const PLAN_ENV_INPUTS = [
  "RETRAIN_TENANT_REGISTRY",
  "PULUMI_CONFIG",
  "PULUMI_NODEJS_ORGANIZATION",
] as const;
/** Prefixes of the environment variables the in-process key takes. */
export const PLAN_ENV_PREFIXES = ["RETRAIN_", "PULUMI_"] as const;
/** The cache's own settings: not inputs of a result. */
export const PLAN_CACHE_ENV = { dir: "RETRAIN_PLAN_CACHE_DIR", enabled: "RETRAIN_PLAN_CACHE" } as const;
/** Worker threads a plan uses (`retrain plan --jobs`'s default): the report is the same for any. */
export const PLAN_JOBS_ENV = "RETRAIN_PLAN_JOBS";
/**
 * Settings of how a plan runs, not of what it finds, so not in the key: the cache's own, and the
 * number of workers (test/jobs.e2e.test.ts: the same report for any), which `--jobs` sets as well.
 */
export const PLAN_SETTINGS_ENV: readonly string[] = [
  PLAN_CACHE_ENV.dir,
  PLAN_CACHE_ENV.enabled,
  PLAN_JOBS_ENV,
];

/** Commands whose output is an input (Nx `runtime` inputs; the in-process key computes the same). */
export const PLAN_RUNTIME_INPUTS = ["node --version", "date -u +%F"] as const;

/**
 * The workspace packages a code folder imports, transitively: its package.json `dependencies`
 * with the `workspace:` protocol, each resolved as Node would from the folder (its node_modules
 * link, followed to the real folder). Sorted real paths, the folder itself not included. A
 * dependency that does not resolve is returned as `unresolved:<name>` so a key still changes when
 * it later does.
 */
export function workspaceDependencyDirs(dir: string): string[] {
  const found = new Set<string>();
  const visit = (from: string) => {
    for (const name of workspaceDependencies(from)) {
      let real: string;
      try {
        real = realpathSync(path.join(from, "node_modules", name));
      } catch {
        found.add(`unresolved:${name}`);
        continue;
      }
      if (found.has(real)) continue;
      found.add(real);
      visit(real);
    }
  };
  visit(realpathSync(dir));
  return [...found].sort();
}

function workspaceDependencies(dir: string): string[] {
  const file = path.join(dir, "package.json");
  if (!existsSync(file)) return [];
  let pkg: { dependencies?: Record<string, unknown> };
  try {
    pkg = JSON.parse(readFileSync(file, "utf8")) as typeof pkg;
  } catch {
    return []; // its bytes are still hashed; the program then fails to load, not the key
  }
  return Object.entries(pkg.dependencies ?? {})
    .filter(([, spec]) => typeof spec === "string" && spec.startsWith("workspace:"))
    .map(([name]) => name);
}
