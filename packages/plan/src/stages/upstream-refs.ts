/**
 * Upstream outputs sent to a worker thread once, not with every stack. Every team stack reads the
 * iam stack's outputs, which hold every team's role: posting them with each run copied them into
 * the worker per team stack, and each run's StackReference state (the same outputs) was copied
 * back with its resources, a walk of every team per team stack each way (docs/benchmarks.md,
 * "linear to 5,000 teams"). Now the plan thread numbers each upstream outputs object the first time
 * it sends it to a worker; the worker keeps it frozen (every stack of that worker reads the same
 * object) and leaves it out of the StackReference states it sends back, which the plan thread puts
 * its own object into again. Identity on both sides is what lets the content memos downstream
 * (RepeatedValueMemo) recognise a repeated upstream without walking it.
 */

import { deepFreeze } from "@retrain/config/frozen";
import { STACK_REFERENCE_TYPE } from "@retrain/offline";
import type { ProgramInput, ProgramRun } from "./execute.js";

/** An upstream outputs object by number; `outputs` only the first time it is sent to this worker. */
export interface UpstreamRef {
  readonly id: number;
  readonly outputs?: Record<string, unknown>;
}

/** A StackReference state the worker sent back without its `outputs`: upstream `id`'s. */
export interface ElidedState {
  readonly resource: number;
  readonly id: number;
}

type Run = Extract<ProgramRun, { resources: unknown }>;

/** The plan thread's side, one per worker. */
export class UpstreamSender {
  private readonly ids = new Map<object, number>();
  private readonly byId: Record<string, unknown>[] = [];

  /** The refs to post for `upstream` (by StackReference name). */
  refs(upstream: ProgramInput["upstream"]): Record<string, UpstreamRef> {
    const refs: Record<string, UpstreamRef> = {};
    for (const [name, outputs] of Object.entries(upstream)) {
      const known = this.ids.get(outputs);
      if (known !== undefined) {
        refs[name] = { id: known };
        continue;
      }
      const id = this.byId.push(outputs) - 1;
      this.ids.set(outputs, id);
      refs[name] = { id, outputs };
    }
    return refs;
  }

  /** The message carrying `refs` never reached the worker (postMessage threw): send their outputs again next time. */
  unsent(refs: Readonly<Record<string, UpstreamRef>>): void {
    for (const ref of Object.values(refs)) {
      const outputs = ref.outputs && this.byId[ref.id];
      if (outputs) this.ids.delete(outputs);
    }
  }

  /** The run as it was in the worker: each elided state holds this thread's upstream object again. */
  restore(run: ProgramRun, elided: readonly ElidedState[]): ProgramRun {
    if (!("resources" in run) || elided.length === 0) return run;
    const resources = [...run.resources];
    for (const e of elided) {
      const r = resources[e.resource];
      const outputs = this.byId[e.id];
      if (!r || !outputs)
        throw new Error(`a worker's run names an unknown upstream (${e.id}) or resource (${e.resource})`);
      resources[e.resource] = { ...r, outputs: { ...r.outputs, outputs } };
    }
    return { ...run, resources };
  }
}

/** The worker's side: the upstream objects it was sent, frozen (each serves every stack it runs). */
export class UpstreamReceiver {
  private readonly byId = new Map<number, Record<string, unknown>>();

  /** The upstream outputs by StackReference name for `refs`. */
  resolve(refs: Readonly<Record<string, UpstreamRef>>): ProgramInput["upstream"] {
    const upstream: Record<string, Record<string, unknown>> = {};
    for (const [name, ref] of Object.entries(refs)) {
      if (ref.outputs) this.byId.set(ref.id, deepFreeze(ref.outputs));
      const outputs = this.byId.get(ref.id);
      if (!outputs) throw new Error(`upstream ${ref.id} (${name}) was never sent to this worker`);
      upstream[name] = outputs;
    }
    return upstream;
  }

  /** `run` without the upstream outputs its StackReference states hold (the very objects of `refs`). */
  elide(
    run: ProgramRun,
    refs: Readonly<Record<string, UpstreamRef>>,
  ): { run: ProgramRun; elided: ElidedState[] } {
    if (!("resources" in run)) return { run, elided: [] };
    const idOf = new Map<unknown, number>();
    for (const ref of Object.values(refs)) idOf.set(this.byId.get(ref.id), ref.id);
    const elided: ElidedState[] = [];
    const resources: Run["resources"] = run.resources.map((r, resource) => {
      const id = r.type === STACK_REFERENCE_TYPE ? idOf.get(r.outputs.outputs) : undefined;
      if (id === undefined) return r;
      elided.push({ resource, id });
      const { outputs: _, ...state } = r.outputs;
      return { ...r, outputs: state };
    });
    return { run: elided.length > 0 ? { ...run, resources } : run, elided };
  }
}
