/**
 * Canary of src/pulumi-internals.ts: every `@internal` runtime call and generated stub the seam
 * loads from @pulumi/pulumi, checked against the installed version: the functions exist and behave
 * as the harness relies on, the message classes have the setters it calls. An SDK upgrade that moves
 * one fails here, by name, instead of the plan hanging on a run or dropping a registration.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { runStackProgram } from "../src/harness.js";
import {
  analyzerGrpc,
  analyzerPb,
  decodedStruct,
  Empty,
  getStore,
  InvokeResponse,
  isConfigSecret,
  LOG_SEVERITY,
  ReadResourceResponse,
  RegisterPackageResponse,
  RegisterResourceResponse,
  RUN_POLICY_PACK,
  Struct,
  setPromiseTracking,
  setSourcePositions,
  waitForRPCs,
  withLocalStorage,
} from "../src/pulumi-internals.js";

const require = createRequire(import.meta.url);
const { version } = require("@pulumi/pulumi/package.json") as { version: string };
const PULUMI = `@pulumi/pulumi ${version} (packages/testing/src/pulumi-internals.ts)`;
/** A provider resource by token (CustomResource is abstract in the SDK's types). */
class Custom extends pulumi.CustomResource {}

/** A run with the SDK's debug capture left on (`stackTraces`), so a spy on it sees every call. */
async function runCapturing(register: () => unknown): Promise<void> {
  const run = await runStackProgram({
    project: "p",
    stack: "s",
    stackTraces: true,
    program: async () => {
      register();
      return {};
    },
  });
  expect(run.errors).toEqual([]);
}

const PACK_DIR = fileURLToPath(new URL("../../../policies/retrain-guard", import.meta.url));

describe(`the Pulumi seam against ${PULUMI}`, () => {
  it("deserializeProperties reads a decodedStruct's value (it only calls toJavaScript) and leaves it unchanged", () => {
    const value = {
      name: "organization/retrain-iam/dev",
      outputs: { teamRoleArns: { a: "arn:aws:iam::1:role/a" }, n: 3, on: true, none: null, list: ["x"] },
      secretOutputNames: [],
    };
    const before = structuredClone(value);
    const read = pulumi.runtime.deserializeProperties(decodedStruct(value));
    expect(read, `${PULUMI}: runtime/rpc#deserializeProperties calls toJavaScript()`).toEqual(value);
    expect(read.outputs, "a copy, not the shared value").not.toBe(value.outputs);
    expect(value).toEqual(before);
  });

  it("withLocalStorage gives each run its own store, whose settings take an engine", async () => {
    const outer = getStore();
    await withLocalStorage(async () => {
      const inner = getStore();
      expect(inner, `${PULUMI}: runtime/state#withLocalStorage`).not.toBe(outer);
      expect(typeof inner.settings, `${PULUMI}: LocalStore.settings`).toBe("object");
      const engine = { marker: true };
      inner.settings.engine = engine;
      expect(getStore().settings.engine, `${PULUMI}: LocalStore.settings.engine`).toBe(engine);
    });
    expect(getStore(), `${PULUMI}: the outer store after the run`).toBe(outer);
  });

  it("waitForRPCs settles when nothing is pending", async () => {
    await withLocalStorage(async () => {
      await expect(waitForRPCs(), `${PULUMI}: runtime/settings#waitForRPCs`).resolves.toBeUndefined();
    });
  });

  it("isConfigSecret reads the current run's secret keys", async () => {
    await withLocalStorage(async () => {
      pulumi.runtime.setAllConfig({ "x:a": "1", "x:b": "2" }, ["x:b"]);
      expect(isConfigSecret("x:b"), `${PULUMI}: runtime/config#isConfigSecret`).toBe(true);
      expect(isConfigSecret("x:a"), `${PULUMI}: runtime/config#isConfigSecret`).toBe(false);
    });
  });

  it.each([
    ["RegisterResourceResponse", RegisterResourceResponse, ["setUrn", "setId", "setObject"]],
    ["ReadResourceResponse", ReadResourceResponse, ["setUrn", "setProperties"]],
    ["RegisterPackageResponse", RegisterPackageResponse, ["setRef"]],
    ["InvokeResponse", InvokeResponse, ["setReturn"]],
  ] as const)("%s has the setters the monitor calls", (name, Message, setters) => {
    expect(typeof Message, `${PULUMI}: proto ${name}`).toBe("function");
    const m = new Message() as unknown as Record<string, unknown>;
    for (const s of setters) expect(typeof m[s], `${PULUMI}: ${name}#${s}`).toBe("function");
  });

  it("Struct and Empty come from the google-protobuf the stubs were generated against", () => {
    const req = new analyzerPb.AnalyzeRequest();
    req.setProperties(Struct.fromJavaScript({ a: [1, "x", { b: true }] }));
    expect(req.getProperties()?.toJavaScript(), `${PULUMI}: Struct round trip`).toEqual({
      a: [1, "x", { b: true }],
    });
    expect(new Empty().serializeBinary(), `${PULUMI}: google.protobuf.Empty`).toHaveLength(0);
  });

  it("the Analyzer stubs carry the service and the enums the host uses", () => {
    expect(typeof analyzerGrpc.AnalyzerClient, `${PULUMI}: proto/analyzer_grpc_pb#AnalyzerClient`).toBe(
      "function",
    );
    for (const m of [
      "handshake",
      "configureStack",
      "getAnalyzerInfo",
      "configure",
      "analyze",
      "analyzeStack",
    ])
      expect(
        typeof analyzerGrpc.AnalyzerClient.prototype[m as "analyze"],
        `${PULUMI}: AnalyzerClient#${m}`,
      ).toBe("function");
    expect(
      Object.keys(analyzerPb.EnforcementLevel).sort(),
      `${PULUMI}: EnforcementLevel (the host maps each one)`,
    ).toEqual(["ADVISORY", "DISABLED", "MANDATORY", "REMEDIATE"]);
    expect(analyzerPb.PolicyType, `${PULUMI}: PolicyType`).toMatchObject({
      POLICY_TYPE_RESOURCE: expect.any(Number),
      POLICY_TYPE_STACK: expect.any(Number),
    });
  });

  it("every resource's constructor asks Resource.stackTrace for its position, which the seam can turn off", async () => {
    const R = require("@pulumi/pulumi/resource").Resource as { stackTrace(skip: number): unknown[] };
    const sdk = R.stackTrace;
    let asked = 0;
    R.stackTrace = (skip) => {
      asked++;
      return sdk.call(R, skip);
    };
    try {
      await runCapturing(() => new pulumi.ComponentResource("test:index:C", "c"));
      expect(asked, `${PULUMI}: resource.ts: the Resource constructor calls Resource.stackTrace`).toBe(2);
    } finally {
      R.stackTrace = sdk;
    }
    expect(R.stackTrace(0).length, `${PULUMI}: Resource.stackTrace captures frames`).toBeGreaterThan(0);
    setSourcePositions(false);
    try {
      expect(R.stackTrace(0)).toEqual([]);
    } finally {
      setSourcePositions(true);
    }
    expect(R.stackTrace).toBe(sdk);
  });

  it("the SDK wraps promises through runtime/debuggable's exports, and the untracked chain settles on the same tick", async () => {
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
      debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
    };
    const sdk = debuggable.debuggablePromise;
    let wrapped = 0;
    debuggable.debuggablePromise = (p, ctx) => {
      wrapped++;
      return sdk(p, ctx);
    };
    try {
      await runCapturing(() => new Custom("test:index:R", "r", { a: 1 }));
      expect(
        wrapped,
        `${PULUMI}: runtime/rpc, resource: debuggable_1.debuggablePromise(...)`,
      ).toBeGreaterThan(4);
    } finally {
      debuggable.debuggablePromise = sdk;
    }
    // Which microtask turn each settles on, against a counter: resources register in the same order.
    const turnOf = async (make: (p: Promise<string>) => Promise<string>) => {
      let turn = 0;
      let settled = -1;
      void make(Promise.resolve("v")).then(() => {
        settled = turn;
      });
      for (let i = 0; i < 10; i++) {
        await null;
        turn++;
      }
      return settled;
    };
    const sdkTurn = await turnOf((p) => debuggable.debuggablePromise(p, "ctx"));
    setPromiseTracking(false);
    try {
      const untracked = debuggable.debuggablePromise(Promise.resolve("v"), "ctx");
      expect(Object.getOwnPropertyNames(untracked), "no debug records").not.toContain("_debugStackTrace");
      await expect(untracked).resolves.toBe("v");
      await expect(debuggable.debuggablePromise(Promise.reject(new Error("x")), "ctx")).rejects.toThrow("x");
      expect(await turnOf((p) => debuggable.debuggablePromise(p, "ctx"))).toBe(sdkTurn);
    } finally {
      setPromiseTracking(true);
    }
    expect(debuggable.debuggablePromise).toBe(sdk);
  });

  it("engine log severities are in engine.proto's order", () => {
    const enginePb = require(
      path.join(path.dirname(require.resolve("@pulumi/pulumi")), "proto/engine_pb"),
    ) as {
      LogSeverity: Record<string, number>;
    };
    const bySeverity = Object.entries(enginePb.LogSeverity).map(([k, v]) => [v, k.toLowerCase()]);
    expect(Object.fromEntries(bySeverity), `${PULUMI}: proto/engine_pb#LogSeverity`).toEqual(
      Object.fromEntries(LOG_SEVERITY.map((s, i) => [i, s])),
    );
  });

  it("the pack's folder resolves the policy-pack runner the CLI's shim runs", () => {
    const resolved = createRequire(path.join(PACK_DIR, "package.json")).resolve(RUN_POLICY_PACK);
    expect(resolved, `${PULUMI}: ${RUN_POLICY_PACK}`).toMatch(/cmd[/\\]run-policy-pack[/\\]index\.js$/);
  });
});
