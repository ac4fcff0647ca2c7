/**
 * How much a Resource entry covers. Decision (documented in docs/policy-pack.md):
 * - `*`, or an ARN whose resource part is only wildcards (`arn:aws:s3:::*`, `arn:aws:ec2:*:*:*`),
 *   covers every resource of the service: treated like `*`.
 * - An ARN whose resource part is a resource type's literal prefix followed only by wildcards
 *   (`arn:aws:ec2:eu-west-1:123456789012:instance/*`, `arn:aws:iam::123456789012:role/*`) covers
 *   every resource of that type: allowed only with a narrowing Condition (e.g. on a resource tag).
 * - A `*` ending the last of fewer than six segments matches across colons (IAM's rule), so
 *   `arn:aws:s3:*` is every S3 resource and `arn:*` everything.
 * - Anything naming part of a resource (`arn:aws:s3:::my-bucket/*`, `instance/i-0abc*`) is scoped.
 */
import { resourceTypePrefixes } from "./actions.js";

export type ResourceScope =
  | { kind: "everything" }
  | { kind: "whole-type"; service: string; resourceType: string }
  | { kind: "scoped" };

const ONLY_WILDCARDS = /^[*?]+$/;

export async function resourceScope(resource: string): Promise<ResourceScope> {
  if (ONLY_WILDCARDS.test(resource)) return { kind: "everything" };
  const parts = resource.split(":");
  if (parts[0]?.toLowerCase() !== "arn") return { kind: "scoped" };
  if (parts.length < 6) {
    // IAM lets a * that ends a segment match across colons: "arn:aws:s3:*" is every S3 resource and
    // "arn:*" everything, so the missing segments are wildcards. Short of that the ARN is malformed
    // (AWS rejects the policy) and covers nothing.
    if (!parts[parts.length - 1]?.endsWith("*")) return { kind: "scoped" };
    while (parts.length < 6) parts.push("*");
  }
  const service = parts[2] ?? "";
  const resourcePart = parts.slice(5).join(":");
  if (ONLY_WILDCARDS.test(resourcePart)) return { kind: "everything" };
  if (ONLY_WILDCARDS.test(service)) return { kind: "everything" };
  const prefixes = await resourceTypePrefixes(service);
  for (const [resourceType, prefix] of prefixes) {
    if (resourcePart.toLowerCase().startsWith(prefix.toLowerCase())) {
      const rest = resourcePart.slice(prefix.length);
      if (ONLY_WILDCARDS.test(rest)) return { kind: "whole-type", service, resourceType };
    }
  }
  return { kind: "scoped" };
}
