/**
 * Canary of src/policy-internals.ts: what the pack assumes of @pulumi/policy's proxies, its unknown
 * sentinels, its analyze handler and type mark, and the runtime's secret envelope, checked against
 * the installed libraries through their own functions. (That `new PolicyPack` reaches the server's
 * `serve` and its gRPC `addService` the way `withAnalyzeDispatch` patches them is checked on the
 * real pack process: test/pack-dispatch.test.ts, "is in place".) An upgrade that changes one fails here, by name, instead of every policy
 * quietly reading an empty property map or a secret envelope instead of its value.
 */
import { createRequire } from "node:module";
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { UNKNOWN } from "@retrain/config/unknown";
import { describe, expect, it } from "vitest";
import {
  analyzeStackCodec,
  isSignedEnvelope,
  markResourceType,
  proxyTarget,
  type ServedPolicies,
  type StackRequestMessage,
  UNKNOWN_SENTINELS,
  withRememberedNotApplicable,
  withSharedDeserialization,
} from "../src/policy-internals.js";
import { MEMO_MIN_BYTES, memoizingStackRequestDecoder } from "../src/stack-request-decoder.js";
import { rawProps, reveal } from "../src/values.js";

const require = createRequire(import.meta.url);
const version = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;
const POLICY = `@pulumi/policy ${version("@pulumi/policy")} (policies/retrain-guard/src/policy-internals.ts)`;
const PULUMI = `@pulumi/pulumi ${version("@pulumi/pulumi")} (policies/retrain-guard/src/policy-internals.ts)`;

type Props = Record<string, unknown>;
const proxy = require("@pulumi/policy/proxy.js") as {
  unknownCheckingProxy(props: Props): Props;
  [sentinel: `unknown${string}Value`]: string;
};
const secret = require("@pulumi/policy/secret.js") as { secretsPreservingProxy(props: Props): Props };
const rpc = require("@pulumi/pulumi/runtime/rpc.js") as {
  specialSigKey: string;
  specialSecretSig: string;
  unknownValue: string;
  isRpcSecret(obj: unknown): boolean;
};

describe(`the policy seam against ${POLICY}`, () => {
  it("reaches the object behind the unknown-checking proxy the server wraps properties in", () => {
    const target = { known: "x", later: UNKNOWN };
    const props = proxy.unknownCheckingProxy(target);
    expect(() => props.later, `${POLICY}: the proxy no longer throws on an unknown`).toThrow();
    expect(proxyTarget(props), `${POLICY}: getSpecialProxyTarget`).toBe(target);
    expect(rawProps(props), `${POLICY}: rawProps through the proxy`).toBe(target);
  });

  it("reaches the object behind the secrets-preserving proxy", () => {
    const target = { a: 1 };
    expect(proxyTarget(secret.secretsPreservingProxy(target)), `${POLICY}: getSpecialProxyTarget`).toBe(
      target,
    );
  });

  it("finds no target on a plain property map", () => {
    const plain = { a: 1 };
    expect(proxyTarget(plain), POLICY).toBeUndefined();
    expect(rawProps(plain), POLICY).toBe(plain);
  });

  it("knows exactly @pulumi/policy's unknown sentinels", () => {
    const theirs = Object.entries(proxy)
      .filter(([k, v]) => /^unknown[A-Z]\w*Value$/.test(k) && typeof v === "string")
      .map(([, v]) => v as string);
    expect([...UNKNOWN_SENTINELS].sort(), `${POLICY}: unknown*Value sentinels`).toEqual(theirs.sort());
    for (const s of theirs)
      expect(
        () => proxy.unknownCheckingProxy({ v: s }).v,
        `${POLICY}: ${s} is unknown to the proxy`,
      ).toThrow();
  });
});

type AnalyzeCallback = (err: unknown, res?: AnalyzeResponse) => void;
interface AnalyzeResponse {
  getDiagnosticsList(): { getPolicyname(): string; getMessage(): string }[];
  getNotApplicableList(): { getPolicyName(): string; getReason(): string }[];
}
const server = require("@pulumi/policy/server.js") as {
  serve?: unknown;
  makeAnalyzeRpcFun?: (
    name: string,
    version: string,
    level: string,
    policies: ServedPolicies,
  ) => (call: { request: unknown }, cb: AnalyzeCallback) => Promise<void>;
  makeAnalyzeStackRpcFun?: (
    name: string,
    version: string,
    level: string,
    policies: ServedPolicies,
  ) => (call: { request: unknown }, cb: AnalyzeCallback) => Promise<void>;
};
// The proto classes of the @pulumi/pulumi that @pulumi/policy's server loads.
const serverRequire = createRequire(require.resolve("@pulumi/policy/server.js"));
const analyzerPb = serverRequire("@pulumi/pulumi/proto/analyzer_pb") as {
  AnalyzeRequest: new () => Record<string, (v: unknown) => void>;
  AnalyzerResourceOptions: new () => unknown;
  AnalyzerResource: new () => Record<string, (v: unknown) => void>;
  AnalyzeStackRequest: (new () => { setResourcesList(r: unknown[]): void; serializeBinary(): Uint8Array }) & {
    deserializeBinary(b: Uint8Array): StackRequestMessage;
  };
};
const structPb = serverRequire("google-protobuf/google/protobuf/struct_pb") as {
  Struct: { fromJavaScript(v: Record<string, unknown>): unknown };
};

function analyzeRequest(type: string): unknown {
  const req = new analyzerPb.AnalyzeRequest();
  req.setType!(type);
  req.setUrn!(`urn:pulumi:s::p::${type}::r`);
  req.setName!("r");
  req.setProperties!(structPb.Struct.fromJavaScript({ a: 1 }));
  req.setOptions!(new analyzerPb.AnalyzerResourceOptions());
  return req;
}

describe(`the analyze dispatch against ${POLICY}`, () => {
  it("exports the server's analyze handler and serve, which the dispatch builds on", () => {
    expect(typeof server.makeAnalyzeRpcFun, `${POLICY}: server.ts#makeAnalyzeRpcFun`).toBe("function");
    expect(typeof server.serve, `${POLICY}: server.ts#serve`).toBe("function");
    expect(Object.getOwnPropertyDescriptor(server, "serve")?.writable, `${POLICY}: serve`).toBe(true);
  });

  it("skips a policy marked with another type before calling it, and reports it not applicable", async () => {
    const calls: string[] = [];
    const policies: ServedPolicies = [
      {
        name: "skipped",
        description: "d1",
        enforcementLevel: "mandatory",
        validateResource: markResourceType(() => {
          calls.push("skipped");
        }, "a:b:C, a:b:D"),
      },
      {
        name: "runs",
        description: "d2",
        enforcementLevel: "advisory",
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
          calls.push(`runs ${args.type} ${JSON.stringify(args.props)}`);
          report("found");
        },
      },
    ];
    const handler = server.makeAnalyzeRpcFun!("pack", "1.0.0", "advisory", policies);
    const res = await new Promise<AnalyzeResponse>((ok, fail) =>
      handler({ request: analyzeRequest("a:b:E") }, (err, r) => (err || !r ? fail(err) : ok(r))),
    );
    expect(calls, `${POLICY}: the __pulumiType fast path`).toEqual(['runs a:b:E {"a":1}']);
    expect(
      res.getNotApplicableList().map((n) => [n.getPolicyName(), n.getReason()]),
      `${POLICY}: not-applicable report of a marked policy`,
    ).toEqual([["skipped", "Policy only applies to resources of type 'a:b:C, a:b:D'"]]);
    expect(
      res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getMessage()]),
      POLICY,
    ).toEqual([["runs", "d2\nfound"]]);
  });
});

/** A stack's AnalyzeStack request bytes: a StackReference of `teams` roles and a small resource. */
function stackRequest(stack: string, teams: number): Uint8Array {
  const resource = (type: string, name: string, props: Record<string, unknown>) => {
    const r = new analyzerPb.AnalyzerResource();
    r.setType!(type);
    r.setUrn!(`urn:pulumi:${stack}::p::${type}::${name}`);
    r.setName!(name);
    r.setProperties!(structPb.Struct.fromJavaScript(props));
    r.setOptions!(new analyzerPb.AnalyzerResourceOptions()); // the CLI always sends them
    return r;
  };
  const arns = Object.fromEntries(
    Array.from({ length: teams }, (_, i) => [`team-${i}`, `arn:aws:iam::123456789012:role/team-${i}`]),
  );
  const req = new analyzerPb.AnalyzeStackRequest();
  req.setResourcesList([
    resource("pulumi:pulumi:StackReference", "iam", { name: "iam", outputs: { teamRoleArns: arns } }),
    resource("aws:s3/bucket:Bucket", "b", { bucket: `b-${stack}` }),
  ]);
  return req.serializeBinary();
}

describe(`the AnalyzeStack deserialisation against ${POLICY}`, () => {
  it("reads each resource's properties through deserialize.ts#deserializeProperties, once per stack policy", async () => {
    const deserialize = require("@pulumi/policy/deserialize.js") as Record<string, unknown>;
    expect(typeof server.makeAnalyzeStackRpcFun, `${POLICY}: server.ts#makeAnalyzeStackRpcFun`).toBe(
      "function",
    );
    expect(
      Object.getOwnPropertyDescriptor(deserialize, "deserializeProperties")?.writable,
      `${POLICY}: deserialize.ts#deserializeProperties is a writable export`,
    ).toBe(true);
    expect(withSharedDeserialization(), POLICY).toBe(true);
    expect(withSharedDeserialization(), "installed once, idempotent").toBe(true);

    // What each stack policy is handed, by resource type, over two stacks with the same StackReference.
    const seen: { policy: string; type: string; target: unknown }[] = [];
    const policy = (name: string) => ({
      name,
      description: name,
      enforcementLevel: "advisory" as const,
      validateStack: (args: { resources: { type: string; props: Record<string, unknown> }[] }) => {
        for (const r of args.resources)
          seen.push({ policy: name, type: r.type, target: proxyTarget(r.props) });
      },
    });
    const handler = server.makeAnalyzeStackRpcFun!("pack", "1.0.0", "advisory", [
      policy("one"),
      policy("two"),
    ] as unknown as ServedPolicies);
    const decode = memoizingStackRequestDecoder(
      analyzeStackCodec((b) => analyzerPb.AnalyzeStackRequest.deserializeBinary(b)),
    );
    for (const stack of ["a", "b"]) {
      const bytes = stackRequest(stack, 2000);
      expect(bytes.length).toBeGreaterThan(MEMO_MIN_BYTES);
      await new Promise<void>((ok, fail) =>
        handler({ request: decode(bytes) }, (err) => (err ? fail(err) : ok())),
      );
    }
    const refs = seen.filter((s) => s.type === "pulumi:pulumi:StackReference").map((s) => s.target);
    const buckets = seen.filter((s) => s.type === "aws:s3/bucket:Bucket").map((s) => s.target);
    expect(refs, `${POLICY}: one deserialisation per stack policy and resource`).toHaveLength(4);
    // The shared set: one value for every policy of both stacks, frozen all the way down.
    expect(new Set(refs).size, "the repeated StackReference is deserialised once").toBe(1);
    expect(Object.isFrozen(refs[0]) && Object.isFrozen((refs[0] as { outputs: object }).outputs)).toBe(true);
    expect(
      (refs[0] as { outputs: { teamRoleArns: Record<string, string> } }).outputs.teamRoleArns["team-7"],
    ).toBe("arn:aws:iam::123456789012:role/team-7");
    // Small sets are the library's own: a fresh copy per policy, not frozen.
    expect(new Set(buckets).size).toBe(4);
    expect(buckets.some((b) => Object.isFrozen(b))).toBe(false);
  });
});

describe(`the policy seam against ${PULUMI}`, () => {
  it("Analyze's reply, its not-applicable list encoded once per list, has the library's bytes", () => {
    // The service definition and messages the pack's server registers (its own @pulumi/pulumi).
    const serverRequire = createRequire(require.resolve("@pulumi/policy/server.js"));
    type Service = Parameters<typeof withRememberedNotApplicable>[0];
    const { AnalyzerService } = serverRequire("@pulumi/pulumi/proto/analyzer_grpc_pb.js") as {
      AnalyzerService: Service;
    };
    const pb = serverRequire("@pulumi/pulumi/proto/analyzer_pb.js") as Record<string, new () => never>;
    const theirs = AnalyzerService.analyze?.responseSerialize;
    const ours = withRememberedNotApplicable(AnalyzerService).analyze?.responseSerialize;
    expect(typeof theirs, `${PULUMI}: analyzer_grpc_pb Analyze.responseSerialize`).toBe("function");
    expect(ours).not.toBe(theirs);
    const reply = (diagnostics: number, notApplicable: readonly string[]) => {
      const res = new (
        pb.AnalyzeResponse as new () => {
          addDiagnostics(d: unknown): void;
          addNotApplicable(n: unknown): void;
        }
      )();
      for (let i = 0; i < diagnostics; i++) {
        const d = new (
          pb.AnalyzeDiagnostic as new () => {
            setPolicyname(v: string): void;
            setMessage(v: string): void;
            setEnforcementlevel(v: number): void;
          }
        )();
        d.setPolicyname(`p${i}`);
        d.setMessage(`finding ${i} ✓`);
        d.setEnforcementlevel(1);
        res.addDiagnostics(d);
      }
      for (const name of notApplicable) {
        const n = new (
          pb.PolicyNotApplicable as new () => {
            setPolicyName(v: string): void;
            setReason(v: string): void;
          }
        )();
        n.setPolicyName(name);
        n.setReason(`Policy only applies to resources of type '${name}-type'`);
        res.addNotApplicable(n);
      }
      return res;
    };
    const hex = (b: Buffer) => b.toString("hex");
    // Each list twice (the second from the remembered bytes), lists that differ in one entry.
    for (const [diagnostics, list] of [
      [0, []],
      [0, ["a", "b", "c"]],
      [0, ["a", "b", "c"]],
      [2, ["a", "b", "c"]],
      [1, ["a", "b"]],
      [0, ["a", "b", "d"]],
      [3, []],
      [2, ["a", "b", "d"]],
    ] as const) {
      expect(hex(ours?.(reply(diagnostics, list)) as Buffer)).toBe(
        hex(theirs?.(reply(diagnostics, list)) as Buffer),
      );
    }
  });

  it("UNKNOWN is the runtime's unknown value (what the CLI sends for every kind)", () => {
    expect(UNKNOWN, `${PULUMI}: runtime/rpc#unknownValue`).toBe(rpc.unknownValue);
    expect(UNKNOWN_SENTINELS.has(rpc.unknownValue), PULUMI).toBe(true);
  });

  it("recognises the runtime's secret envelope by its signature key", () => {
    const envelope = { [rpc.specialSigKey]: rpc.specialSecretSig, value: "s3cret" };
    expect(rpc.isRpcSecret(envelope), `${PULUMI}: the envelope's shape`).toBe(true);
    expect(isSignedEnvelope(envelope), `${PULUMI}: runtime/rpc#specialSigKey`).toBe(true);
    expect(reveal(envelope), `${PULUMI}: reveal`).toBe("s3cret");
    expect(isSignedEnvelope({ value: "plain" }), PULUMI).toBe(false);
  });
});
