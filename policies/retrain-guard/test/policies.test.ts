/**
 * Every policy against its table of good and bad examples (src/policies/*.examples.ts), through the
 * same check functions the pack runs.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type PolicyExample, urnOf } from "../src/examples.js";
import { POLICIES, REGISTRY } from "../src/policies/index.js";
import { maintenanceWindowLimits } from "../src/policies/maintenance-window-limits.js";
import { noWildcardIam } from "../src/policies/no-wildcard-iam.js";
import { type GuardPolicy, parseConfig, type StackResource, type Violation } from "../src/policy-kit.js";

const TABLES: [GuardPolicy, readonly PolicyExample[]][] = await Promise.all(
  REGISTRY.map(
    async (r) => [r.policy, (await r.examples()).examples] as [GuardPolicy, readonly PolicyExample[]],
  ),
);

const POLICIES_DIR = new URL("../src/policies/", import.meta.url);

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
    expect(TABLES.map(([p]) => p.name)).toEqual(POLICIES.map((p) => p.name));
    expect(POLICIES.length).toBeGreaterThan(0);
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

describe("the registry (src/policies/index.ts)", () => {
  const names = POLICIES.map((p) => p.name);

  it("names every policy once", () => {
    expect(new Set(names).size).toBe(names.length);
  });

  it("holds every file under src/policies/: a registered policy's definition or its examples", () => {
    const files = readdirSync(POLICIES_DIR).filter((f) => f !== "index.ts");
    const strays = files.filter((f) => {
      const m = /^(.+?)(\.examples)?\.ts$/.exec(f);
      return !m || !names.includes(m[1] ?? "");
    });
    expect(strays).toEqual([]);
    // And every registered policy has both files.
    expect(files.sort()).toEqual(names.flatMap((n) => [`${n}.examples.ts`, `${n}.ts`]).sort());
  });

  it.each(REGISTRY.map((r) => [r.policy.name, r] as const))(
    "%s: its definition is <name>.ts and its examples <name>.examples.ts",
    async (name, entry) => {
      const definition: Record<string, unknown> = await import(new URL(`${name}.ts`, POLICIES_DIR).href);
      expect(Object.values(definition)).toContain(entry.policy);
      const examples: Record<string, unknown> = await import(
        new URL(`${name}.examples.ts`, POLICIES_DIR).href
      );
      expect(examples.examples).toBe((await entry.examples()).examples);
    },
  );
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
