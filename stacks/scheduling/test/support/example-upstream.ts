/**
 * The example workspace's iam and fleet stacks, run with their real programs and configs under the
 * harness: the upstream outputs every scheduling test feeds to its StackReferences.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type LoadedStackConfig, loadStackConfig } from "@retrain/config";
import { runStackProgram, type StackRunResult } from "@retrain/offline";
import { fleetProgram } from "../../../fleet/src/program.js";
import { iamProgram } from "../../../iam/src/program.js";
import { schedulingProgram } from "../../src/program.js";

const STACKS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The example config of `stacks/<kind>/<folder>/<stack>/Pulumi.<stack>.yaml`. */
export function loadExample(kind: string, folder: string, stack: string): LoadedStackConfig {
  return loadStackConfig(path.join(STACKS_DIR, kind, folder, stack, `Pulumi.${stack}.yaml`));
}

type ExampleKind = "iam" | "fleet" | "scheduling";
const PROGRAMS: Record<ExampleKind, () => Promise<object>> = {
  iam: () => iamProgram(),
  fleet: fleetProgram,
  scheduling: () => schedulingProgram(),
};

/**
 * Runs the example stack `<kind>/<stack>` with its real program: its config with `patch` over it
 * (or `config` instead), its StackReferences answered from `upstream`. `raw` is the config it ran.
 */
export function runExample(
  kind: ExampleKind,
  stack: string,
  opts: {
    patch?: Record<string, unknown>;
    config?: Record<string, unknown>;
    upstream?: Record<string, Record<string, unknown>>;
    program?: () => Promise<object>;
  } = {},
): { raw: Record<string, unknown>; run: Promise<StackRunResult> } {
  const loaded = loadExample(kind, kind === "scheduling" ? "teams" : "envs", stack);
  const raw = opts.config ?? { ...loaded.raw, ...opts.patch };
  return {
    raw,
    run: runStackProgram({
      project: loaded.project,
      stack,
      program: opts.program ?? PROGRAMS[kind],
      config: raw,
      ...(opts.upstream ? { upstream: opts.upstream } : {}),
    }),
  };
}

export interface EnvironmentRun {
  iam: StackRunResult;
  fleet: StackRunResult;
}

/**
 * Runs the iam then the fleet stack of each environment; `upstream` holds their outputs by
 * StackReference name (`organization/retrain-iam/dev`, ...), `runs` the results by environment.
 */
export async function runExampleUpstream(environments: readonly string[] = ["dev", "prod"]): Promise<{
  upstream: Record<string, Record<string, unknown>>;
  runs: Record<string, EnvironmentRun>;
}> {
  const upstream: Record<string, Record<string, unknown>> = {};
  const runs: Record<string, EnvironmentRun> = {};
  for (const env of environments) {
    const iam = await runExample("iam", env).run;
    upstream[`organization/retrain-iam/${env}`] = iam.outputs;
    const fleet = await runExample("fleet", env, { upstream }).run;
    upstream[`organization/retrain-fleet/${env}`] = fleet.outputs;
    runs[env] = { iam, fleet };
  }
  return { upstream, runs };
}
