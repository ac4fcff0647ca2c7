/**
 * The plan's permissions proof: which stacks make up each environment (iam + fleet + the teams'
 * scheduling stacks) and the proof over them (simulate.ts, from the flows table in flows.ts).
 */
import type { DiscoveredStack } from "@retrain/config";
import type { StackPlan } from "../model.js";
import {
  type EnvironmentStacks,
  type PermissionsReport,
  type ProveOptions,
  provePermissions,
} from "./simulate.js";

export type { EnvironmentFacts, Flow, PermissionRequest } from "./flows.js";
export { flowsOf } from "./flows.js";
export type {
  EnvironmentStacks,
  PermissionCheck,
  PermissionFinding,
  PermissionsReport,
  ProveOptions,
} from "./simulate.js";
export { provePermissions } from "./simulate.js";

/**
 * Each planned iam stack with the stacks of its environment that planned, when any stack of the
 * environment is selected (a team's plan proves the flows its windows depend on too).
 */
export function environmentsOf(
  plans: readonly StackPlan[],
  discovered: readonly DiscoveredStack[],
): EnvironmentStacks[] {
  const planOf = new Map(plans.map((p) => [p.id, p]));
  const planned = (id: string) => {
    const p = planOf.get(id);
    return p && p.status === "planned" ? p : undefined;
  };
  const environmentOf = (s: DiscoveredStack) => {
    const c = s.config.config as { environment?: unknown };
    return typeof c.environment === "string" ? c.environment : s.stack;
  };
  const envs: EnvironmentStacks[] = [];
  for (const s of discovered) {
    const iam = planned(s.id);
    if (s.kind !== "iam" || !iam) continue;
    const environment = environmentOf(s);
    const members = discovered.filter((t) => t.kind !== "iam" && environmentOf(t) === environment);
    if (!iam.selected && !members.some((t) => planOf.get(t.id)?.selected)) continue;
    const fleet = members.find((f) => f.kind === "fleet");
    const fleetPlan = fleet ? planned(fleet.id) : undefined;
    envs.push({
      environment,
      region: s.config.region,
      configFile: iam.configFile,
      iam: { resources: iam.resources, outputs: iam.outputs },
      ...(fleetPlan ? { fleet: { outputs: fleetPlan.outputs } } : {}),
      scheduling: members
        .filter((t) => t.kind === "scheduling")
        .flatMap((t) => {
          const p = planned(t.id);
          const team = (t.config.config as { team?: unknown }).team;
          return p
            ? [
                {
                  id: t.id,
                  team: typeof team === "string" ? team : t.stack,
                  configFile: p.configFile,
                  resources: p.resources,
                },
              ]
            : [];
        }),
    });
  }
  return envs;
}

/** The proof for a plan's stacks. */
export function proveStackPermissions(
  plans: readonly StackPlan[],
  discovered: readonly DiscoveredStack[],
  options: ProveOptions = {},
): Promise<PermissionsReport> {
  return provePermissions(environmentsOf(plans, discovered), options);
}
