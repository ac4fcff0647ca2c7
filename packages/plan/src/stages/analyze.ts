/**
 * Stage 4, analyze: the policy pack's lifecycle. The pack starts before the first program runs (its
 * start-up overlaps theirs), analyses each planned, selected stack while the next one runs, and is
 * closed when the last analysis is done, whatever happened.
 */
import path from "node:path";
import type { Problem } from "@retrain/config";
import { TENANT_REGISTRY_ENV, TENANT_REGISTRY_PATH } from "@retrain/config/tenants";
import {
  PolicyConfigError,
  type PolicyPackHost,
  type RecordedResource,
  startPolicyPack,
} from "@retrain/offline";
import { packNodeOptions } from "../heap.js";
import type { Violation } from "../model.js";
import { analyzeResources, locatePack } from "../policy.js";
import type { PlanContext } from "./context.js";
import type { StackOutcome } from "./run.js";
import { isShown, type Selection } from "./select.js";

/** A stack's analysis: its violations, or why the pack could not analyse it. */
export type Analysis = { readonly violations: readonly Violation[] } | { readonly error: string };

export interface AnalysisResult {
  /** Per analysed stack id. */
  readonly analyses: ReadonlyMap<string, Analysis>;
  /** The pack's own failures (one per distinct message). */
  readonly problems: readonly Problem[];
}

export interface PackSession {
  /** Queues a planned stack's resources (ignored when it is not selected or there is no pack). */
  submit(outcome: Extract<StackOutcome, { status: "planned" }>, recorded: readonly RecordedResource[]): void;
  /**
   * Resolves once fewer than `maxBacklog` submitted stacks wait for their analysis: the run stage
   * awaits it before each program, so memory follows the backlog, not the workspace.
   */
  admit(): Promise<void>;
  /** Waits for every analysis and closes the pack. */
  finish(): Promise<AnalysisResult>;
}

/**
 * Stacks submitted and not yet analysed before the programs wait. Each keeps its recorded resources
 * (a team stack's StackReference state holds every team's role: ≈ 1 MB a stack at 5,000 teams) until
 * the pack has it; unbounded, a 5,000-team plan's programs ran ahead of the pack by thousands of
 * stacks (3.7 GiB peak, docs/benchmarks.md). Enough to keep the pack busy while programs run.
 */
export const MAX_ANALYSIS_BACKLOG = 16;

/** A call the pack did not answer before its deadline (gRPC DEADLINE_EXCEEDED). */
function isDeadline(e: Error): boolean {
  const code = (e.cause as { code?: unknown } | undefined)?.code;
  return code === 4 || /Deadline exceeded/i.test(e.message);
}

/** Stops a pack that may be stuck in a computation: SIGKILL, as a busy process may not get to SIGTERM. */
function killNow(h: PolicyPackHost): void {
  try {
    if (h.pid > 0) process.kill(h.pid, "SIGKILL");
  } catch {
    // already gone
  }
  void h.close().catch(() => undefined);
}

/** Host starter, replaceable in tests. */
export type StartPack = typeof startPolicyPack;

export function startAnalysis(
  ctx: PlanContext,
  selection: Selection,
  start: StartPack = startPolicyPack,
  maxBacklog: number = MAX_ANALYSIS_BACKLOG,
): PackSession {
  const pack = selection.packConfig;
  const analyses = new Map<string, Analysis>();
  const problems: Problem[] = [];
  let host: Promise<PolicyPackHost> | undefined;
  let startHost: (() => Promise<PolicyPackHost>) | undefined;
  if (pack && selection.runList.some((s) => isShown(selection, s.id))) {
    // The pack judges tenancy by the planned workspace's registry, not the one beside the pack.
    // Its heap sized for its allocation rate (heap.ts), unless this process's user chose otherwise.
    const env = {
      [TENANT_REGISTRY_ENV]: path.join(ctx.root, TENANT_REGISTRY_PATH),
      NODE_OPTIONS: packNodeOptions(),
    };
    startHost = () => {
      const h = start({ packDir: locatePack(ctx.root), config: pack.config, env });
      // Its failure is reported by the first analysis that awaits it; avoid an unhandled rejection before.
      h.catch(() => undefined);
      return h;
    };
    host = startHost();
  }
  // Stacks are analysed one after another (each with a few RPCs in flight), overlapping the next
  // programs' runs: the pack is one process, and hundreds of stacks' RPCs at once would only queue.
  let chain = Promise.resolve();
  let submitted = 0;
  let analysed = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    while (waiting.length > 0 && submitted - analysed < maxBacklog) waiting.shift()?.();
  };
  return {
    admit() {
      if (submitted - analysed < maxBacklog) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    submit(outcome, recorded) {
      if (!outcome.selected || !host || !pack) return;
      submitted++;
      chain = chain.then(async () => {
        // Read at analysis time: a pack replaced after a deadline judges every stack after it.
        const running = host!;
        try {
          analyses.set(outcome.id, { violations: await analyzeResources(await running, recorded) });
        } catch (e) {
          const err = e as Error;
          // The call gave up but the pack is still busy with this stack (a pathological schedule,
          // say): every later stack's call would queue behind it and time out too, charged to
          // stacks that did nothing. This stack keeps its error; a fresh pack judges the rest.
          if (isDeadline(err) && startHost && host === running) {
            host = startHost();
            void running.then(killNow, () => undefined);
          }
          // A config the pack rejects is the config file's fault; anything else is the pack's.
          const message = `policy pack: ${err.message}`;
          for (const problem of packProblems(err, message, pack.file))
            if (!problems.some((p) => p.key === problem.key && p.message === problem.message))
              problems.push(problem);
          analyses.set(outcome.id, { error: message });
        } finally {
          analysed++;
          release();
        }
      });
    },
    async finish() {
      ctx.progress({ type: "policy", stacks: submitted });
      try {
        await chain;
      } finally {
        if (host)
          await host.then(
            (h) => h.close(),
            () => undefined,
          );
      }
      return { analyses, problems };
    },
  };
}

/**
 * A config the pack rejects is the config file's fault, one problem per key of that file
 * (`<policy>.<field>: <why>`); anything else is the pack's.
 */
function packProblems(err: Error, message: string, configFile: string): Problem[] {
  if (!(err instanceof PolicyConfigError)) return [{ file: "policies/retrain-guard", message }];
  return err.problems.map((p) => {
    const m = /^([^\s:]+): ([\s\S]*)$/.exec(p);
    return m
      ? { file: configFile, key: m[1]!, message: `policy pack config: ${m[2]}` }
      : { file: configFile, message: `policy pack config: ${p}` };
  });
}
