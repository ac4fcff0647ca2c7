/**
 * Stage 5, report: the stacks as the renderers show them, then what is decided across stacks from
 * the run (cross-stack checks, the permissions proof, alerts), the windows across teams (clashes,
 * calendar, cost) and the summary with its exit code.
 */
import { exitCodeOf, fleetOutputsSchema, type Problem } from "@retrain/config";
import { buildScheduleView, findClashes, isoUtc } from "@retrain/windows";
import { alertsOf } from "../alerts.js";
import { planCrossStackChecks } from "../checks/index.js";
import { estimateAlertingCost, estimateCost, networkInfoOf } from "../cost.js";
import type { PlanSummary, StackPlan } from "../model.js";
import { proveStackPermissions } from "../permissions/index.js";
import type { AnalysisResult } from "./analyze.js";
import type { PlanCacheOptions } from "./cache.js";
import type { PlanContext } from "./context.js";
import { type GateCounts, type GatedPlanReport, gateOf } from "./gate.js";
import type { RunResult, StackOutcome } from "./run.js";
import { isShown, type Selection } from "./select.js";

/**
 * A stack as reported. `ran` keeps the run's own status (what the cross-stack checks, the proof
 * and the alerts read: a stack that ran has real outputs even if the pack then failed on it); the
 * reported status is `failed` too when the pack could not analyse it.
 */
export function stackPlanOf(outcome: StackOutcome, ctx: Pick<PlanContext, "rel">, analysis?: AnalysisResult) {
  const s = outcome.stack;
  const base = {
    id: s.id,
    kind: s.kind,
    project: s.project,
    stack: s.stack,
    configFile: ctx.rel(s.configFile),
    selected: outcome.selected,
  };
  if (outcome.status === "skipped") {
    const plan: StackPlan = {
      ...base,
      status: "skipped",
      resources: [],
      outputs: {},
      violations: [],
      error: outcome.error,
    };
    return { ran: plan, reported: plan };
  }
  const common = { ...base, resources: [...outcome.resources], outputs: { ...outcome.outputs } };
  if (outcome.status === "failed") {
    const plan: StackPlan = { ...common, status: "failed", violations: [], error: outcome.error };
    return { ran: plan, reported: plan };
  }
  const analysed = analysis?.analyses.get(outcome.id);
  const violations = analysed && "violations" in analysed ? [...analysed.violations] : [];
  const ran: StackPlan = { ...common, status: "planned", violations };
  const reported: StackPlan =
    analysed && "error" in analysed ? { ...ran, status: "failed", error: analysed.error } : ran;
  return { ran, reported };
}

export async function report(
  ctx: PlanContext,
  selection: Selection,
  run: RunResult,
  analysis: AnalysisResult,
  runProblems: readonly Problem[],
  /** The plan cache, when on: the permissions proof memoises its simulations there. */
  cache?: PlanCacheOptions,
): Promise<GatedPlanReport> {
  const { workspace, selected } = selection;
  const shown = (id: string) => isShown(selection, id);
  const both = [...run.outcomes.values()].map((o) => stackPlanOf(o, ctx, analysis));
  const ran = new Map(both.map((b) => [b.ran.id, b.ran]));
  const stacks = both.map((b) => b.reported);
  const ranStacks = [...ran.values()];
  const errors: Problem[] = [...selection.problems, ...runProblems, ...analysis.problems];

  // Across stacks: each team's windows against the fleet it runs on (network, idle pools, time).
  errors.push(...planCrossStackChecks(workspace.stacks, ran, ctx.rel, shown));

  // Windows across teams: clashes, calendar, cost; from the validated configs.
  const { from, to } = ctx;
  const view = buildScheduleView(workspace.stacks, ctx.root, { from, to });
  errors.push(...view.problems);
  const teamShown = (stackId: string, environment: string) => shown(stackId) || shown(`fleet/${environment}`);
  const clashes = findClashes(view.windows).filter(
    (c) => teamShown(c.a.stackId, c.environment) || teamShown(c.b.stackId, c.environment),
  );
  const usage = view.usage.filter((u) => teamShown(`scheduling/${u.team}`, u.environment));
  const poolsUsed = new Set(usage.map((u) => `${u.environment}/${u.pool}`));
  // Each planned fleet's network, from its outputs (the zones and endpoints the program chose).
  const networks = ranStacks.flatMap((p) => {
    const parsed =
      p.kind === "fleet" && p.status === "planned" ? fleetOutputsSchema.safeParse(p.outputs) : undefined;
    if (!parsed?.success) return [];
    const visible = !selected || selected.has(p.id) || usage.some((u) => u.environment === p.stack);
    return visible ? [networkInfoOf(p.stack, parsed.data.region, parsed.data.network)] : [];
  });
  const cost = estimateCost({
    pools: view.pools.filter(
      (p) =>
        !selected || poolsUsed.has(`${p.environment}/${p.pool}`) || selected.has(`fleet/${p.environment}`),
    ),
    windows: usage,
    horizonHours: (to.getTime() - from.getTime()) / 3_600_000,
    networks,
    prices: selection.prices ?? {
      source: "unavailable (invalid price table)",
      date: "",
      files: [],
      prices: new Map(),
    },
  });

  // Permissions proven: every flow's requests simulated against the iam stacks' own policies.
  const permissions = await proveStackPermissions(
    ranStacks,
    workspace.stacks,
    cache ? { memoDir: cache.dir } : {},
  );
  // Which findings decide the exit code: all of them, or only those on the gated stacks (--gate).
  const gate = gateOf(selection.gate, stacks, clashes, permissions.findings, workspace.stacks, ctx.rel);
  return {
    from: isoUtc(from),
    to: isoUtc(to),
    weeks: ctx.weeks,
    workspace: ctx.root,
    stacks,
    clashes,
    schedule: view.entries.filter((e) => teamShown(e.stackId, e.environment)),
    cost: { ...cost, alerting: estimateAlertingCost(ranStacks) },
    alerts: alertsOf(ranStacks),
    permissions,
    errors,
    gate,
    summary: summarize(stacks, clashes.length, errors.length, permissions.findings.length, gate.gating, {
      invalid: invalidStackFiles(workspace.errors),
    }),
  };
}

/** Stack config files (`Pulumi.<stack>.yaml`) among the discovery errors: stacks the report cannot list. */
function invalidStackFiles(errors: readonly { file: string }[]): number {
  return new Set(errors.map((e) => e.file).filter((f) => /(^|[/\\])Pulumi\.[^/\\]+\.ya?ml$/.test(f))).size;
}

export function summarize(
  stacks: readonly StackPlan[],
  clashes: number,
  errors: number,
  permissionFindings: number,
  /**
   * The findings that decide the exit code (gate.ts); default: every one counted here. The counts
   * of the summary are always every finding reported.
   */
  gating?: GateCounts,
  /** Stack config files that did not load (default none). */
  files: { invalid: number } = { invalid: 0 },
): PlanSummary {
  const shown = stacks.filter((s) => s.selected);
  const violations = shown.flatMap((s) => s.violations);
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  return {
    stacks: shown.length,
    invalid: files.invalid,
    planned: shown.filter((s) => s.status === "planned").length,
    failed: shown.filter((s) => s.status === "failed").length,
    skipped: shown.filter((s) => s.status === "skipped").length,
    resources: shown.reduce((n, s) => n + s.resources.length, 0),
    mandatory,
    advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
    clashes,
    permissionFindings,
    exitCode: exitCodeOf({
      invalidInput: errors,
      findings: gating
        ? gating.mandatory + gating.clashes + gating.permissionFindings
        : mandatory + clashes + permissionFindings,
    }),
  };
}
