/**
 * The tenant registry as the pack reads it (policies/tenants.yaml, owned by security): where it is,
 * and which teams share a pool. The registry is the one found upward from this module (the pack's
 * own checkout, e.g. the base branch in CI) or the one `RETRAIN_TENANT_REGISTRY` names (the offline
 * plan's workspace), never one the stack names.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import {
  findTenantRegistry,
  type LoadedTenantRegistry,
  loadTenantRegistry,
  TENANT_REGISTRY_ENV,
  type TenantRegistry,
} from "@retrain/config/tenants";

/**
 * Where the pack looks: the file `RETRAIN_TENANT_REGISTRY` names (the offline plan's workspace), else
 * the nearest policies/tenants.yaml above this module (src/ or dist/).
 */
export function packRegistryFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env[TENANT_REGISTRY_ENV];
  if (named) return named;
  return findTenantRegistry(dirname(fileURLToPath(import.meta.url)));
}

/** The registry, or why it cannot be read (tenant-grants reports that on every team stack). */
export type PackRegistry = { ok: true; loaded: LoadedTenantRegistry } | { ok: false; reason: string };

/** Loads the registry `locate()` names; the loader caches it by the file's stat and content. */
export function packRegistry(locate: () => string | undefined = packRegistryFile): PackRegistry {
  const file = locate();
  if (!file) return { ok: false, reason: "there is no tenant registry at or above the policy pack" };
  try {
    return { ok: true, loaded: loadTenantRegistry(file) };
  } catch (e) {
    return {
      ok: false,
      reason: `the tenant registry ${file} is invalid: ${(e as Error).message.replace(/\s+/g, " ")}`,
    };
  }
}

/** `environment\0pool` → the teams granted it, sorted; computed once per parsed registry. */
const poolTeams = new WeakMap<TenantRegistry, ReadonlyMap<string, readonly string[]>>();

/**
 * The teams the registry grants `pool` of `environment`, sorted by name. A pool name in two
 * environments is two pools (two fleets, `retrain-<environment>`), as the plan's clash check keys them.
 */
export function teamsOnPool(registry: TenantRegistry, environment: string, pool: string): readonly string[] {
  let index = poolTeams.get(registry);
  if (!index) {
    const m = new Map<string, string[]>();
    for (const [team, tenant] of Object.entries(registry.teams))
      for (const g of tenant.grants)
        for (const p of new Set(g.pools)) {
          const key = `${g.environment}\u0000${p}`;
          const teams = m.get(key);
          if (teams) teams.push(team);
          else m.set(key, [team]);
        }
    for (const teams of m.values()) teams.sort();
    index = m;
    poolTeams.set(registry, index);
  }
  return index.get(`${environment}\u0000${pool}`) ?? [];
}
