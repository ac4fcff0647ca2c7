/**
 * The offline plan, composed of its stages (stages/): select → load → run → analyze → report.
 * Nothing here prints: the CLI renders the report.
 */
import type { PlanReport } from "./model.js";
import { startAnalysis } from "./stages/analyze.js";
import { type PlanOptions, planContext } from "./stages/context.js";
import { programLoader } from "./stages/load.js";
import { report } from "./stages/report.js";
import { runStacks } from "./stages/run.js";
import { select } from "./stages/select.js";

export type { PlanOptions, ProgressEvent } from "./stages/context.js";

export async function runPlan(options: PlanOptions): Promise<PlanReport> {
  const ctx = planContext(options);
  const selection = select(ctx);
  // The pack starts now, while the first programs load: its start-up overlaps theirs.
  const pack = startAnalysis(ctx, selection);
  let run: Awaited<ReturnType<typeof runStacks>>;
  try {
    run = await runStacks(ctx, selection, programLoader(), { onPlanned: (planned) => pack.submit(planned) });
  } catch (e) {
    await pack.finish().catch(() => undefined);
    throw e;
  }
  const analysis = await pack.finish();
  const runProblems = [...run.outcomes.values()].flatMap((o) => (o.status === "failed" ? o.problems : []));
  const result = await report(ctx, selection, run, analysis, runProblems);
  ctx.progress({ type: "done" });
  return result;
}
