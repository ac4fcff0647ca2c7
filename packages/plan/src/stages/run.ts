/**
 * Stage 3, run: each stack's program under mocks, with its real config and the outputs its upstream
 * stacks produced in this same run (in order, or a dependency level at a time over several threads).
 * Each stack ends in one {@link StackOutcome}.
 */

import { type DiscoveredStack, OUTPUT_SCHEMAS, type Problem, problem } from "@retrain/config";
import { deepFreeze } from "@retrain/config/frozen";
import type { RecordedResource } from "@retrain/offline";
import type { PlannedResource } from "../model.js";
import { AUTO_STACKS_PER_LANE, type PlanContext } from "./context.js";
import type { ProgramInput, ProgramRun } from "./execute.js";
import { loadsInWorkers, type ProgramLoader } from "./load.js";
import { type Lane, startLanes } from "./pool.js";
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
  /**
   * Ran under mocks. What went to the policy pack (every recorded resource with its state) is handed
   * to `RunHooks.onPlanned` and not kept here: a team stack's StackReference state holds the iam
   * stack's `teamRoleArns` (every team), so keeping it per stack made memory quadratic in teams.
   */
  | (OutcomeBase & {
      readonly status: "planned";
      readonly resources: readonly PlannedResource[];
      readonly outputs: Readonly<Record<string, unknown>>;
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
  onPlanned?: (
    outcome: Extract<StackOutcome, { status: "planned" }>,
    recorded: readonly RecordedResource[],
  ) => void;
  /**
   * Asked once per stack whose upstream planned and satisfies the contract, just before its program
   * would run: a result returned here (e.g. from the per-stack cache) is used instead of running it.
   */
  reuse?: (stack: DiscoveredStack) => PlannedResult | undefined | Promise<PlannedResult | undefined>;
  /**
   * Awaited before a lane takes its next stack: lets the analysis hold the programs back while its
   * backlog is full (a queued stack keeps its recorded resources in memory until analysed).
   */
  admit?: () => Promise<void>;
}

/**
 * Runs the selection's stacks: with `ctx.jobs` 1 one after another in this thread, in run order;
 * otherwise level by level (a stack runs once every stack it references has ended), the stacks of a
 * level spread over `jobs` worker threads. `hooks.onPlanned` sees each planned
 * stack as soon as it ran, `hooks.reuse` may stand in for a run; both are called in this thread.
 * A loader other than the real one ({@link programLoader} over loadProgram) runs in this thread only:
 * a worker imports programs itself.
 */
export async function runStacks(
  ctx: PlanContext,
  selection: Selection,
  load: ProgramLoader,
  hooks: RunHooks = {},
): Promise<RunResult> {
  const done = new Map<string, StackOutcome>();
  const byId = new Map(selection.workspace.stacks.map((s) => [s.id, s]));
  const runList = selection.runList;
  const total = runList.length;
  ctx.progress({ type: "start", total });
  const byLevel = levelsOf(runList, selection.blocked);
  const widest = Math.max(0, ...byLevel.map((l) => l.length));
  const count = laneCount(ctx, widest, loadsInWorkers(load));
  // One lane: today's sequential path, exactly in run order.
  const levels = count > 1 ? byLevel : [runList];
  const pool = startLanes(count, load, [...new Set(runList.map((s) => s.programDir))]);
  let started = 0;
  let finished = 0;
  try {
    for (const level of levels) {
      const queue = [...level];
      await Promise.all(
        pool.lanes.map(async (lane) => {
          while (queue.length > 0) {
            await hooks.admit?.();
            const s = queue.shift();
            if (s === undefined) break;
            ctx.progress({ type: "stack-start", id: s.id, index: ++started, total });
            const { outcome, recorded } = await planStack(ctx, selection, s, done, byId, hooks, lane);
            done.set(s.id, outcome);
            if (outcome.status === "planned" && recorded) hooks.onPlanned?.(outcome, recorded);
            ctx.progress({
              type: "stack-done",
              id: s.id,
              index: ++finished,
              total,
              status: outcome.status,
              resources: outcome.status === "skipped" ? 0 : outcome.resources.length,
            });
          }
        }),
      );
    }
  } finally {
    await pool.close();
  }
  // In run order, whichever lane finished first.
  const outcomes = new Map<string, StackOutcome>();
  for (const s of runList) outcomes.set(s.id, done.get(s.id) as StackOutcome);
  return { outcomes };
}

/**
 * The run list in dependency levels, each in run order: a stack's level is one more than the
 * highest of the stacks it references earlier in the list, so its upstream has ended when its level
 * starts. Blocked stacks (last in the run list) form a last level of their own: as in run order, a
 * stack never sees the outcome of a blocked stack.
 */
export function levelsOf(
  runList: readonly DiscoveredStack[],
  blocked: ReadonlyMap<string, string>,
): DiscoveredStack[][] {
  const level = new Map<string, number>();
  const levels: DiscoveredStack[][] = [];
  const last: DiscoveredStack[] = [];
  for (const s of runList) {
    if (blocked.has(s.id)) {
      last.push(s);
      continue;
    }
    let l = 0;
    for (const r of s.references) {
      const up = r.targetId === undefined ? undefined : level.get(r.targetId);
      if (up !== undefined) l = Math.max(l, up + 1);
    }
    level.set(s.id, l);
    const at = levels[l] ?? [];
    at.push(s);
    levels[l] = at;
  }
  return [...levels, last].filter((l) => l !== undefined && l.length > 0);
}

/**
 * The per-stack decision, in this thread: skipped (its upstream did not plan, or it is blocked),
 * failed on the outputs contract, reused (`hooks.reuse`), or its program run on `lane`.
 */
async function planStack(
  ctx: PlanContext,
  selection: Selection,
  s: DiscoveredStack,
  outcomes: ReadonlyMap<string, StackOutcome>,
  byId: ReadonlyMap<string, DiscoveredStack>,
  hooks: RunHooks,
  lane: Lane,
): Promise<{ outcome: StackOutcome; recorded?: readonly RecordedResource[] }> {
  const base = { id: s.id, stack: s, selected: isShown(selection, s.id) };
  const blocked = selection.blocked.get(s.id) ?? upstreamProblem(s, outcomes);
  if (blocked) return { outcome: { ...base, status: "skipped", error: blocked } };
  const contract = contractProblem(ctx, s, outcomes, byId);
  if (contract) {
    return {
      outcome: {
        ...base,
        status: "failed",
        resources: [],
        outputs: {},
        error: contract.message,
        problems: [contract],
      },
    };
  }
  const reused = await hooks.reuse?.(s);
  // A reused stack is not analysed again: no recorded resources.
  if (reused) return { outcome: { ...base, ...reused } };
  const run = await lane.run(programInput(s, outcomes));
  const outcome = outcomeOf(ctx, base, run);
  return outcome.status === "planned" && !("loadError" in run)
    ? { outcome, recorded: run.resources }
    : { outcome };
}

/**
 * How many lanes plan a run whose widest level has `widest` stacks: the jobs asked for, else the
 * default only for levels wide enough to pay for a worker's start-up; never more than the widest
 * level, and one when the loader cannot be sent to a worker.
 */
export function laneCount(
  ctx: Pick<PlanContext, "jobs" | "jobsChosen">,
  widest: number,
  inWorkers: boolean,
): number {
  if (!inWorkers) return 1;
  const wanted = ctx.jobsChosen
    ? ctx.jobs
    : Math.min(ctx.jobs, 1 + Math.floor(widest / AUTO_STACKS_PER_LANE));
  return Math.max(1, Math.min(wanted, widest));
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
/**
 * The contract verdict per upstream outputs object: every team stack references the same iam and
 * fleet outcomes, and `teamRoleArns` grows with the teams, so parsing it per downstream stack made
 * the run stage quadratic in teams. Outcomes are immutable, so the object identity is the key.
 */
type ContractVerdict = ReturnType<(typeof OUTPUT_SCHEMAS)[keyof typeof OUTPUT_SCHEMAS]["safeParse"]>;
const contractVerdicts = new WeakMap<object, Map<string, ContractVerdict>>();

function parseContract(
  kind: keyof typeof OUTPUT_SCHEMAS,
  outputs: Readonly<Record<string, unknown>>,
): ContractVerdict {
  const byKind = contractVerdicts.get(outputs) ?? new Map<string, ContractVerdict>();
  contractVerdicts.set(outputs, byKind);
  const parsed = byKind.get(kind) ?? OUTPUT_SCHEMAS[kind].safeParse(outputs);
  byKind.set(kind, parsed);
  return parsed;
}

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
    const parsed = parseContract(upStack.kind, outputs);
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

/** What the program of `s` runs with: its config and its upstream stacks' outputs. */
function programInput(s: DiscoveredStack, outcomes: ReadonlyMap<string, StackOutcome>): ProgramInput {
  const upstream: Record<string, Record<string, unknown>> = {};
  for (const r of s.references) {
    const up = r.targetId ? outcomes.get(r.targetId) : undefined;
    // Frozen (outcomes are immutable): every downstream stack reads this very object, and the
    // content memos recognise a frozen repeated value without walking it (repeated-value.ts).
    if (up) upstream[r.name] = deepFreeze(outputsOf(up)) as Record<string, unknown>;
  }
  return {
    programDir: s.programDir,
    project: s.project,
    stack: s.stack,
    config: s.config.raw as Record<string, unknown>,
    upstream,
  };
}

function outcomeOf(ctx: PlanContext, base: OutcomeBase, run: ProgramRun): StackOutcome {
  const s = base.stack;
  if ("loadError" in run) {
    return {
      ...base,
      status: "failed",
      resources: [],
      outputs: {},
      error: run.loadError,
      problems: [
        { file: ctx.rel(s.programDir), message: `cannot load the program of ${s.id}: ${run.loadError}` },
      ],
    };
  }
  const resources: PlannedResource[] = run.resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    ...(r.parent ? { parent: r.parent } : {}),
    inputs: r.inputs,
    ...(r.id ? { id: r.id } : {}),
  }));
  if (run.errors.length > 0) {
    return {
      ...base,
      status: "failed",
      resources,
      outputs: run.outputs,
      error: run.errors.join("\n"),
      problems: run.errors.flatMap((message): Problem[] => {
        const config = run.configErrors?.find((c) => c.message === message);
        if (!config) return [{ file: ctx.rel(s.configFile), message: `${s.id}: ${message}` }];
        return config.problems.map((p) => problem(ctx.rel(s.configFile), p));
      }),
    };
  }
  return { ...base, status: "planned", resources, outputs: run.outputs };
}
