/**
 * Whether a statement's Condition narrows it to named principals, sources or resources. Fail closed:
 * a test counts only when it cannot hold for "everyone but one" or "whoever asks".
 *
 * Why each rule (IAM JSON policy elements: Condition operators,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
 * - "If the key that you specify in a policy condition is not present in the request context, the
 *   values do not match and the condition is false. If the policy condition requires that the key is
 *   not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition
 *   is true." So negated operators (String/Arn/Numeric/DateNot*, NotIpAddress) hold when the key is
 *   absent and otherwise match everything but the values listed: never narrowing.
 * - `...IfExists` holds when the key is absent; `Null` only tests presence.
 * - `ForAllValues:` is true when the request's set is empty or the key is absent (multi-valued
 *   context keys, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
 * - Bool, Numeric*, Date*, IpAddress, Binary compare properties of the request (transport, time,
 *   address), not which principal or resource: they do not name anyone.
 * Only StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals, ArnLike (optionally
 * `ForAnyValue:`-prefixed, never IfExists) on a key that says who may call (for Principal "*") or
 * which resources (for a whole resource type) narrow: {@link NarrowingPurpose}. Keys the caller sets or that describe the request (aws:UserAgent, aws:Referer,
 * aws:SecureTransport, aws:RequestedRegion, aws:SourceIp, aws:RequestTag/*, aws:TagKeys, aws:CalledVia,
 * ... — AWS global condition context keys,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html) do not.
 *
 * Multiple values of one key are ORed, so a test narrows only when every value narrows (one
 * `"*"` among them matches everyone). Different keys and operators are ANDed, so one narrowing test
 * is enough for the statement.
 */

import { isUnknown, reveal } from "../values.js";
import { arnFormatsOfService } from "./actions.js";
import type { Statement } from "./document.js";

/** Positive matching operators (lower case, without a set prefix). */
const POSITIVE = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);

/**
 * What a condition must narrow, by where the statement is open:
 * - `principal`: Principal "*" (trust and resource policies). Only keys that say which account,
 *   organization, principal or calling resource the request comes from count. Keys the caller sets
 *   (sts:ExternalId, sts:RoleSessionName, sts:SourceIdentity), tags and names any account can give its
 *   own principals (aws:PrincipalTag/*, aws:username, aws:userid), a service name any account's use
 *   of that service carries (aws:PrincipalServiceName) and the resource's own tags (in a trust policy
 *   the resource is the role itself) name nobody.
 * - `resource`: a whole resource type (`instance/*`) in an identity policy. Only the resources' tags
 *   say which of them: a test of the caller (aws:PrincipalAccount, aws:SourceVpce) or of the
 *   resources' account or organization (aws:ResourceAccount: every resource of the type there, other
 *   teams' too) leaves every resource of the type reachable.
 */
export type NarrowingPurpose = "principal" | "resource";

const PRINCIPAL_KEYS = new Set(
  [
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
    "aws:SourceVpc",
    "aws:SourceVpce",
  ].map((k) => k.toLowerCase()),
);
/**
 * The PRINCIPAL_KEYS whose value is an id (account, organization, VPC, endpoint): it must be exact.
 * No resource key is listed: aws:ResourceAccount/ResourceOrgID narrow nothing (NarrowingPurpose).
 */
const ID_KEYS = new Set(
  [
    "aws:PrincipalOrgID",
    "aws:PrincipalAccount",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOwner",
    "aws:SourceVpc",
    "aws:SourceVpce",
  ].map((k) => k.toLowerCase()),
);
/** Organization paths (`o-xxx/r-xxx/ou-xxx/*`): the organization id, their first segment, must be exact. */
const ORG_PATH_KEYS = new Set(["aws:PrincipalOrgPaths", "aws:SourceOrgPaths"].map((k) => k.toLowerCase()));

const WILDCARD = /[*?]/;
/** GitHub Actions' subject claim, whose owner must be fixed (githubSubjectNarrows). */
const GITHUB_SUB = "token.actions.githubusercontent.com:sub";
const ONLY_WILDCARDS = /^[*?]*$/;

/** The operator's base name when it is a positive, non-IfExists, non-ForAllValues match; else undefined. */
function positiveOperator(operator: string): string | undefined {
  let op = operator.toLowerCase();
  if (op.startsWith("forallvalues:")) return undefined;
  if (op.startsWith("foranyvalue:")) op = op.slice("foranyvalue:".length);
  return POSITIVE.has(op) ? op : undefined;
}

/** Whether a condition key can narrow for `purpose` (see {@link NarrowingPurpose}). */
export function isIdentifyingKey(key: string, purpose: NarrowingPurpose): boolean {
  const k = key.toLowerCase();
  if (purpose === "principal") return PRINCIPAL_KEYS.has(k);
  // aws:ResourceTag/<key> and the services' own (ec2:ResourceTag/<key>, ssm:resourceTag/<key>).
  const colon = k.indexOf(":");
  return colon > 0 && k.slice(colon + 1).startsWith("resourcetag/");
}

/**
 * A policy variable: "the policy variables are replaced with values that come from the conditional
 * context keys passed in the request" (IAM policy elements: Variables and tags,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html). A test of a
 * key against a variable compares the request with itself (`aws:PrincipalAccount` =
 * `${aws:PrincipalAccount}` holds for everyone) or with what the caller brings (its tags): it names
 * nobody, so it never narrows (fail closed: write the value itself).
 */
const POLICY_VARIABLE = /\$\{/;

/**
 * Whether an ARN value names something: its service, region and account segments must hold no
 * wildcard, the account must be there, and the region may be empty only where the service's ARN
 * formats have none (IAM). An ARN without an account (an S3 bucket's) does not narrow alone: "If
 * the aws:SourceArn value does not contain the account ID, such as an Amazon S3 bucket ARN, you
 * must use both global condition context keys" (The confused deputy problem,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html): a deleted bucket's name
 * can be taken by anyone, so aws:SourceAccount must pin the owner too.
 */
export async function arnNarrows(value: string): Promise<boolean> {
  if (POLICY_VARIABLE.test(value)) return false;
  const parts = value.split(":");
  if (parts.length < 6) return false;
  const [, , service = "", region = "", account = ""] = parts;
  if (
    service === "" ||
    account === "" ||
    WILDCARD.test(service) ||
    WILDCARD.test(region) ||
    WILDCARD.test(account)
  )
    return false;
  // A fixed account pins it (arn:aws:ssm:<region>:<account>:* is AWS's documented form).
  if (region !== "") return true;
  // A service's list holds other services' types too (ssm lists s3 buckets and iam roles).
  const lower = service.toLowerCase();
  const formats = (await arnFormatsOfService(service)).filter((f) => f.service.toLowerCase() === lower);
  return formats.some((f) => f.region === "");
}

async function valueNarrows(key: string, raw: unknown): Promise<boolean> {
  const value = reveal(raw);
  // Unknown during preview (e.g. the account id output): judged again with the value at update.
  if (isUnknown(value)) return true;
  if (typeof value !== "string" || ONLY_WILDCARDS.test(value) || POLICY_VARIABLE.test(value)) return false;
  if (ID_KEYS.has(key)) return !WILDCARD.test(value);
  if (ORG_PATH_KEYS.has(key)) {
    const org = value.split("/")[0] ?? "";
    return org !== "" && !WILDCARD.test(org);
  }
  if (/^arn:/i.test(value)) return arnNarrows(value);
  if (key === GITHUB_SUB) return githubSubjectNarrows(value);
  // Any other value must be concrete: under StringLike, "retrain-*" is every fleet's tag (prod's
  // too), "system:serviceaccount:*" every service account, "*.apps.googleusercontent.com" every
  // Google app ("can include multi-character match wildcards (*) … anywhere in the string",
  // Condition operators). Only the GitHub subject has a rule for a wildcard after a fixed owner.
  return !WILDCARD.test(value);
}

/**
 * A GitHub subject (`repo:<owner>/<repo>:<context>`, https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims)
 * narrows only with its owner fixed: "repo:*" or "repo:a*" is any repository of anyone. A customized
 * subject without the repository ("environment:prod", "job_workflow_ref:...") is a claim any
 * repository can give its own tokens, so it does not narrow (fail closed: put `repo` in the template).
 */
function githubSubjectNarrows(value: string): boolean {
  const [claim = "", rest = ""] = value.split(/:(.*)/s);
  if (claim.toLowerCase() !== "repo") return false;
  const slash = rest.indexOf("/");
  return slash > 0 && !WILDCARD.test(rest.slice(0, slash));
}

/** The lower-cased condition keys of the statement that narrow it, among those `accepts` takes. */
export async function narrowingKeys(st: Statement, accepts: (key: string) => boolean): Promise<Set<string>> {
  const keys = new Set<string>();
  if (!st.condition) return keys;
  for (const [operator, block] of Object.entries(st.condition)) {
    if (!positiveOperator(operator)) continue;
    for (const [rawKey, value] of Object.entries(block)) {
      const key = rawKey.toLowerCase();
      if (keys.has(key) || !accepts(key)) continue;
      const revealed = reveal(value);
      const values = Array.isArray(revealed) ? (revealed as unknown[]) : [revealed];
      if (values.length === 0) continue;
      let all = true;
      for (const v of values) if (!(await valueNarrows(key, v))) all = false;
      if (all) keys.add(key);
    }
  }
  return keys;
}

/**
 * Whether a test of the statement's Condition narrows it for `purpose`, or on one of `keys`
 * (lower case; an identity provider's `<host>:sub`).
 */
export async function hasNarrowingCondition(
  st: Statement,
  on: NarrowingPurpose | readonly string[],
): Promise<boolean> {
  const accepts =
    typeof on === "string"
      ? (key: string) => isIdentifyingKey(key, on)
      : (key: string) => on.some((k) => k.toLowerCase() === key);
  return (await narrowingKeys(st, accepts)).size > 0;
}
