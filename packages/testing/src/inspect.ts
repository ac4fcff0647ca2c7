/** Queries over a run's recorded resources that tests and reports keep needing. */
import type { RecordedResource, StackRunResult } from "@retrain/offline";

/** The recorded resources of one type token, in registration order. */
export function resourcesOfType(result: Pick<StackRunResult, "resources">, type: string): RecordedResource[] {
  return result.resources.filter((r) => r.type === type);
}

/** The one resource of `type` named `name`; throws listing the names there are when absent. */
export function resourceNamed(
  result: Pick<StackRunResult, "resources">,
  type: string,
  name: string,
): RecordedResource {
  const all = resourcesOfType(result, type);
  const found = all.find((r) => r.name === name);
  if (!found)
    throw new Error(`no ${type} named "${name}"; found: ${all.map((r) => r.name).join(", ") || "none"}`);
  return found;
}

/** Policy-carrying input properties per resource type. */
const POLICY_PROPERTIES: Record<string, string[]> = {
  "aws:iam/role:Role": ["assumeRolePolicy", "inlinePolicies"],
  "aws:iam/rolePolicy:RolePolicy": ["policy"],
  "aws:iam/policy:Policy": ["policy"],
  "aws:iam/userPolicy:UserPolicy": ["policy"],
  "aws:iam/groupPolicy:GroupPolicy": ["policy"],
  "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
  "aws:kms/key:Key": ["policy"],
};

export interface PolicyDocumentOf {
  resource: RecordedResource;
  /** `assumeRolePolicy`, `policy`, `inlinePolicies[0].policy`. */
  property: string;
  /** The document parsed (strings are JSON-parsed; objects are taken as written). */
  document: { Version?: string; Statement?: Record<string, unknown>[] | Record<string, unknown> };
}

/** Every IAM policy document in the run's resource inputs. Throws on a document that is not JSON. */
export function policyDocumentsOf(result: Pick<StackRunResult, "resources">): PolicyDocumentOf[] {
  const out: PolicyDocumentOf[] = [];
  const parse = (value: unknown, where: string): PolicyDocumentOf["document"] => {
    if (typeof value !== "string") return value as PolicyDocumentOf["document"];
    try {
      return JSON.parse(value) as PolicyDocumentOf["document"];
    } catch (e) {
      throw new Error(`${where} is not JSON: ${(e as Error).message}`);
    }
  };
  for (const resource of result.resources) {
    for (const property of POLICY_PROPERTIES[resource.type] ?? []) {
      const value = resource.inputs[property];
      if (value === undefined || value === null) continue;
      if (property === "inlinePolicies" && Array.isArray(value)) {
        value.forEach((p: { policy?: unknown }, i) => {
          if (p.policy !== undefined) {
            const where = `${resource.urn} inlinePolicies[${i}].policy`;
            out.push({ resource, property: `inlinePolicies[${i}].policy`, document: parse(p.policy, where) });
          }
        });
        continue;
      }
      out.push({ resource, property, document: parse(value, `${resource.urn} ${property}`) });
    }
  }
  return out;
}

/** A document's statements as an array (IAM allows a single object). */
export function statementsOf(document: PolicyDocumentOf["document"]): Record<string, unknown>[] {
  const s = document.Statement;
  if (s === undefined) return [];
  return Array.isArray(s) ? s : [s];
}
