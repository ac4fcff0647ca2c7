import { z } from "zod";
import { nonBlank } from "../config-fields.js";
import { PROJECT_EXEMPTIONS } from "../exemptions.js";
import {
  documentsOf,
  IAM_RESOURCE_TYPES,
  LAMBDA_PERMISSION,
  LAYER_PERMISSION,
  policyArnsOf,
} from "../iam/locate.js";
import {
  checkDocument,
  checkLambdaPermission,
  checkLayerPermission,
  checkPolicyArn,
  type IamFinding,
  type IamRule,
} from "../iam/rules.js";
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

/**
 * A project exemption (src/exemptions.ts) may also be bound to the Resource entry of the finding:
 * `resource` is an ARN pattern (`*` matches within one ARN segment, i.e. no `:`), and the entry then
 * exempts only findings about that resource, never the same action on another (e.g. on "*").
 */
export type ProjectExemption = AllowlistEntry & {
  resource?: string;
  /** Only findings of this rule (e.g. `service-without-source` on a policy AWS gives no source key). */
  rule?: IamRule;
};

const managedPolicyEntry = z.strictObject({
  name: nonBlank("name").describe(
    'AWS managed policy name with its path, as in arn:aws:iam::aws:policy/<name> (e.g. "AmazonSSMReadOnlyAccess").',
  ),
  justification: nonBlank("justification").describe(
    "Why the policy's document (read from AWS) is acceptable; reviewed by security (CODEOWNERS).",
  ),
});
export const noWildcardIamConfig = z.strictObject({
  allowlist: z.array(allowlistEntry).default([]).describe("Exemptions, each with a justification."),
  additionalAdminPolicies: z
    .array(nonBlank("policy name"))
    .default([])
    .describe(
      'More AWS managed policy names (e.g. "job-function/NetworkAdministrator") to treat as admin-like.',
    ),
  allowedManagedPolicies: z
    .array(managedPolicyEntry)
    .default([])
    .describe(
      "AWS managed policies reviewed as acceptable, each with a justification; any other AWS managed policy is refused (admin-like ones always are).",
    ),
});

/** Compiled allowlist URN and resource patterns: the same few patterns for every finding. */
const globPatterns = new Map<string, RegExp>();

/**
 * `*` matches any run of characters that does not contain `stop`; everything else literally. For
 * URNs `stop` is "::" (the separator of stack, project, type and name): a `*` standing for the stack
 * cannot swallow a resource name that embeds "::retrain-iam::..." and so forge a match.
 */
function globMatches(pattern: string, text: string, stop: string, flags = ""): boolean {
  if (!pattern.includes("*"))
    return flags.includes("i") ? pattern.toLowerCase() === text.toLowerCase() : pattern === text;
  const key = `${stop}\u0000${flags}\u0000${pattern}`;
  let re = globPatterns.get(key);
  if (!re) {
    const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const any = stop.length === 1 ? `[^${esc(stop)}]*` : `(?:(?!${esc(stop)})[\\s\\S])*`;
    re = new RegExp(`^${pattern.split("*").map(esc).join(any)}$`, flags);
    globPatterns.set(key, re);
  }
  return re.test(text);
}

/** `*` in an allowlist URN matches within one `::`-separated URN segment. */
export function urnMatches(pattern: string, urn: string): boolean {
  return globMatches(pattern, urn, "::");
}

/** `*` in an exemption's resource pattern matches within one `:`-separated ARN segment. */
export function resourceMatches(pattern: string, resource: string): boolean {
  return globMatches(pattern, resource, ":", "i");
}

function exempt(f: IamFinding, urn: string, allowlist: readonly ProjectExemption[]): boolean {
  return allowlist.some((e) => {
    if (e.urn !== undefined && !urnMatches(e.urn, urn)) return false;
    if (e.rule !== undefined && f.rule !== e.rule) return false;
    if (e.resource !== undefined && (f.resource === undefined || !resourceMatches(e.resource, f.resource)))
      return false;
    if (e.action !== undefined)
      return f.action !== undefined && f.action.toLowerCase() === e.action.toLowerCase();
    return true;
  });
}

export const noWildcardIam = defineResourcePolicy({
  name: "no-wildcard-iam",
  description:
    'IAM documents must not allow wildcard actions, NotAction/NotResource, Resource "*" for actions with resource-level permissions, any principal (web identity federation included, unless its subject is tested), a service principal in a resource policy without a source condition, admin-like or unreviewed AWS managed policies, or Lambda permissions open to everyone or to a service without a source.',
  remediation:
    "Name the exact actions and resource ARNs, narrow trust policies to a named principal with aws:SourceAccount/aws:SourceArn conditions (web identity roles: a <provider>:sub condition), and attach customer managed policies instead of AWS managed ones (or list a reviewed one in allowedManagedPolicies). If an exemption is really needed, add an allowlist entry with a justification to the pack config (reviewed by security).",
  enforcementLevel: "mandatory",
  config: noWildcardIamConfig,
  resourceTypes: IAM_RESOURCE_TYPES,
  async check(resource, config): Promise<Violation[]> {
    const findings: IamFinding[] = [];
    for (const doc of documentsOf(resource.type, resource.props))
      findings.push(...(await checkDocument(doc)));
    for (const arn of policyArnsOf(resource.type, resource.props))
      findings.push(
        ...checkPolicyArn(arn, {
          additionalAdminPolicies: config.additionalAdminPolicies,
          allowedManagedPolicies: config.allowedManagedPolicies.map((e) => e.name),
        }),
      );
    if (resource.type === LAMBDA_PERMISSION) findings.push(...(await checkLambdaPermission(resource.props)));
    if (resource.type === LAYER_PERMISSION) findings.push(...checkLayerPermission(resource.props));
    if (findings.length === 0) return [];
    const allowlist: ProjectExemption[] = [...PROJECT_EXEMPTIONS, ...config.allowlist];
    return findings
      .filter((f) => !exempt(f, resource.urn, allowlist))
      .map((f) => ({
        message: `[${f.rule}] ${resource.type.split(":").pop()} "${resource.name}": ${f.message}`,
      }));
  },
});
