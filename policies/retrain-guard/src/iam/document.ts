/**
 * IAM policy documents as Pulumi resources carry them: a JSON string or an object (the
 * `aws.iam.PolicyDocument` input), `Statement` as one object or an array, `Action`/`Resource` as a
 * string or an array. Parsing is strict where IAM is ambiguous-free and fails closed: a document we
 * cannot read is reported, never silently passed.
 */
import { parse as parseJsonAst } from "@humanwhocodes/momoa";
import { isRecord, isUnknown, reveal } from "../values.js";

type JsonNode = ReturnType<typeof parseJsonAst>["body"];

/**
 * The first key that appears twice in one object of `text` (already known to be valid JSON), with
 * where: JSON.parse keeps the last value, and nothing documents which one IAM evaluates, so
 * `{"Action": "s3:GetObject", "Action": "*"}` could read narrower here than it is on AWS. Our
 * programs render documents with JSON.stringify, which never repeats a key.
 */
export function duplicateKey(text: string): string | undefined {
  const walk = (node: JsonNode, where: string): string | undefined => {
    if (node.type === "Array") {
      for (const [i, el] of node.elements.entries()) {
        const found = walk(el.value, `${where}[${i}]`);
        if (found) return found;
      }
    }
    if (node.type !== "Object") return undefined;
    const seen = new Set<string>();
    for (const m of node.members) {
      const key = m.name.type === "String" ? m.name.value : m.name.name;
      if (seen.has(key))
        return `${where === "" ? "the document" : where} has the key "${key}" twice (line ${m.name.loc.start.line})`;
      seen.add(key);
      const found = walk(m.value, where === "" ? key : `${where}.${key}`);
      if (found) return found;
    }
    return undefined;
  };
  return walk(parseJsonAst(text).body, "");
}

/** The principal block: `"*"` or `{ AWS | Service | Federated | CanonicalUser: string[] }`. */
export type Principal = "*" | Record<string, string[]>;

export interface Statement {
  /** 0-based position in the Statement array (0 for a single statement object). */
  index: number;
  sid?: string;
  effect: "Allow" | "Deny";
  /** Known entries only; `unknownAction` tells that some were unknown during preview. */
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: Principal;
  notPrincipal?: Principal;
  condition?: Record<string, Record<string, unknown>>;
}

export type ParsedDocument =
  | { kind: "ok"; statements: Statement[] }
  | { kind: "unknown" }
  /** No value (undefined or null). */
  | { kind: "absent" }
  /** The empty string: no document to AWS (the provider skips it or reads "no policy" back as ""). */
  | { kind: "empty" }
  | { kind: "invalid"; reason: string };

/** Which elements the document's kind requires in every statement (AWS rejects the statement otherwise). */
export interface StatementNeeds {
  /** Resource or NotResource (identity and resource-based policies). */
  resource?: boolean;
  /** Principal or NotPrincipal (trust and resource-based policies, KMS key policies included). */
  principal?: boolean;
}

/**
 * The statement elements IAM knows. Keys are case-sensitive: "notresource" or "Actions" is no element
 * AWS reads as we would (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).
 */
const STATEMENT_KEYS = new Set([
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
]);

export function parsePolicyDocument(input: unknown, needs: StatementNeeds = {}): ParsedDocument {
  const value = reveal(input);
  if (value === undefined || value === null) return { kind: "absent" };
  if (value === "") return { kind: "empty" };
  if (isUnknown(value)) return { kind: "unknown" };
  let doc: unknown = value;
  if (typeof value === "string") {
    try {
      doc = JSON.parse(value);
    } catch (e) {
      return { kind: "invalid", reason: `not valid JSON (${(e as Error).message})` };
    }
    const repeated = duplicateKey(value);
    if (repeated)
      return {
        kind: "invalid",
        reason: `${repeated}: which one AWS reads is not documented, so the pack cannot judge it`,
      };
  }
  if (!isRecord(doc)) return { kind: "invalid", reason: "the document is not a JSON object" };
  const raw = reveal(doc.Statement);
  if (raw === undefined) return { kind: "invalid", reason: 'the document has no "Statement"' };
  if (isUnknown(raw)) return { kind: "unknown" };
  const items = Array.isArray(raw) ? raw : [raw];
  // A document that allows nothing by accident (a template that rendered no statement) fails closed.
  if (items.length === 0)
    return { kind: "invalid", reason: '"Statement" is an empty array: the document grants nothing' };
  const statements: Statement[] = [];
  for (const [index, item] of items.entries()) {
    const parsed = parseStatement(reveal(item), index, needs);
    if (typeof parsed === "string") return { kind: "invalid", reason: `statement #${index}: ${parsed}` };
    if (parsed) statements.push(parsed);
  }
  return { kind: "ok", statements };
}

/** A statement, undefined when it is wholly unknown, or a string saying why it is malformed. */
function parseStatement(item: unknown, index: number, needs: StatementNeeds): Statement | undefined | string {
  if (isUnknown(item)) return undefined;
  if (!isRecord(item)) return "is not an object";
  // Fail closed on keys IAM does not know: a misspelt "notresource" or "principal" would otherwise be
  // skipped here while AWS rejects the document or reads it differently.
  const unknownKey = Object.keys(item).find((k) => !STATEMENT_KEYS.has(k));
  if (unknownKey !== undefined)
    return `has unknown key "${unknownKey}" (statement keys are case-sensitive: ${[...STATEMENT_KEYS].join(", ")})`;
  const effectRaw = reveal(item.Effect);
  if (isUnknown(effectRaw)) return undefined;
  if (typeof effectRaw !== "string") return 'has no "Effect"';
  const effect =
    effectRaw.toLowerCase() === "allow" ? "Allow" : effectRaw.toLowerCase() === "deny" ? "Deny" : undefined;
  if (!effect) return `has Effect "${effectRaw}" (allowed: Allow, Deny)`;
  const st: Statement = { index, effect };
  const sid = reveal(item.Sid);
  if (typeof sid === "string") st.sid = sid;
  for (const [key, field] of [
    ["Action", "action"],
    ["NotAction", "notAction"],
    ["Resource", "resource"],
    ["NotResource", "notResource"],
  ] as const) {
    if (!(key in item)) continue;
    const strings = stringList(reveal(item[key]));
    if (typeof strings === "string") return `${key} ${strings}`;
    st[field] = strings;
  }
  // An unknown Action value still leaves the key (st.action = []): only an absent key gets here, and
  // unknown Resource or Condition values cannot make up for it (AWS rejects such a statement).
  if (st.action === undefined && st.notAction === undefined) return 'has neither "Action" nor "NotAction"';
  if (needs.resource && !("Resource" in item) && !("NotResource" in item))
    return 'has neither "Resource" nor "NotResource" (IAM requires one in identity and resource-based policies)';
  if (needs.principal && !("Principal" in item) && !("NotPrincipal" in item))
    return 'has neither "Principal" nor "NotPrincipal" (IAM requires one in trust and resource-based policies)';
  for (const [key, field] of [
    ["Principal", "principal"],
    ["NotPrincipal", "notPrincipal"],
  ] as const) {
    if (!(key in item)) continue;
    const p = parsePrincipal(reveal(item[key]));
    if (p && "error" in p) return `${key} ${p.error}`;
    if (p) st[field] = p.principal;
  }
  // Values unknown during preview are left out: only the known parts of a statement are judged.
  const c = "Condition" in item ? reveal(item.Condition) : undefined;
  if ("Condition" in item && !isUnknown(c)) {
    if (!isRecord(c)) return "Condition is not an object";
    const condition: Record<string, Record<string, unknown>> = {};
    for (const [op, block] of Object.entries(c)) {
      const b = reveal(block);
      if (isUnknown(b)) continue;
      if (!isRecord(b)) return `Condition operator "${op}" is not an object`;
      condition[op] = b;
    }
    st.condition = condition;
  }
  return st;
}

/** String or string array; unknown elements (preview) are dropped. */
function stringList(value: unknown): string[] | string {
  if (isUnknown(value)) return [];
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const v of items.map(reveal)) {
    if (isUnknown(v)) continue;
    if (typeof v === "string") out.push(v);
    else return `must be a string or an array of strings, found ${JSON.stringify(v)}`;
  }
  return out;
}

function parsePrincipal(value: unknown): { principal: Principal } | { error: string } | undefined {
  if (isUnknown(value)) return undefined;
  if (value === "*") return { principal: "*" };
  if (!isRecord(value)) return { error: 'must be "*" or an object such as {"Service": "ssm.amazonaws.com"}' };
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(value)) {
    const l = stringList(reveal(v));
    if (typeof l === "string") return { error: `${k} ${l}` };
    out[k] = l;
  }
  return { principal: out };
}

/** Where a statement sits, for messages: `statement #1 (Sid "ReadArtifacts")`. */
export function describeStatement(st: Statement): string {
  return st.sid ? `statement #${st.index} (Sid "${st.sid}")` : `statement #${st.index}`;
}
