/**
 * Every policy against its table of good and bad examples (src/policies/*.examples.ts), through the
 * same check functions the pack runs.
 */
import { describe, expect, it } from "vitest";
import { type PolicyExample, urnOf } from "../src/examples.js";
import {
  ebsEncryptedExamples,
  ec2Imdsv2RequiredExamples,
  noOpenIngressExamples,
  noPublicIpExamples,
  requiredTagsExamples,
} from "../src/policies/fleet-hygiene.examples.js";
import {
  ebsEncrypted,
  ec2Imdsv2Required,
  maintenanceTaskTimeout,
  maintenanceWindowLimits,
  maintenanceWindowOverlap,
  noOpenIngress,
  noPublicIp,
  noWildcardIam,
  POLICIES,
  requiredTags,
  startStopOwnPool,
  taskParametersSafe,
  tenantGrants,
  trainingDocumentOnly,
} from "../src/policies/index.js";
import { maintenanceTaskTimeoutExamples } from "../src/policies/maintenance-task-timeout.examples.js";
import { maintenanceWindowLimitsExamples } from "../src/policies/maintenance-window-limits.examples.js";
import { maintenanceWindowOverlapExamples } from "../src/policies/maintenance-window-overlap.examples.js";
import { noWildcardIamExamples } from "../src/policies/no-wildcard-iam.examples.js";
import { startStopOwnPoolExamples } from "../src/policies/start-stop-own-pool.examples.js";
import { taskParametersSafeExamples } from "../src/policies/task-parameters-safe.examples.js";
import { tenantGrantsExamples } from "../src/policies/tenant-grants.examples.js";
import { trainingDocumentOnlyExamples } from "../src/policies/training-document-only.examples.js";
import { type GuardPolicy, parseConfig, type StackResource, type Violation } from "../src/policy-kit.js";

const TABLES: [GuardPolicy, PolicyExample[]][] = [
  [noWildcardIam, noWildcardIamExamples],
  [maintenanceWindowLimits, maintenanceWindowLimitsExamples],
  [maintenanceTaskTimeout, maintenanceTaskTimeoutExamples],
  [maintenanceWindowOverlap, maintenanceWindowOverlapExamples],
  [tenantGrants, tenantGrantsExamples],
  [startStopOwnPool, startStopOwnPoolExamples],
  [ec2Imdsv2Required, ec2Imdsv2RequiredExamples],
  [ebsEncrypted, ebsEncryptedExamples],
  [noPublicIp, noPublicIpExamples],
  [noOpenIngress, noOpenIngressExamples],
  [requiredTags, requiredTagsExamples],
  [trainingDocumentOnly, trainingDocumentOnlyExamples],
  [taskParametersSafe, taskParametersSafeExamples],
];

/**
 * Config each policy must refuse (and the edge it must still take), with the key the error names:
 * the bounds the JSON schema shows in the Pulumi CLI are the ones the checks apply.
 */
const CONFIG_EDGES: Record<
  string,
  { accepted: Record<string, unknown>[]; rejected: [Record<string, unknown>, RegExp][] }
> = {
  "maintenance-window-limits": {
    accepted: [{ maxDurationHours: 1 }, { maxDurationHours: 24 }, { minIntervalMinutes: 5 }],
    rejected: [
      [{ maxDurationHours: 0 }, /maintenance-window-limits\.maxDurationHours/],
      [{ maxDurationHours: 25 }, /maintenance-window-limits\.maxDurationHours/],
      [{ maxDurationHours: 2.5 }, /maintenance-window-limits\.maxDurationHours/],
      [{ minIntervalMinutes: 4 }, /maintenance-window-limits\.minIntervalMinutes/],
    ],
  },
  "maintenance-window-overlap": {
    accepted: [{ horizonWeeks: 1 }, { horizonWeeks: 52 }],
    rejected: [
      [{ horizonWeeks: 0 }, /maintenance-window-overlap\.horizonWeeks/],
      [{ horizonWeeks: 53 }, /maintenance-window-overlap\.horizonWeeks/],
    ],
  },
};

async function run(policy: GuardPolicy, example: PolicyExample): Promise<Violation[]> {
  const config = parseConfig(policy, example.config ?? {});
  const stack: StackResource[] = example.resources.map((r) => {
    const urn = urnOf(r.type, r.name);
    const propertyDependencies: Record<string, string[]> = {};
    const urnByName = (n: string) => {
      const target = example.resources.find((x) => x.name === n);
      return target ? urnOf(target.type, target.name) : urnOf("retrain:index:Component", n);
    };
    for (const [k, names] of Object.entries(r.propertyDependencies ?? {}))
      propertyDependencies[k] = names.map(urnByName);
    const s: StackResource = {
      type: r.type,
      name: r.name,
      urn,
      props: r.props,
      dependencies: (r.dependencies ?? []).map(urnByName),
      propertyDependencies,
    };
    if (r.parent) s.parent = urnByName(r.parent);
    if (r.providerProps) s.providerProps = r.providerProps;
    return s;
  });
  if (policy.kind === "stack") return policy.check(stack, config);
  const out: Violation[] = [];
  for (const r of stack) {
    if (policy.resourceTypes === "all" || policy.resourceTypes.includes(r.type))
      out.push(...(await policy.check(r, config)));
  }
  return out;
}

describe("policy tables", () => {
  it("cover every policy of the pack", () => {
    expect(TABLES.map(([p]) => p.name).sort()).toEqual(POLICIES.map((p) => p.name).sort());
  });

  for (const [policy, examples] of TABLES) {
    describe(policy.name, () => {
      it("has good and bad examples", () => {
        expect(examples.some((e) => e.violations.length === 0)).toBe(true);
        expect(examples.some((e) => e.violations.length > 0)).toBe(true);
      });
      const edges = CONFIG_EDGES[policy.name];
      if (edges) {
        it.each(edges.accepted)("accepts config %j", (raw) => {
          expect(() => parseConfig(policy, raw)).not.toThrow();
        });
        it.each(edges.rejected)("rejects config %j", (raw, message) => {
          expect(() => parseConfig(policy, raw)).toThrow(message);
        });
      }
      it.each(examples.map((e) => [e.title, e] as const))("%s", async (_title, example) => {
        const violations = await run(policy, example);
        expect(violations.map((v) => v.message)).toHaveLength(example.violations.length);
        example.violations.forEach((pattern, i) => {
          const message = violations[i]?.message ?? "";
          expect(message).toMatch(pattern);
          // Every message says where (the resource) and how to fix it.
          expect(message).toMatch(/"[^"]+"/);
          expect(message).toMatch(/Fix: /);
        });
      });
    });
  }
});

describe("config", () => {
  it("applies defaults", () => {
    expect(parseConfig(maintenanceWindowLimits, {})).toEqual({ maxDurationHours: 4, minIntervalMinutes: 60 });
  });
  it.each([
    [maintenanceWindowLimits, { maxDurationHours: -1 }, /maintenance-window-limits\.maxDurationHours/],
    [maintenanceWindowLimits, { maxDurationHour: 6 }, /Unrecognized key/],
    [noWildcardIam, { allowlist: [{ action: "kms:*" }] }, /no-wildcard-iam\.allowlist\.0\.justification/],
    [
      noWildcardIam,
      { allowlist: [{ action: "kms:*", justification: "   " }] },
      /justification must not be empty/,
    ],
    [noWildcardIam, { allowlist: [{ justification: "because" }] }, /needs an action, a urn or both/],
  ] as const)("rejects %#", (policy, raw, message) => {
    expect(() => parseConfig(policy as GuardPolicy, raw)).toThrow(message);
  });
});
