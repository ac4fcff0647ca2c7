/**
 * The no-wildcard IAM rules over one located document or managed-policy ARN. Each finding carries
 * what was found, where (field, statement) and how to fix it; the policy adds the resource name.
 */
import { isWildcardAction, resourceLevel } from "./actions.js";
import { adminPolicyIn } from "./admin-policies.js";
import { resourceScope } from "./arn.js";
import { hasNarrowingCondition } from "./conditions.js";
import { describeStatement, type Principal, parsePolicyDocument, type Statement } from "./document.js";
import type { LocatedDocument, LocatedPolicyArn } from "./locate.js";

export type IamRule =
  | "unparseable-document"
  | "wildcard-action"
  | "not-action"
  | "not-resource"
  | "wildcard-resource"
  | "open-principal"
  | "not-principal"
  | "admin-managed-policy";

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
  const parsed = parsePolicyDocument(doc.value);
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
    if (doc.kind !== "identity") findings.push(...checkPrincipal(st, doc.kind === "trust", where, base));
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
      if (scope.kind === "whole-type" && hasNarrowingCondition(st)) continue;
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
        message: `${where} allows ${action} on ${covers}; ${why}. Fix: ${fix}.`,
      });
    }
  }
  return findings;
}

function isOpen(p: Principal | undefined): boolean {
  if (p === undefined) return false;
  if (p === "*") return true;
  return Object.values(p).some((vs) => vs.includes("*"));
}

function checkPrincipal(
  st: Statement,
  trust: boolean,
  where: string,
  base: { field: string; statement: string },
): IamFinding[] {
  const findings: IamFinding[] = [];
  const what = trust ? "lets any principal assume the role" : "grants access to any principal";
  if (isOpen(st.principal) && !hasNarrowingCondition(st)) {
    findings.push({
      ...base,
      rule: "open-principal",
      message: `${where} ${what} (Principal "*") without a narrowing Condition. Fix: name the principal (e.g. {"Service": "ssm.amazonaws.com"}) and add aws:SourceAccount / aws:SourceArn conditions.`,
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

export function checkPolicyArn(
  located: LocatedPolicyArn,
  additionalAdminPolicies: readonly string[],
): IamFinding[] {
  const admin = adminPolicyIn(located.arn, additionalAdminPolicies);
  if (!admin) return [];
  return [
    {
      rule: "admin-managed-policy",
      field: located.field,
      message: `${located.field} attaches the AWS managed policy ${admin} ("${located.arn}"), which grants administrator-like access. Fix: attach a customer managed policy with the exact actions and resources needed.`,
    },
  ];
}
