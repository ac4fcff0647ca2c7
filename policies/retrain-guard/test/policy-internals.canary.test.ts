/**
 * Canary of src/policy-internals.ts: what the pack assumes of @pulumi/policy's proxies, its unknown
 * sentinels and the runtime's secret envelope, checked against the installed libraries through
 * their own functions. An upgrade that changes one fails here, by name, instead of every policy
 * quietly reading an empty property map or a secret envelope instead of its value.
 */
import { createRequire } from "node:module";
import { UNKNOWN } from "@retrain/config/unknown";
import { describe, expect, it } from "vitest";
import { isSignedEnvelope, proxyTarget, UNKNOWN_SENTINELS } from "../src/policy-internals.js";
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

describe(`the policy seam against ${PULUMI}`, () => {
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
