/**
 * tenant-grants: a team's stack uses only the environment and pools the tenant registry
 * (policies/tenants.yaml, owned by security) grants it, judged from the stack's resources alone, so
 * `pulumi preview --policy-pack` rejects it even when the config package is bypassed. The registry
 * is the one found upward from this module (the pack's own checkout, e.g. the base branch in CI),
 * never one the stack names.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import {
  checkTenancy,
  type LoadedTenantRegistry,
  loadTenantRegistry,
  TENANT_REGISTRY_PATH,
  type TenantRegistry,
} from "@retrain/config/tenants";
import { z } from "zod";
import { defineStackPolicy, type StackPolicyDef, type StackResource, type Violation } from "../policy-kit.js";
import { packRegistryFile } from "../tenancy/registry.js";
import {
  DOCUMENT_TYPE,
  isTeamStack,
  knownStrings,
  reachOf,
  SCHEDULING_PROJECT,
  SCHEDULING_TYPES,
  scopedName,
  stackOfUrn,
  TAG,
  tagOf,
} from "../tenancy/stack.js";
import { at, isUnknown, knownAt, list, reveal, str } from "../values.js";
import { ASSOCIATION_TYPE, TARGET_TYPE, TASK_TYPE, WINDOW_TYPE, windowOf } from "../windows/model.js";

export { packRegistryFile };

export const tenantGrantsConfig = z.strictObject({});

const FIX = `Fix: schedule only on what the team is granted, or ask security to change its entry in ${TENANT_REGISTRY_PATH} (a reviewed pull request).`;

/** A claim about the stack's team or environment and the resource it came from. */
interface Claim {
  value: string;
  where: string;
  urn?: string;
}

const label = (r: StackResource) => `${r.type.split(":").pop()} "${r.name}"`;

/** What the stack's resources say about its team, environment and pools. */
interface Evidence {
  teams: Claim[];
  environments: Claim[];
  pools: Claim[];
  /** Known facts that leave a resource's team, environment or pool undeterminable. */
  problems: Violation[];
}

/** What gather() reads of a registry, computed once per parsed registry (the loader caches it by content). */
interface RegistryIndex {
  /** Each registered team's position in the registry. */
  teamRank: ReadonlyMap<string, number>;
  /** The granted environments, longest first, so `retrain-dev-eu-…` reads as dev-eu when both dev and dev-eu exist. */
  registeredEnvs: readonly string[];
}

const indexes = new WeakMap<TenantRegistry, RegistryIndex>();

function registryIndex(registry: TenantRegistry): RegistryIndex {
  let index = indexes.get(registry);
  if (!index) {
    index = {
      teamRank: new Map(Object.keys(registry.teams).map((t, i) => [t, i])),
      registeredEnvs: [
        ...new Set(Object.values(registry.teams).flatMap((t) => t.grants.map((g) => g.environment))),
      ].sort((a, b) => b.length - a.length),
    };
    indexes.set(registry, index);
  }
  return index;
}

function gather(resources: readonly StackResource[], loaded: LoadedTenantRegistry): Evidence {
  const ev: Evidence = { teams: [], environments: [], pools: [], problems: [] };
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const { teamRank, registeredEnvs } = registryIndex(loaded.registry);
  const undetermined = (r: StackResource, what: string) =>
    ev.problems.push({
      urn: r.urn,
      message: `${label(r)}: ${what}, so the pack cannot tell whether the team may use it (tenant-grants fails closed). Fix: build the stack with the project's scheduling program, which tags and names every resource for its team and targets one pool of one fleet.`,
    });

  const id = stackOfUrn(resources[0]?.urn ?? "");
  const stackTeam = id?.project === SCHEDULING_PROJECT ? id.stack : undefined;
  if (stackTeam) ev.teams.push({ value: stackTeam, where: `the stack name "${stackTeam}"` });

  /** A name `retrain-<env>-<team>-…`, read with the registry's environments and teams. */
  const fromName = (r: StackResource, field: string, team?: string) => {
    const name = str(at(r.props, field));
    if (name === undefined) return false;
    // The resource's own team first, then the stack's, then the registry's in its order; any other
    // team the name fits is a second team (a conflict).
    const rank = (t: string) => (t === team ? -2 : t === stackTeam ? -1 : teamRank.get(t));
    const parsed = scopedName(name, registeredEnvs, rank);
    if (!parsed) return false;
    const where = `${label(r)} ${field} "${name}"`;
    ev.environments.push({ value: parsed.environment, where, urn: r.urn });
    ev.teams.push({ value: parsed.team, where, urn: r.urn });
    return true;
  };
  /** The `retrain:team` tag as a claim; false when the tag is known to be missing. */
  const fromTag = (r: StackResource): string | false | undefined => {
    const team = tagOf(r, TAG.team);
    if (team === null) return false;
    if (team !== undefined)
      ev.teams.push({ value: team, where: `${label(r)} tag ${TAG.team}=${team}`, urn: r.urn });
    return team;
  };
  /** `…:role/retrain-<env>-…` claims the environment; `retrain-<env>-startstop-<pool>` also the pool. */
  const fromRole = (r: StackResource, field: string, arn: string | undefined) => {
    const name = arn === undefined ? undefined : /:role\/(?:[^:]*\/)?([^/:]+)$/.exec(arn)?.[1];
    if (!name) return;
    const environment = registeredEnvs.find((e) => name.startsWith(`retrain-${e}-`));
    if (!environment) return;
    const where = `${label(r)} ${field} role "${name}"`;
    ev.environments.push({ value: environment, where, urn: r.urn });
    const pool = name.slice(`retrain-${environment}-startstop-`.length);
    if (name.startsWith(`retrain-${environment}-startstop-`) && pool !== "")
      ev.pools.push({ value: pool, where, urn: r.urn });
  };
  /** Output under `runs/<team>/…` claims that team (another team's prefix is a second team). */
  const fromPrefix = (r: StackResource, field: string, prefix: string | undefined) => {
    const team = prefix === undefined ? undefined : /^runs\/([^/]+)(?:\/|$)/.exec(prefix)?.[1];
    if (team) ev.teams.push({ value: team, where: `${label(r)} ${field} "${prefix}"`, urn: r.urn });
  };
  const fromReach = (r: StackResource) => {
    const reach = reachOf(r.props);
    for (const p of reach.problems) undetermined(r, p);
    if (reach.environment)
      ev.environments.push({
        value: reach.environment,
        where: `${label(r)} target tag:${TAG.fleet}=retrain-${reach.environment}`,
        urn: r.urn,
      });
    for (const pool of reach.pools)
      ev.pools.push({ value: pool, where: `${label(r)} target tag:${TAG.pool}=${pool}`, urn: r.urn });
  };

  for (const r of resources) {
    if (!SCHEDULING_TYPES.has(r.type)) continue;
    if (r.type === WINDOW_TYPE || r.type === DOCUMENT_TYPE) {
      const team = fromTag(r);
      if (team === false) undetermined(r, `it has no ${TAG.team} tag`);
      else if (team !== undefined) fromName(r, "name", team);
    } else if (r.type === ASSOCIATION_TYPE) {
      const team = fromTag(r);
      // Both names are claims: an association running another team's document names two teams.
      const byAssociationName = fromName(r, "associationName", team || undefined);
      const byDocument = fromName(r, "name", team || undefined);
      const namesUnknown = isUnknown(reveal(r.props.associationName)) || isUnknown(reveal(r.props.name));
      if (team === false && !byAssociationName && !byDocument && !namesUnknown)
        undetermined(
          r,
          `neither a ${TAG.team} tag nor its names (associationName ${JSON.stringify(str(r.props.associationName) ?? null)}, document ${JSON.stringify(str(r.props.name) ?? null)}) name a registered team (retrain-<environment>-<team>-…)`,
        );
      fromPrefix(r, "outputLocation.s3KeyPrefix", str(at(r.props, "outputLocation", "s3KeyPrefix")));
      fromReach(r);
    } else if (r.type === TARGET_TYPE) {
      if (!windowOf(r, byUrn, resources)) undetermined(r, "it belongs to no maintenance window of the stack");
      fromReach(r);
    } else if (r.type === TASK_TYPE) {
      if (!windowOf(r, byUrn, resources)) undetermined(r, "it belongs to no maintenance window of the stack");
      // A task running a team document (`retrain-<env>-<team>-train`) claims that team; its roles
      // claim their environment (and a start/stop role its pool); its output prefix its team.
      fromName(r, "taskArn");
      fromRole(r, "serviceRoleArn", str(r.props.serviceRoleArn));
      for (const p of list(
        reveal(at(r.props, "taskInvocationParameters", "automationParameters", "parameters")),
      ))
        if (str(at(p, "name")) === "AutomationAssumeRole")
          for (const arn of knownStrings(at(p, "values"))) fromRole(r, "AutomationAssumeRole", arn);
      fromPrefix(
        r,
        "outputS3KeyPrefix",
        str(at(r.props, "taskInvocationParameters", "runCommandParameters", "outputS3KeyPrefix")),
      );
      for (const entry of list(reveal(r.props.targets))) {
        // A stack policy: an unknown entry fails closed (knownAt); an unknown key is judged at up.
        const key = reveal(knownAt(entry, "key"));
        if (isUnknown(key) || key === "WindowTargetIds") continue;
        undetermined(
          r,
          `its targets use key ${JSON.stringify(key)} instead of WindowTargetIds, so they bypass the window's pool target`,
        );
      }
    }
  }
  return ev;
}

/** One value all claims agree on; a violation naming the disagreeing ones otherwise. */
function agreed(claims: Claim[], what: string, stack: string): { value?: string; problem?: Violation } {
  const values = [...new Set(claims.map((c) => c.value))];
  if (values.length === 1) return { value: values[0] };
  if (values.length === 0)
    return {
      problem: {
        message: `the ${what} of stack "${stack}" cannot be determined from its resources (no tag, name or target names it), so tenant-grants fails closed. Fix: build the stack with the project's scheduling program.`,
      },
    };
  const first = claims.find((c) => c.value !== claims[0]?.value);
  const problem: Violation = {
    message: `the resources of stack "${stack}" name more than one ${what}: ${claims.map((c) => `${c.where} → "${c.value}"`).join("; ")}. Fix: a team stack serves one team in one environment; use the team's own stack for each.`,
  };
  if (first?.urn) problem.urn = first.urn;
  return { problem };
}

/** The policy reading the registry from `locate()` (tests pass their own files). */
export function tenantGrantsPolicy(
  locate: () => string | undefined = packRegistryFile,
): StackPolicyDef<typeof tenantGrantsConfig> {
  return defineStackPolicy({
    name: "tenant-grants",
    description: `A team's stack may use only the environment and pools its entry in the tenant registry (${TENANT_REGISTRY_PATH}) grants; a schedule resource whose team, environment or pool cannot be told fails closed.`,
    remediation: `Schedule only on the environment and pools the team is granted; a new grant is a change to ${TENANT_REGISTRY_PATH}, reviewed by security.`,
    enforcementLevel: "mandatory",
    config: tenantGrantsConfig,
    check(resources): Violation[] {
      if (!isTeamStack(resources)) return [];
      const file = locate();
      if (!file)
        return [
          {
            message: `no tenant registry: there is no ${TENANT_REGISTRY_PATH} at or above the policy pack (${dirname(fileURLToPath(import.meta.url))}), so no team stack can be shown to stay within its grants. Fix: run the pack from the repository checkout that holds ${TENANT_REGISTRY_PATH}.`,
          },
        ];
      let loaded: LoadedTenantRegistry;
      try {
        loaded = loadTenantRegistry(file);
      } catch (e) {
        return [
          {
            message: `the tenant registry ${file} is invalid, so no team stack can be shown to stay within its grants: ${(e as Error).message.replace(/\s+/g, " ")}. Fix: correct "${file}" (schema in packages/config/src/tenants.ts).`,
          },
        ];
      }
      const ev = gather(resources, loaded);
      const out: Violation[] = [...ev.problems];
      const id = stackOfUrn(resources[0]?.urn ?? "");
      const stack = id ? `${id.project}/${id.stack}` : "(unknown)";
      const team = agreed(ev.teams, "team", stack);
      const env = agreed(ev.environments, "environment", stack);
      if (team.problem) out.push(team.problem);
      if (env.problem) out.push(env.problem);
      if (team.value === undefined || env.value === undefined) return out;
      const pools = [...new Map(ev.pools.map((p) => [p.value, p])).values()];
      const where = new Map(pools.map((p) => [p.where, p]));
      const registryFile = TENANT_REGISTRY_PATH;
      for (const problem of checkTenancy(
        loaded.registry,
        {
          team: team.value,
          environment: env.value,
          pools: pools.map((p) => ({ pool: p.value, key: p.where })),
        },
        registryFile,
      )) {
        const claim = where.get(problem.key);
        const v: Violation = {
          message: `${claim ? `${claim.where}: ` : ""}${problem.message}. ${FIX}`,
        };
        const urn = claim?.urn ?? ev.teams.find((c) => c.urn)?.urn;
        if (urn) v.urn = urn;
        out.push(v);
      }
      return out;
    },
  });
}

export const tenantGrants = tenantGrantsPolicy();
