/** Cross-stack checks on a finished run: which facts each stack contributes, then the checks. */
import {
  ConfigError,
  type DiscoveredStack,
  findTenantRegistry,
  fleetDocumentCount,
  fleetEventRuleCount,
  iamDocumentCount,
  iamEventRuleCount,
  iamRoleCount,
  type LoadedStack,
  loadTenantRegistry,
  type Problem,
  poolStopWhenIdleMinutes,
  type TenantRegistry,
  teamsGranted,
} from "@retrain/config/workspace";
import type { StackPlan } from "../model.js";
import type { IamRoleFacts } from "./account-quotas.js";
import { crossStackChecks, type FleetFacts, type TeamFacts } from "./cross-stack.js";

export * from "./account-quotas.js";
export * from "./cross-stack.js";

/**
 * What an environment's fleet stack declares for the account-wide quota checks: its quotas, its
 * region and the EventBridge rules it and its iam stack create (from their configs: the same counts
 * whether the plan ran them or `retrain config check` only loaded them).
 */
function accountFacts(
  s: DiscoveredStack,
  byId: ReadonlyMap<string, DiscoveredStack>,
): Pick<
  FleetFacts,
  | "maintenanceWindowQuota"
  | "eventRuleQuota"
  | "documentQuota"
  | "associationQuota"
  | "region"
  | "platformEventRules"
  | "platformDocuments"
> {
  const fleet = s.config as LoadedStack<"fleet">;
  const iamId = s.references.find((r) => r.kind === "iam")?.targetId;
  const iam = iamId ? byId.get(iamId) : undefined;
  return {
    maintenanceWindowQuota: fleet.config.maintenanceWindowQuota,
    documentQuota: fleet.config.documentQuota,
    associationQuota: fleet.config.associationQuota,
    ...(fleet.config.eventRuleQuota !== undefined ? { eventRuleQuota: fleet.config.eventRuleQuota } : {}),
    region: fleet.region,
    platformEventRules: [
      ...(iam?.config.kind === "iam"
        ? [{ id: iam.id, rules: iamEventRuleCount((iam.config as LoadedStack<"iam">).config) }]
        : []),
      { id: s.id, rules: fleetEventRuleCount(fleet.config) },
    ],
    platformDocuments: [
      ...(iam?.config.kind === "iam"
        ? [{ id: iam.id, documents: iamDocumentCount((iam.config as LoadedStack<"iam">).config) }]
        : []),
      { id: s.id, documents: fleetDocumentCount(fleet.config) },
    ],
  };
}

/**
 * Each iam stack's roles for the account's IAM roles quota, from what its program reads: its config
 * and the tenant registry it finds at or above its program folder (the iam program looks there
 * first). An iam stack without a readable registry is left out: its program fails on it, and that is
 * reported as the stack's own error.
 */
function iamRoleFacts(stacks: readonly DiscoveredStack[], rel: (file: string) => string): IamRoleFacts[] {
  const registries = new Map<string, { file: string; registry: TenantRegistry } | undefined>();
  const registryAt = (dir: string) => {
    const file = findTenantRegistry(dir);
    if (file === undefined) return undefined;
    if (!registries.has(file)) {
      try {
        registries.set(file, { file, registry: loadTenantRegistry(file).registry });
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        registries.set(file, undefined);
      }
    }
    return registries.get(file);
  };
  return stacks.flatMap((s) => {
    if (s.config.kind !== "iam") return [];
    const config = (s.config as LoadedStack<"iam">).config;
    const found = registryAt(s.programDir);
    if (!found) return [];
    const granted = teamsGranted(found.registry, config.environment);
    const roles = iamRoleCount(config, granted);
    return [
      {
        id: s.id,
        file: rel(s.configFile),
        roleQuota: config.roleQuota,
        roles,
        teamRoles: granted.length,
        startStopRoles: config.allowStartStop ? new Set(granted.flatMap((g) => g.pools)).size : 0,
        registry: rel(found.file),
      },
    ];
  });
}

/** A team's facts for the checks: its config and, when it has one here, the fleet it runs on. */
function teamFactsOf(
  s: DiscoveredStack,
  fleets: ReadonlyMap<string, FleetFacts>,
  rel: (file: string) => string,
): TeamFacts {
  const fleetId = s.references.find((r) => r.kind === "fleet")?.targetId;
  const fleet = fleetId ? fleets.get(fleetId) : undefined;
  return {
    id: s.id,
    file: rel(s.configFile),
    config: (s.config as LoadedStack<"scheduling">).config,
    ...(fleet ? { fleet } : {}),
  };
}

/**
 * The findings for the stacks that planned; a finding is kept when the stack it names, or the other
 * stack of the pair, is selected.
 */
export function planCrossStackChecks(
  stacks: readonly DiscoveredStack[],
  plans: ReadonlyMap<string, StackPlan>,
  rel: (file: string) => string,
  isShown: (id: string) => boolean,
): Problem[] {
  const planned = (id: string | undefined) => {
    const p = id ? plans.get(id) : undefined;
    return p?.status === "planned" ? p : undefined;
  };
  const byId = new Map(stacks.map((s) => [s.id, s] as const));
  const fleets = new Map<string, FleetFacts>();
  for (const s of stacks) {
    const p = planned(s.id);
    if (s.config.kind !== "fleet" || !p) continue;
    const config = (s.config as LoadedStack<"fleet">).config;
    const iam = planned(s.references.find((r) => r.kind === "iam")?.targetId);
    const teamRoles = iam?.outputs.teamRoleArns;
    fleets.set(s.id, {
      id: s.id,
      file: rel(s.configFile),
      outputs: p.outputs,
      ownSubnets: config.subnetIds !== undefined,
      ...accountFacts(s, byId),
      assumesTeamRoles:
        typeof teamRoles === "object" && teamRoles !== null && Object.keys(teamRoles).length > 0,
    });
  }
  const allTeams = stacks
    .filter((s) => s.config.kind === "scheduling")
    .map((s) => teamFactsOf(s, fleets, rel));
  const teams = allTeams.filter((t) => planned(t.id));
  const users = (fleetId: string) => teams.filter((t) => t.fleet?.id === fleetId).map((t) => t.id);
  // The account's window and EventBridge rule quotas are shared by every team of the environment,
  // planned this run or not (`--team` plans one): summed over every team whose config loaded, shown
  // with any of them.
  const quotaTeams = allTeams.filter((t) => t.fleet !== undefined);
  const quotaShown = (fleetId: string) =>
    isShown(fleetId) || quotaTeams.some((t) => t.fleet?.id === fleetId && isShown(t.id));
  // The iam stack's roles: shown with it or with any team of its environment.
  const iamShown = (iamId: string) =>
    isShown(iamId) ||
    allTeams.some((t) => isShown(t.id) && byId.get(t.id)?.references.some((r) => r.targetId === iamId));
  return crossStackChecks({
    iams: iamRoleFacts(stacks, rel).filter((i) => iamShown(i.id)),
    fleets: [...fleets.values()].filter((f) => isShown(f.id) || users(f.id).some(isShown)),
    teams: teams.filter((t) => isShown(t.id) || (t.fleet !== undefined && isShown(t.fleet.id))),
    quotaTeams: quotaTeams.filter((t) => t.fleet !== undefined && quotaShown(t.fleet.id)),
  });
}

/**
 * The cross-stack checks a config alone can decide, for `retrain config check`: each team against
 * its fleet's config (a pool's idle stop, its instance count, the account's window and EventBridge
 * rule quotas) instead of the fleet's planned outputs; the network needs the fleet program (the plan
 * checks it). The same checks as the plan's, so a config check that passes does not leave the plan an
 * exit 2 of this kind.
 */
export function configCrossStackChecks(
  stacks: readonly DiscoveredStack[],
  rel: (file: string) => string,
): Problem[] {
  const byId = new Map(stacks.map((s) => [s.id, s] as const));
  const fleets = new Map<string, FleetFacts>();
  for (const s of stacks) {
    if (s.config.kind !== "fleet") continue;
    const config = (s.config as LoadedStack<"fleet">).config;
    fleets.set(s.id, {
      id: s.id,
      file: rel(s.configFile),
      // The outputs the fleet program would export for these pools, as far as the checks read them.
      outputs: {
        pools: config.pools.map((p) => ({
          name: p.name,
          instanceIds: Array.from({ length: p.count }, (_, i) => `${p.name}-${i}`),
          stopWhenIdleMinutes: poolStopWhenIdleMinutes(config, p),
        })),
      },
      ...accountFacts(s, byId),
    });
  }
  const teams = stacks.filter((s) => s.config.kind === "scheduling").map((s) => teamFactsOf(s, fleets, rel));
  return crossStackChecks({ fleets: [], teams, iams: iamRoleFacts(stacks, rel) });
}
