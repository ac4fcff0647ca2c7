import { z } from "zod";
import { nonBlank } from "../config-fields.js";
import { PROJECT_EXEMPTIONS } from "../exemptions.js";
import { documentsOf, IAM_RESOURCE_TYPES, policyArnsOf } from "../iam/locate.js";
import { checkDocument, checkPolicyArn, type IamFinding } from "../iam/rules.js";
import { defineResourcePolicy, type Violation } from "../policy-kit.js";

const allowlistEntry = z
  .strictObject({
    action: nonBlank("action")
      .optional()
      .describe(
        'Exempt this action (exact, case-insensitive, e.g. "kms:*"); with urn, only on that resource.',
      ),
    urn: nonBlank("urn")
      .optional()
      .describe("Exempt findings on the resource with this Pulumi URN (all of them unless action is set)."),
    justification: nonBlank("justification").describe(
      "Why the exemption is safe; reviewed by security (CODEOWNERS).",
    ),
  })
  .refine(
    (e) => e.action !== undefined || e.urn !== undefined,
    "an allowlist entry needs an action, a urn or both",
  )
  // The same rule for the JSON schema the Pulumi CLI validates with (zod cannot express refine there).
  .meta({ anyOf: [{ required: ["action"] }, { required: ["urn"] }] });

export type AllowlistEntry = z.infer<typeof allowlistEntry>;

export const noWildcardIamConfig = z.strictObject({
  allowlist: z.array(allowlistEntry).default([]).describe("Exemptions, each with a justification."),
  additionalAdminPolicies: z
    .array(nonBlank("policy name"))
    .default([])
    .describe(
      'More AWS managed policy names (e.g. "job-function/NetworkAdministrator") to treat as admin-like.',
    ),
});

/** Compiled allowlist URN patterns: the same few patterns (exemptions, config) for every finding. */
const urnPatterns = new Map<string, RegExp>();

/** `*` in an allowlist URN matches any run of characters; everything else literally. */
function urnMatches(pattern: string, urn: string): boolean {
  if (!pattern.includes("*")) return pattern === urn;
  let re = urnPatterns.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .split("*")
        .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
    urnPatterns.set(pattern, re);
  }
  return re.test(urn);
}

function exempt(f: IamFinding, urn: string, allowlist: readonly AllowlistEntry[]): boolean {
  return allowlist.some((e) => {
    if (e.urn !== undefined && !urnMatches(e.urn, urn)) return false;
    if (e.action !== undefined)
      return f.action !== undefined && f.action.toLowerCase() === e.action.toLowerCase();
    return true;
  });
}

export const noWildcardIam = defineResourcePolicy({
  name: "no-wildcard-iam",
  description:
    'IAM documents must not allow wildcard actions, NotAction/NotResource, Resource "*" for actions with resource-level permissions, any principal, or admin-like AWS managed policies.',
  remediation:
    "Name the exact actions and resource ARNs, narrow trust policies to a named principal with aws:SourceAccount/aws:SourceArn conditions, and attach customer managed policies instead of admin-like AWS managed ones. If an exemption is really needed, add an allowlist entry with a justification to the pack config (reviewed by security).",
  enforcementLevel: "mandatory",
  config: noWildcardIamConfig,
  resourceTypes: IAM_RESOURCE_TYPES,
  async check(resource, config): Promise<Violation[]> {
    const findings: IamFinding[] = [];
    for (const doc of documentsOf(resource.type, resource.props))
      findings.push(...(await checkDocument(doc)));
    for (const arn of policyArnsOf(resource.type, resource.props))
      findings.push(...checkPolicyArn(arn, config.additionalAdminPolicies));
    if (findings.length === 0) return [];
    const allowlist = [...PROJECT_EXEMPTIONS, ...config.allowlist];
    return findings
      .filter((f) => !exempt(f, resource.urn, allowlist))
      .map((f) => ({
        message: `[${f.rule}] ${resource.type.split(":").pop()} "${resource.name}": ${f.message}`,
      }));
  },
});
