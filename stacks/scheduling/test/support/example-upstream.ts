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

const STACKS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The example config of `stacks/<kind>/<folder>/<stack>/Pulumi.<stack>.yaml`. */
export function loadExample(kind: string, folder: string, stack: string): LoadedStackConfig {
  return loadStackConfig(path.join(STACKS_DIR, kind, folder, stack, `Pulumi.${stack}.yaml`));
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
    const iamConfig = loadExample("iam", "envs", env);
    const iam = await runStackProgram({
      project: iamConfig.project,
      stack: env,
      program: iamProgram,
      config: iamConfig.raw,
    });
    upstream[`organization/retrain-iam/${env}`] = iam.outputs;
    const fleetConfig = loadExample("fleet", "envs", env);
    const fleet = await runStackProgram({
      project: fleetConfig.project,
      stack: env,
      program: fleetProgram,
      config: fleetConfig.raw,
      upstream,
    });
    upstream[`organization/retrain-fleet/${env}`] = fleet.outputs;
    runs[env] = { iam, fleet };
  }
  return { upstream, runs };
}
