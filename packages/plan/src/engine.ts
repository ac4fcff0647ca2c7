/**
 * The offline plan, composed of its stages (stages/): select → load → run → analyze → report.
 * With a cache (stages/cache.ts) a stack whose inputs are unchanged reuses its stored run and
 * analysis; the cross-stack checks and the report are computed over every stack's result as always.
 * Nothing here prints: the CLI renders the report.
 */
import type { PlanReport } from "./model.js";
import { startAnalysis } from "./stages/analyze.js";
import { type PlanCacheOptions, stackCache } from "./stages/cache.js";
import { type PlanOptions, planContext } from "./stages/context.js";
import { programLoader } from "./stages/load.js";
import { report } from "./stages/report.js";
import { runStacks } from "./stages/run.js";
import { select } from "./stages/select.js";

export type { PlanCacheOptions } from "./stages/cache.js";
export { defaultCacheDir, PlanCacheSettingError, planCacheSettings } from "./stages/cache.js";
export type { PlanOptions, ProgressEvent } from "./stages/context.js";

export interface RunPlanOptions extends PlanOptions {
  /** The per-stack cache; default none (every stack runs). */
  cache?: PlanCacheOptions;
}

export async function runPlan(options: RunPlanOptions): Promise<PlanReport> {
  const ctx = planContext(options);
  const selection = select(ctx);
  // Without a valid pack config nothing is analysed: such a plan neither reads nor writes the cache.
  const cache = options.cache && selection.packConfig ? stackCache(ctx, selection, options.cache) : undefined;
  // The pack starts now, while the first programs load: its start-up overlaps theirs.
  const pack = startAnalysis(ctx, selection);
  let run: Awaited<ReturnType<typeof runStacks>>;
  try {
    run = await runStacks(ctx, selection, programLoader(), {
      onPlanned: (planned, recorded) => pack.submit(planned, recorded),
      admit: () => pack.admit(),
      ...(cache ? { reuse: (s) => cache.reuse(s) } : {}),
    });
  } catch (e) {
    await pack.finish().catch(() => undefined);
    throw e;
  }
  const fresh = await pack.finish();
  const analysis = cache ? cache.complete(run, fresh) : fresh;
  const runProblems = [...run.outcomes.values()].flatMap((o) => (o.status === "failed" ? o.problems : []));
  const result = await report(ctx, selection, run, analysis, runProblems, cache ? options.cache : undefined);
  ctx.progress({ type: "done" });
  return result;
}
