/**
 * Stage 3, run: each stack's program under mocks, in order, with its real config and the outputs
 * its upstream stacks produced in this same run. Each stack ends in one {@link StackOutcome}.
 */
import { type DiscoveredStack, OUTPUT_SCHEMAS, type Problem } from "@retrain/config";
import { type RecordedResource, runStackProgram } from "@retrain/offline";
import type { PlannedResource } from "../model.js";
import type { PlanContext } from "./context.js";
import type { ProgramLoader } from "./load.js";
import { isShown, type Selection } from "./select.js";

interface OutcomeBase {
  /** `<kind>/<stack>`. */
  readonly id: string;
  readonly stack: DiscoveredStack;
  /** False for a stack that runs only so a selected stack's references resolve. */
  readonly selected: boolean;
}

/** How one stack's run ended. */
export type StackOutcome =
  /** Ran under mocks; `recorded` is what goes to the policy pack. */
  | (OutcomeBase & {
      readonly status: "planned";
      readonly resources: readonly PlannedResource[];
      readonly outputs: Readonly<Record<string, unknown>>;
      readonly recorded: readonly RecordedResource[];
    })
  /** The program, its outputs or its upstream contract failed; `problems` are the input errors. */
  | (OutcomeBase & {
      readonly status: "failed";
      readonly resources: readonly PlannedResource[];
      readonly outputs: Readonly<Record<string, unknown>>;
      readonly error: string;
      readonly problems: readonly Problem[];
    })
  /** Not run because a stack it references cannot run. */
  | (OutcomeBase & { readonly status: "skipped"; readonly error: string });

export interface RunResult {
  /** Every stack of the run list, in run order. */
  readonly outcomes: ReadonlyMap<string, StackOutcome>;
}

/** The outputs of an outcome (none for a skipped stack). */
export const outputsOf = (o: StackOutcome): Readonly<Record<string, unknown>> =>
  o.status === "skipped" ? {} : o.outputs;

/** A planned stack's outcome without what the selection decides (id, stack, selected). */
export type PlannedResult = Omit<Extract<StackOutcome, { status: "planned" }>, keyof OutcomeBase>;

export interface RunHooks {
  /**
   * Sees each stack that ran and planned as soon as it ran (the pack analyses it while the next
   * programs run). Not called for a reused stack.
   */
  onPlanned?: (outcome: Extract<StackOutcome, { status: "planned" }>) => void;
  /**
   * Asked once per stack whose upstream planned and satisfies the contract, just before its program
   * would run: a result returned here (e.g. from the per-stack cache) is used instead of running it.
   */
  reuse?: (stack: DiscoveredStack) => PlannedResult | undefined | Promise<PlannedResult | undefined>;
}

/**
 * Runs the selection's stacks one after another; `hooks.onPlanned` sees each planned stack as soon
 * as it ran, `hooks.reuse` may stand in for a run.
 */
export async function runStacks(
  ctx: PlanContext,
  selection: Selection,
  load: ProgramLoader,
  hooks: RunHooks = {},
): Promise<RunResult> {
  const outcomes = new Map<string, StackOutcome>();
  const byId = new Map(selection.workspace.stacks.map((s) => [s.id, s]));
  const total = selection.runList.length;
  ctx.progress({ type: "start", total });
  let index = 0;
  for (const s of selection.runList) {
    index++;
    ctx.progress({ type: "stack-start", id: s.id, index, total });
    const base = { id: s.id, stack: s, selected: isShown(selection, s.id) };
    const blocked = selection.blocked.get(s.id) ?? upstreamProblem(s, outcomes);
    const contract = blocked ? undefined : contractProblem(ctx, s, outcomes, byId);
    const reused = blocked || contract ? undefined : await hooks.reuse?.(s);
    const outcome: StackOutcome = reused
      ? { ...base, ...reused }
      : blocked
        ? { ...base, status: "skipped", error: blocked }
        : contract
          ? {
              ...base,
              status: "failed",
              resources: [],
              outputs: {},
              error: contract.message,
              problems: [contract],
            }
          : await runOne(ctx, base, outcomes, load);
    outcomes.set(s.id, outcome);
    if (outcome.status === "planned" && !reused) hooks.onPlanned?.(outcome);
    ctx.progress({
      type: "stack-done",
      id: s.id,
      index,
      total,
      status: outcome.status,
      resources: outcome.status === "skipped" ? 0 : outcome.resources.length,
    });
  }
  return { outcomes };
}

/** Why a stack must not run because a stack it references did not plan. */
export function upstreamProblem(
  s: DiscoveredStack,
  outcomes: ReadonlyMap<string, StackOutcome>,
): string | undefined {
  for (const r of s.references) {
    const up = r.targetId ? outcomes.get(r.targetId) : undefined;
    if (up && up.status !== "planned") {
      return `its StackReference ${r.name} (${r.key}) points to ${up.id}, which ${up.status === "failed" ? "failed" : "was skipped"}`;
    }
  }
  return undefined;
}

/**
 * Each upstream stack's outputs checked against the outputs contract before the downstream program
 * reads them: a renamed or missing output fails here, naming the reference, not at deploy time.
 */
export function contractProblem(
  ctx: Pick<PlanContext, "rel">,
  s: DiscoveredStack,
  outcomes: ReadonlyMap<string, StackOutcome>,
  byId: ReadonlyMap<string, DiscoveredStack>,
): Problem | undefined {
  for (const r of s.references) {
    const up = r.targetId ? outcomes.get(r.targetId) : undefined;
    const upStack = r.targetId ? byId.get(r.targetId) : undefined;
    if (!up || !upStack) continue;
    const outputs = outputsOf(up);
    const parsed = OUTPUT_SCHEMAS[upStack.kind].safeParse(outputs);
    if (parsed.success) continue;
    const problems = parsed.error.issues.map((i) => {
      const key = i.path.map(String).join(".") || "(outputs)";
      return i.code === "invalid_type" && outputs[String(i.path[0])] === undefined
        ? `missing output "${key}"`
        : `output "${key}": ${i.message}`;
    });
    const exported = Object.keys(outputs);
    return {
      file: ctx.rel(s.configFile),
      key: r.key,
      message:
        `StackReference ${r.name} (${up.id}) does not satisfy the outputs contract ${s.id} reads: ${problems.join("; ")}` +
        ` (${up.id} exports: ${exported.length ? exported.join(", ") : "nothing"}; program ${ctx.rel(upStack.programDir)})`,
    };
  }
  return undefined;
}

async function runOne(
  ctx: PlanContext,
  base: OutcomeBase,
  outcomes: ReadonlyMap<string, StackOutcome>,
  load: ProgramLoader,
): Promise<StackOutcome> {
  const s = base.stack;
  let program: Awaited<ReturnType<ProgramLoader>>;
  try {
    program = await load(s.programDir);
  } catch (e) {
    const message = (e as Error).message;
    return {
      ...base,
      status: "failed",
      resources: [],
      outputs: {},
      error: message,
      problems: [{ file: ctx.rel(s.programDir), message: `cannot load the program of ${s.id}: ${message}` }],
    };
  }
  const upstream: Record<string, Record<string, unknown>> = {};
  for (const r of s.references) {
    const up = r.targetId ? outcomes.get(r.targetId) : undefined;
    if (up) upstream[r.name] = outputsOf(up) as Record<string, unknown>;
  }
  const result = await runStackProgram({
    project: s.project,
    stack: s.stack,
    program,
    config: s.config.raw,
    upstream,
  });
  const resources: PlannedResource[] = result.resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    ...(r.parent ? { parent: r.parent } : {}),
    inputs: r.inputs,
    ...(r.id ? { id: r.id } : {}),
  }));
  if (result.errors.length > 0) {
    return {
      ...base,
      status: "failed",
      resources,
      outputs: result.outputs,
      error: result.errors.map((e) => e.message).join("\n"),
      problems: result.errors.map((e) => ({ file: ctx.rel(s.configFile), message: `${s.id}: ${e.message}` })),
    };
  }
  return { ...base, status: "planned", resources, outputs: result.outputs, recorded: result.resources };
}
