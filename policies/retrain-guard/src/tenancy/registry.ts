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
} from "@retrain/config/tenants";

// Which teams the registry grants a pool: the registry's own question, answered in @retrain/config
// (`retrain team add` asks it too).
export { teamsOnPool } from "@retrain/config/tenants";

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
