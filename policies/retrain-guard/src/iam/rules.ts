/**
 * The no-wildcard IAM rules over one located document or managed-policy ARN. Each finding carries
 * what was found, where (field, statement) and how to fix it; the policy adds the resource name.
 */

import { at, isUnknown, reveal } from "../values.js";
import { isWildcardAction, resourceLevel } from "./actions.js";
import { adminPolicyIn, awsManagedPolicyName } from "./admin-policies.js";
import { resourceScope } from "./arn.js";
import { arnNarrows, hasNarrowingCondition } from "./conditions.js";
import { describeStatement, type Principal, parsePolicyDocument, type Statement } from "./document.js";
import type { LocatedDocument, LocatedPolicyArn } from "./locate.js";

export type IamRule =
  | "unparseable-document"
  | "wildcard-action"
  | "not-action"
  | "not-resource"
  | "wildcard-resource"
  | "open-principal"
  | "service-without-source"
  | "not-principal"
  | "admin-managed-policy"
  | "unreviewed-managed-policy";

export interface IamFinding {
  rule: IamRule;
  /** Property path, e.g. `assumeRolePolicy` or `inlinePolicies[0].policy`. */
  field: string;
  /** `statement #0 (Sid "X")` when the finding is about a statement. */
  statement?: string;
  /** The action concerned, for allowlisting by action. */
  action?: string;
  /** What was found and how to fix it (without the resource name). */
  message: string;
  /** The Resource entry the finding is about, for exemptions bound to a resource (exemptions.ts). */
  resource?: string;
}

export async function checkDocument(doc: LocatedDocument): Promise<IamFinding[]> {
  const malformed = (reason: string): IamFinding[] => [
    {
      rule: "unparseable-document",
      field: doc.field,
      message: `the policy document in ${doc.field} cannot be read: ${reason}. Fix: pass a valid IAM policy document (JSON string or object with a non-empty "Statement" array).`,
    },
  ];
  if (doc.problem) return malformed(doc.problem);
  const parsed = parsePolicyDocument(doc.value, {
    // IAM rejects an identity or resource-based statement without Resource/NotResource, and a trust or
    // resource-based statement without Principal/NotPrincipal ("Statements must include either a
    // Resource or a NotResource element", IAM JSON policy elements: Resource).
    resource: doc.kind === "identity" || doc.kind === "resource",
    principal: doc.kind !== "identity",
  });
  if (parsed.kind === "unknown") return [];
  if (parsed.kind === "absent" || parsed.kind === "empty") {
    if (!doc.required) return [];
    return malformed(
      parsed.kind === "empty"
        ? "it is an empty string, which grants nothing (AWS rejects it or the provider drops it)"
        : "it is missing, and the resource needs one",
    );
  }
  if (parsed.kind === "invalid") return malformed(parsed.reason);
  const findings: IamFinding[] = [];
  for (const st of parsed.statements) {
    if (st.effect !== "Allow") continue;
    const where = `${describeStatement(st)} of ${doc.field}`;
    const base = { field: doc.field, statement: describeStatement(st) };
    for (const action of st.action ?? []) {
      if (isWildcardAction(action)) {
        findings.push({
          ...base,
          rule: "wildcard-action",
          action,
          message: `${where} allows Action "${action}", a wildcard. Fix: list the exact actions needed (e.g. "ssm:SendCommand" instead of "ssm:*").`,
        });
      }
    }
    if (st.notAction) {
      findings.push({
        ...base,
        rule: "not-action",
        message: `${where} uses NotAction with Allow (${st.notAction.join(", ")}), which allows every other action. Fix: use Action with the exact actions needed.`,
      });
    }
    if (st.notResource) {
      findings.push({
        ...base,
        rule: "not-resource",
        message: `${where} uses NotResource with Allow (${st.notResource.join(", ")}), which allows every other resource. Fix: use Resource with the exact ARNs.`,
      });
    }
    if (doc.kind === "identity" || doc.kind === "resource")
      findings.push(...(await checkResources(st, where, base)));
    if (doc.kind !== "identity")
      findings.push(...(await checkPrincipal(st, doc.kind === "trust", where, base)));
    if (doc.kind === "resource") findings.push(...(await checkServicePrincipal(st, where, base)));
  }
  return findings;
}

async function checkResources(
  st: Statement,
  where: string,
  base: { field: string; statement: string },
): Promise<IamFinding[]> {
  const findings: IamFinding[] = [];
  const actions = (st.action ?? []).filter((a) => !isWildcardAction(a));
  if (actions.length === 0) return findings;
  for (const resource of st.resource ?? []) {
    for (const action of actions) {
      const level = await resourceLevel(action);
      if (level.kind === "wildcard-only") continue;
      const scope = await resourceScope(resource, action);
      if (scope.kind === "scoped") continue;
      if (scope.kind === "whole-type" && (await hasNarrowingCondition(st, "resource"))) continue;
      const covers =
        scope.kind === "everything"
          ? `every resource ("${resource}")`
          : `every ${scope.service} ${scope.resourceType} ("${resource}") with no narrowing Condition`;
      const why =
        level.kind === "unknown-action"
          ? `"${action}" is not in AWS's service authorization data, so it cannot be shown to lack resource-level permissions`
          : `"${action}" supports resource-level permissions (${level.resourceTypes.join(", ")})`;
      const fix =
        scope.kind === "everything"
          ? `name the resources' ARNs (e.g. arn:aws:ssm:<region>:<account>:document/<name>)`
          : `name the resources, or add a Condition that narrows them (e.g. "StringEquals": {"aws:ResourceTag/retrain:fleet": "<fleet>"})`;
      findings.push({
        ...base,
        rule: "wildcard-resource",
        action,
        resource,
        message: `${where} allows ${action} on ${covers}; ${why}. Fix: ${fix}.`,
      });
    }
  }
  return findings;
}

/**
 * The bare web identity providers (Principal {"Federated": "<host>"}, no IAM OIDC provider): anyone
 * who signs in there gets a token, so the role is open unless the audience (the app) or subject is
 * tested. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
 */
const WEB_IDENTITY_PROVIDERS = new Set([
  "cognito-identity.amazonaws.com",
  "accounts.google.com",
  "graph.facebook.com",
  "www.amazon.com",
]);

/** How a principal is open to anyone (none: it is not). */
type Openness =
  /** `*` in Principal: needs any narrowing condition. */
  | { kind: "any" }
  /** A web identity federation: needs a narrowing condition on one of `keys`. */
  | { kind: "federated"; provider: string; keys: string[] };

/**
 * How a Principal is open. Federated: an IAM OIDC provider (`oidc-provider/<host>`) trusts every
 * token its issuer signs — for token.actions.githubusercontent.com every workflow of every GitHub
 * repository — so only a `<host>:sub` test names who may assume the role. GitHub: "you must define at
 * least one condition, so that untrusted repositories can't request access tokens for your cloud
 * resources" (https://docs.github.com/en/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws);
 * AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html. An `aud`
 * test alone names the app (sts.amazonaws.com for every GitHub workflow), not the caller. A SAML
 * provider (`saml-provider/...`) is the account's own IdP.
 * Anything else under Federated is unknown to us: treated as `*` (fail closed).
 */
function openness(p: Principal | undefined): Openness[] {
  if (p === undefined) return [];
  if (p === "*") return [{ kind: "any" }];
  const out: Openness[] = [];
  for (const [kind, values] of Object.entries(p)) {
    for (const v of values) {
      if (v === "*") {
        out.push({ kind: "any" });
        continue;
      }
      if (kind !== "Federated") continue;
      const oidc = /^arn:[^:]+:iam::[^:]*:oidc-provider\/(.+)$/i.exec(v);
      if (oidc?.[1]) {
        out.push({ kind: "federated", provider: oidc[1], keys: [`${oidc[1]}:sub`] });
        continue;
      }
      if (/^arn:[^:]+:iam::[^:]*:saml-provider\/.+$/i.test(v)) continue;
      const bare = v.toLowerCase();
      if (WEB_IDENTITY_PROVIDERS.has(bare)) {
        out.push({ kind: "federated", provider: v, keys: [`${bare}:aud`, `${bare}:sub`] });
        continue;
      }
      out.push({ kind: "any" });
    }
  }
  return out;
}

async function checkPrincipal(
  st: Statement,
  trust: boolean,
  where: string,
  base: { field: string; statement: string },
): Promise<IamFinding[]> {
  const findings: IamFinding[] = [];
  const what = trust ? "lets any principal assume the role" : "grants access to any principal";
  const open = openness(st.principal);
  if (open.some((o) => o.kind === "any") && !(await hasNarrowingCondition(st, "principal"))) {
    findings.push({
      ...base,
      rule: "open-principal",
      message: `${where} ${what} (Principal "*") without a narrowing Condition. Fix: name the principal (e.g. {"Service": "ssm.amazonaws.com"}) and add aws:SourceAccount / aws:SourceArn conditions.`,
    });
  }
  for (const o of open) {
    if (o.kind !== "federated" || (await hasNarrowingCondition(st, o.keys))) continue;
    const keys = o.keys.map((k) => `"${k}"`).join(" or ");
    findings.push({
      ...base,
      rule: "open-principal",
      message: `${where} ${trust ? "lets" : "gives"} anyone with a token from ${o.provider} ${trust ? "assume the role" : "access"}: no narrowing Condition (StringEquals/StringLike with a concrete value) tests ${keys}. Fix: add e.g. "StringEquals": {"${o.provider.toLowerCase()}:sub": "<subject>"} (for GitHub: "repo:<org>/<repo>:ref:refs/heads/main").`,
    });
  }
  if (st.notPrincipal) {
    findings.push({
      ...base,
      rule: "not-principal",
      message: `${where} uses NotPrincipal with Allow, which ${what} except the ones listed. Fix: use Principal with the exact principals.`,
    });
  }
  return findings;
}

/** The AWS service principals of a Principal (`{"Service": "sns.amazonaws.com"}`). */
function servicePrincipals(p: Principal | undefined): string[] {
  if (p === undefined || p === "*") return [];
  return Object.entries(p)
    .filter(([kind]) => kind === "Service")
    .flatMap(([, values]) => values)
    .filter((v) => v !== "*");
}

/**
 * A resource policy granting an AWS service: any account's use of that service is that principal,
 * so without aws:SourceArn (with an account) or aws:SourceAccount/aws:SourceOrgID, another
 * account's bucket, rule or alarm can act on this resource through the service ("the confused
 * deputy", https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). Trust policies
 * are not judged here (a role for ec2.amazonaws.com has no source to name); key policies
 * (resource-implied) neither: SNS does not support the keys there for EventBridge.
 */
async function checkServicePrincipal(
  st: Statement,
  where: string,
  base: { field: string; statement: string },
): Promise<IamFinding[]> {
  const services = servicePrincipals(st.principal);
  if (services.length === 0 || (await hasNarrowingCondition(st, "principal"))) return [];
  return [
    {
      ...base,
      rule: "service-without-source",
      message: `${where} grants the service principal ${services.map((v) => `"${v}"`).join(", ")} without a Condition naming the source: any account's use of the service could act on this resource (confused deputy). Fix: add "ArnEquals": {"aws:SourceArn": "<the rule, bucket or alarm ARN>"} and "StringEquals": {"aws:SourceAccount": "<account>"}.`,
    },
  ];
}

export interface ManagedPolicyConfig {
  additionalAdminPolicies: readonly string[];
  /** AWS managed policy names reviewed as needed (the pack config's `allowedManagedPolicies`). */
  allowedManagedPolicies: readonly string[];
}

/**
 * An AWS managed policy's document is AWS's, not in the stack: the pack cannot read it, and most
 * grant on Resource "*" (AmazonSSMManagedInstanceCore: ssm:GetParameter(s) on every parameter;
 * ReadOnlyAccess: every read of every team's data). So fail closed: an admin-like one is always
 * refused, any other needs a reviewed entry in `allowedManagedPolicies`. Customer managed policies
 * (an account id instead of `aws`) are documents checked where they are defined.
 */
export function checkPolicyArn(located: LocatedPolicyArn, config: ManagedPolicyConfig): IamFinding[] {
  const admin = adminPolicyIn(located.arn, config.additionalAdminPolicies);
  if (admin) {
    return [
      {
        rule: "admin-managed-policy",
        field: located.field,
        message: `${located.field} attaches the AWS managed policy ${admin} ("${located.arn}"), which grants administrator-like access. Fix: attach a customer managed policy with the exact actions and resources needed.`,
      },
    ];
  }
  const name = awsManagedPolicyName(located.arn);
  if (name === undefined) return [];
  const lower = name.toLowerCase();
  if (config.allowedManagedPolicies.some((n) => n.toLowerCase() === lower)) return [];
  return [
    {
      rule: "unreviewed-managed-policy",
      field: located.field,
      message: `${located.field} attaches the AWS managed policy ${name} ("${located.arn}"), whose document the pack cannot read (most AWS managed policies grant on Resource "*", across every team's resources). Fix: attach a customer managed policy with the exact actions and resources needed, or, after security review, add {"name": "${name}", "justification": "..."} to the pack config's allowedManagedPolicies.`,
    },
  ];
}

/** Unknown during preview: it will be set, and is judged again with its value at update. */
const LATER = Symbol("unknown until update");

/** A set property of a Lambda permission that names something, {@link LATER}, or undefined. */
function setValue(props: unknown, field: string): string | typeof LATER | undefined {
  const v = reveal(at(props, field));
  if (isUnknown(v)) return LATER;
  return typeof v === "string" && !/^[*?]*$/.test(v.trim()) ? v : undefined;
}

/** Whether a Lambda permission's source fields name who may call (see {@link checkLambdaPermission}). */
async function permissionNarrowed(props: unknown): Promise<boolean> {
  const account = setValue(props, "sourceAccount");
  if (account === LATER || (account !== undefined && /^\d{12}$/.test(account))) return true;
  if (setValue(props, "principalOrgId") !== undefined) return true;
  const source = setValue(props, "sourceArn");
  return source === LATER || (source !== undefined && (await arnNarrows(source)));
}

/**
 * aws:lambda/permission:Permission adds a statement to the function's resource-based policy. With
 * principal "*" anyone may invoke the function, and with a service principal any account's use of
 * that service ("If you grant permission to a service principal without specifying the source,
 * other accounts could potentially configure resources in their account to invoke your Lambda
 * function", AddPermission,
 * https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html), unless the statement
 * carries a sourceAccount, a principalOrgId or a sourceArn that names an account (an S3 bucket's ARN
 * has none: with it, sourceAccount too). Its action is one action (`lambda:*` grants them all).
 */
export async function checkLambdaPermission(props: unknown): Promise<IamFinding[]> {
  const findings: IamFinding[] = [];
  const action = reveal(at(props, "action"));
  if (typeof action === "string" && !isUnknown(action) && isWildcardAction(action))
    findings.push({
      rule: "wildcard-action",
      field: "action",
      action,
      message: `action "${action}" is a wildcard: the permission grants every Lambda action it matches. Fix: name the one action (e.g. "lambda:InvokeFunction").`,
    });
  const principal = reveal(at(props, "principal"));
  if (typeof principal !== "string" || isUnknown(principal)) return findings;
  const service = /\.amazonaws\.com(\.cn)?$/i.test(principal);
  if ((principal !== "*" && !service) || (await permissionNarrowed(props))) return findings;
  // No `action` on the finding: an allowlisted action (e.g. lambda:InvokeFunction) must not exempt a
  // function open to everyone.
  findings.push({
    rule: principal === "*" ? "open-principal" : "service-without-source",
    field: "principal",
    message:
      principal === "*"
        ? `principal "*" lets any principal invoke the function: none of sourceAccount, principalOrgId, or a sourceArn naming an account is set. Fix: name the principal (e.g. "events.amazonaws.com") and set sourceArn (and sourceAccount), or principalOrgId.`
        : `principal "${principal}" with no sourceAccount, principalOrgId, or sourceArn naming an account lets any account's use of the service invoke the function (confused deputy). Fix: set sourceArn to the calling resource's ARN and sourceAccount to its account.`,
  });
  return findings;
}

/**
 * aws:lambda/layerVersionPermission:LayerVersionPermission with principal "*" shares the layer with
 * every AWS account unless organizationId limits it to one organization.
 */
export function checkLayerPermission(props: unknown): IamFinding[] {
  const principal = reveal(at(props, "principal"));
  if (principal !== "*") return [];
  const org = reveal(at(props, "organizationId"));
  if (isUnknown(org) || (typeof org === "string" && org.trim() !== "")) return [];
  return [
    {
      rule: "open-principal",
      field: "principal",
      message: `principal "*" shares the layer version with every AWS account. Fix: name the account, or set organizationId.`,
    },
  ];
}
