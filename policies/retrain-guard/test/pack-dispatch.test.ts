/**
 * The per-type analyze dispatch (servePolicyPack, src/policy-kit.ts) changes nothing the engine
 * sees: every example table of every policy, through two real pack processes (the compiled pack,
 * @pulumi/pulumi/cmd/run-policy-pack, the Analyzer gRPC protocol) — one dispatching, one started with
 * RETRAIN_GUARD_NO_DISPATCH=1, i.e. the plain PolicyPack of before — gives the same diagnostics
 * (policy, message, description, enforcement level, urn, in order) and the same GetAnalyzerInfo.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type AnalyzerResource,
  type PolicyDiagnostic,
  type PolicyPackConfig,
  type PolicyPackHost,
  startPolicyPack,
} from "@retrain/offline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PolicyExample, urnOf } from "../src/examples.js";
import { REGISTRY } from "../src/policies/index.js";
import { DISPATCH_UNAVAILABLE, type GuardPolicy, NO_DISPATCH_ENV } from "../src/policy-kit.js";

const packDir = fileURLToPath(new URL("..", import.meta.url));

const TABLES: [GuardPolicy, readonly PolicyExample[]][] = await Promise.all(
  REGISTRY.map(
    async (r) => [r.policy, (await r.examples()).examples] as [GuardPolicy, readonly PolicyExample[]],
  ),
);

const COMPONENT = "retrain:index:Component";

/**
 * The example's resources as the CLI sends them (names resolved to URNs as test/policies.test.ts
 * does), plus a component resource for each parent or dependency the example names but does not
 * list: @pulumi/policy links a parent only when it is one of the stack's resources, as it is in a
 * real stack.
 */
function resourcesOf(example: PolicyExample): AnalyzerResource[] {
  const listed = new Set(example.resources.map((r) => r.name));
  const missing = new Set<string>();
  const urnByName = (n: string) => {
    const target = example.resources.find((x) => x.name === n);
    if (!target) missing.add(n);
    return target ? urnOf(target.type, target.name) : urnOf(COMPONENT, n);
  };
  const out = example.resources.map((r) => {
    const out: AnalyzerResource = {
      urn: urnOf(r.type, r.name),
      type: r.type,
      name: r.name,
      properties: r.props,
      dependencies: (r.dependencies ?? []).map(urnByName),
      propertyDependencies: Object.fromEntries(
        Object.entries(r.propertyDependencies ?? {}).map(([k, names]) => [k, names.map(urnByName)]),
      ),
    };
    if (r.parent) out.parent = urnByName(r.parent);
    if (r.providerProps)
      out.provider = {
        type: "pulumi:providers:aws",
        urn: urnOf("pulumi:providers:aws", "default"),
        name: "default",
        properties: r.providerProps,
      };
    return out;
  });
  for (const name of missing)
    if (!listed.has(name)) out.push({ urn: urnOf(COMPONENT, name), type: COMPONENT, name, properties: {} });
  return out;
}

/**
 * maintenance-window-overlap names the first overlap from the time of the call (its horizon starts
 * now), and maintenance-window-limits the time a one-off at() was judged at, so two processes differ
 * in the milliseconds: compare with the instants masked. The milliseconds are optional: a whole
 * second is written without them (`...:36Z`), which had made the mask miss one side once a thousand.
 */
function comparable(ds: readonly PolicyDiagnostic[]): PolicyDiagnostic[] {
  return ds.map((d) => ({
    ...d,
    message: d.message.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, "<instant>"),
  }));
}

/** Everything the pack reports for the example: each resource analysed, then the stack. */
async function diagnosticsOf(host: PolicyPackHost, example: PolicyExample): Promise<PolicyDiagnostic[]> {
  const resources = resourcesOf(example);
  const out: PolicyDiagnostic[] = [];
  for (const r of resources) out.push(...(await host.analyze(r)));
  out.push(...(await host.analyzeStack(resources)));
  return out;
}

let dispatching: PolicyPackHost;
let plain: PolicyPackHost;

beforeAll(async () => {
  if (!existsSync(`${packDir}/dist/index.js`))
    throw new Error(
      `${packDir}dist/index.js is missing: build the pack first (tsc -b policies/retrain-guard)`,
    );
  [dispatching, plain] = await Promise.all([
    startPolicyPack({ packDir }),
    startPolicyPack({ packDir, env: { [NO_DISPATCH_ENV]: "1" } }),
  ]);
});

afterAll(async () => {
  await Promise.all([dispatching?.close(), plain?.close()]);
});

/** Configure both packs alike (each example's config is its policy's; the rest take defaults). */
async function configureBoth(config: PolicyPackConfig): Promise<void> {
  await Promise.all([dispatching.configure(config), plain.configure(config)]);
}

describe("the per-type analyze dispatch", () => {
  it("is in place (the pack did not fall back to the plain PolicyPack)", () => {
    expect(dispatching.stderr()).not.toContain(DISPATCH_UNAVAILABLE);
  });

  it("serves the same GetAnalyzerInfo", async () => {
    expect(await dispatching.info()).toEqual(await plain.info());
  });

  for (const [policy, examples] of TABLES) {
    it(`${policy.name}: every example gives the same diagnostics, the table's among them`, async () => {
      for (const example of examples) {
        await configureBoth(example.config ? { [policy.name]: example.config } : {});
        const [ours, before] = await Promise.all([
          diagnosticsOf(dispatching, example),
          diagnosticsOf(plain, example),
        ]);
        expect(comparable(ours), example.title).toEqual(comparable(before));
        // And the policy's own diagnostics are the table's (so the comparison is not vacuous).
        const own = ours.filter((d) => d.policyName === policy.name);
        expect(own, example.title).toHaveLength(example.violations.length);
        example.violations.forEach((pattern, i) => {
          expect(own[i]?.message, example.title).toMatch(pattern);
        });
      }
    });
  }

  it.each([
    [{ all: "advisory" }],
    [{ all: "disabled" }],
    [{ "no-wildcard-iam": "disabled", "required-tags": "advisory" }],
  ] as [PolicyPackConfig][])("keeps the configured enforcement levels: %j", async (config) => {
    await configureBoth(config);
    for (const [, examples] of TABLES)
      for (const example of examples) {
        const [ours, before] = await Promise.all([
          diagnosticsOf(dispatching, example),
          diagnosticsOf(plain, example),
        ]);
        expect(comparable(ours), example.title).toEqual(comparable(before));
      }
  });
});
