/**
 * The per-stack plan cache: a planned stack's run result and its policy analysis, stored under the
 * stack's key (cache-key.ts) and reused instead of running its program and analysing it again.
 *
 * Trust: the cache decides what the plan reports, so it must not be writable from the repository
 * (a pull request commits files into the workspace). Its directory is outside the checkout by
 * default (`$XDG_CACHE_HOME/retrain-infra/plan`, `~/.cache/...`) and one inside the workspace is
 * refused. An entry that is corrupt, truncated, of another format, key or stack, or expired is
 * ignored (the stack re-plans). Writes are atomic (a temporary file renamed into place). Only
 * planned stacks whose analysis succeeded are written; a pack error is never cached.
 */
import { readFileSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { type DiscoveredStack, PLAN_CACHE_ENV, PLAN_CACHE_FORMAT } from "@retrain/config";
import type { PlannedResource, Violation } from "../model.js";
import { writePrivateFileAtomically } from "../private-file.js";
import type { AnalysisResult } from "./analyze.js";
import { type KeyEnvironment, stackKeyer, validUntil } from "./cache-key.js";
import type { PlanContext } from "./context.js";
import type { PlannedResult, RunResult } from "./run.js";
import { isShown, type Selection } from "./select.js";

/** Where the cache lives; undefined settings (or `enabled: false`) plan without it. */
export interface PlanCacheOptions {
  /** Absolute cache directory, outside the workspace. */
  readonly dir: string;
}

/** A setting of the cache that cannot be used (exit 2, naming the variable or flag). */
export class PlanCacheSettingError extends Error {}

/** `$XDG_CACHE_HOME/retrain-infra/plan`, else `~/.cache/retrain-infra/plan`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const base =
    env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : path.join(home, ".cache");
  return path.join(base, "retrain-infra", "plan");
}

/**
 * The cache settings of one plan from the environment and `--no-cache`: undefined when off
 * (`--no-cache` or `RETRAIN_PLAN_CACHE=0`). Throws {@link PlanCacheSettingError} for a value that
 * is not allowed or a directory inside the workspace.
 */
export function planCacheSettings(opts: {
  workspace: string;
  noCache?: boolean;
  env?: NodeJS.ProcessEnv;
}): PlanCacheOptions | undefined {
  const env = opts.env ?? process.env;
  const enabled = env[PLAN_CACHE_ENV.enabled];
  if (enabled !== undefined && !["", "0", "1"].includes(enabled)) {
    throw new PlanCacheSettingError(
      `${PLAN_CACHE_ENV.enabled} must be 0 (no cache) or 1 (use the cache), got "${enabled}"`,
    );
  }
  if (opts.noCache || enabled === "0") return undefined;
  const configured = env[PLAN_CACHE_ENV.dir];
  if (configured !== undefined && configured !== "" && !path.isAbsolute(configured)) {
    throw new PlanCacheSettingError(`${PLAN_CACHE_ENV.dir} must be an absolute path, got "${configured}"`);
  }
  const dir = configured || defaultCacheDir(env);
  const where = configured ? PLAN_CACHE_ENV.dir : "the default plan cache directory";
  if (isInside(dir, opts.workspace)) {
    throw new PlanCacheSettingError(
      `${where} (${dir}) is inside the workspace ${opts.workspace}: a pull request could commit entries ` +
        `that the plan would trust; use a directory outside the checkout, or --no-cache / ${PLAN_CACHE_ENV.enabled}=0`,
    );
  }
  return { dir };
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
function realish(p: string): string {
  const abs = path.resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(realish(parent), path.basename(abs));
  }
}

function isInside(dir: string, root: string): boolean {
  const rel = path.relative(realish(root), realish(dir));
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** One stored stack result. */
export interface CacheEntry {
  readonly format: typeof PLAN_CACHE_FORMAT;
  readonly key: string;
  readonly stack: string;
  /** Epoch ms after which the entry is not used. */
  readonly validUntil: number;
  readonly resources: readonly PlannedResource[];
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The pack's findings; absent when the stack ran only as an upstream (not analysed). */
  readonly violations?: readonly Violation[];
}

/** The entry store: one JSON file per key under `<dir>/v<format>/<2 hex>/<key>.json`. */
export function entryStore(dir: string) {
  const fileOf = (key: string) => path.join(dir, `v${PLAN_CACHE_FORMAT}`, key.slice(0, 2), `${key}.json`);
  return {
    fileOf,
    read(key: string, stack: string, now: number): CacheEntry | undefined {
      let entry: unknown;
      try {
        entry = JSON.parse(readFileSync(fileOf(key), "utf8"));
      } catch {
        return undefined; // absent, unreadable, truncated or corrupt: plan the stack
      }
      return isEntry(entry) && entry.key === key && entry.stack === stack && now < entry.validUntil
        ? entry
        : undefined;
    },
    write(entry: CacheEntry): void {
      // A cache that cannot be written only costs the next plan time.
      writePrivateFileAtomically(fileOf(entry.key), () => JSON.stringify(entry));
    },
  };
}

function isEntry(e: unknown): e is CacheEntry {
  if (e === null || typeof e !== "object") return false;
  const o = e as Record<string, unknown>;
  return (
    o.format === PLAN_CACHE_FORMAT &&
    typeof o.key === "string" &&
    typeof o.stack === "string" &&
    typeof o.validUntil === "number" &&
    Array.isArray(o.resources) &&
    o.outputs !== null &&
    typeof o.outputs === "object" &&
    !Array.isArray(o.outputs) &&
    (o.violations === undefined || Array.isArray(o.violations))
  );
}

export interface StackCache {
  /** For `runStacks`' reuse hook: the stored result of the stack, if any fits. */
  reuse(stack: DiscoveredStack): PlannedResult | undefined;
  /** The pack's fresh analyses with the reused stacks' stored ones; stores the fresh results. */
  complete(run: RunResult, fresh: AnalysisResult): AnalysisResult;
  /** Ids of the stacks reused in this plan. */
  readonly reused: ReadonlySet<string>;
}

export function stackCache(
  ctx: PlanContext,
  selection: Selection,
  options: PlanCacheOptions,
  at: KeyEnvironment = { env: process.env, cwd: process.cwd(), now: new Date() },
): StackCache {
  const keyer = stackKeyer(ctx.root, selection, at);
  const store = entryStore(options.dir);
  const stored = new Map<string, readonly Violation[] | undefined>();
  const reused = new Set<string>();
  const keys = new Map<string, string>();
  const keyOf = (s: DiscoveredStack) => {
    let k = keys.get(s.id);
    if (k === undefined) {
      k = keyer.key(s);
      keys.set(s.id, k);
    }
    return k;
  };
  return {
    reused,
    reuse(s) {
      const entry = store.read(keyOf(s), s.id, Date.now());
      // A shown stack needs its analysis; an upstream-only one just its run.
      if (!entry || (isShown(selection, s.id) && !entry.violations)) return undefined;
      stored.set(s.id, entry.violations);
      reused.add(s.id);
      return { status: "planned", resources: entry.resources, outputs: entry.outputs };
    },
    complete(run, fresh) {
      const analyses = new Map(fresh.analyses);
      for (const o of run.outcomes.values()) {
        if (o.status !== "planned") continue;
        if (reused.has(o.id)) {
          const violations = stored.get(o.id);
          if (o.selected && violations) analyses.set(o.id, { violations });
          continue;
        }
        const analysis = fresh.analyses.get(o.id);
        if (o.selected && !(analysis && "violations" in analysis)) continue; // never cache a pack error
        store.write({
          format: PLAN_CACHE_FORMAT,
          key: keyOf(o.stack),
          stack: o.id,
          validUntil: validUntil(o.stack, at.now),
          resources: o.resources,
          outputs: o.outputs,
          ...(analysis && "violations" in analysis ? { violations: analysis.violations } : {}),
        });
      }
      return { analyses, problems: fresh.problems };
    },
  };
}
