/**
 * The window policies changed for the shared-fleet audit, beyond their example tables: their tables
 * run here on their own (as test/policies.test.ts runs every table), and maintenance-window-overlap
 * against registries where a pool really is granted to several teams (the repository's registry
 * shares none, so its table marks a pool shared through the pack config).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadTenantRegistry } from "@retrain/config/tenants";
import { UNKNOWN } from "@retrain/config/unknown";
import { afterAll, describe, expect, it } from "vitest";
import { type PolicyExample, urnOf } from "../src/examples.js";
import { examples as taskTimeoutExamples } from "../src/policies/maintenance-task-timeout.examples.js";
import { maintenanceTaskTimeout } from "../src/policies/maintenance-task-timeout.js";
import { examples as limitsExamples } from "../src/policies/maintenance-window-limits.examples.js";
import { maintenanceWindowLimits } from "../src/policies/maintenance-window-limits.js";
import { examples as overlapExamples } from "../src/policies/maintenance-window-overlap.examples.js";
import {
  maintenanceWindowOverlap,
  maintenanceWindowOverlapPolicy,
} from "../src/policies/maintenance-window-overlap.js";
import { examples as tenantExamples } from "../src/policies/tenant-grants.examples.js";
import { tenantGrants } from "../src/policies/tenant-grants.js";
import { type GuardPolicy, parseConfig, type StackResource, type Violation } from "../src/policy-kit.js";
import { teamsOnPool } from "../src/tenancy/registry.js";

function stackOf(example: PolicyExample, stack = "urn:pulumi:dev::retrain-example"): StackResource[] {
  const urn = (type: string, name: string) =>
    urnOf(type, name).replace("urn:pulumi:dev::retrain-example", stack);
  const urnByName = (n: string) => {
    const target = example.resources.find((x) => x.name === n);
    return target ? urn(target.type, target.name) : urn("retrain:index:Component", n);
  };
  return example.resources.map((r) => {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, names] of Object.entries(r.propertyDependencies ?? {}))
      propertyDependencies[k] = names.map(urnByName);
    const s: StackResource = {
      type: r.type,
      name: r.name,
      urn: urn(r.type, r.name),
      props: r.props,
      dependencies: (r.dependencies ?? []).map(urnByName),
      propertyDependencies,
    };
    if (r.parent) s.parent = urnByName(r.parent);
    return s;
  });
}

async function run(policy: GuardPolicy, example: PolicyExample): Promise<Violation[]> {
  const config = parseConfig(policy, example.config ?? {});
  const stack = stackOf(example);
  if (policy.kind === "stack") return policy.check(stack, config);
  const out: Violation[] = [];
  for (const r of stack)
    if (policy.resourceTypes === "all" || policy.resourceTypes.includes(r.type))
      out.push(...(await policy.check(r, config)));
  return out;
}

const TABLES: [GuardPolicy, readonly PolicyExample[]][] = [
  [maintenanceWindowLimits, limitsExamples],
  [maintenanceTaskTimeout, taskTimeoutExamples],
  [maintenanceWindowOverlap, overlapExamples],
  [tenantGrants, tenantExamples],
];

describe.each(TABLES.map(([p, e]) => [p.name, p, e] as const))("%s table", (_name, policy, examples) => {
  it.each(examples.map((e) => [e.title, e] as const))("%s", async (_t, example) => {
    const messages = (await run(policy, example)).map((v) => v.message);
    expect(messages).toHaveLength(example.violations.length);
    example.violations.forEach((pattern, i) => {
      expect(messages[i]).toMatch(pattern);
      expect(messages[i]).toMatch(/Fix: /);
    });
  });
});

const dir = mkdtempSync(path.join(tmpdir(), "win-shared-pools-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const registryFile = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const SHARED = registryFile(
  "shared.yaml",
  `teams:
  vision:
    grants:
      - environment: prod
        pools: [a10g, l4]
  nlp:
    grants:
      - environment: prod
        pools: [l4]
      - environment: dev
        pools: [a10g]
`,
);

const window = (schedule: string, env: string, pool: string, extra: Record<string, unknown> = {}) =>
  stackOf({
    title: "",
    violations: [],
    resources: [
      {
        type: "aws:ssm/maintenanceWindow:MaintenanceWindow",
        name: "w",
        props: { schedule, duration: 3, cutoff: 1, ...extra },
      },
      {
        type: "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
        name: "w-pool",
        props: {
          windowId: UNKNOWN,
          targets: [
            { key: "tag:retrain:pool", values: [pool] },
            { key: "tag:retrain:fleet", values: [`retrain-${env}`] },
          ],
        },
        propertyDependencies: { windowId: ["w"] },
      },
    ],
  });

describe("maintenance-window-overlap on pools the registry shares", () => {
  const policy = maintenanceWindowOverlapPolicy(() => SHARED);
  const check = (stack: StackResource[], config: Record<string, unknown> = {}) =>
    (policy.check(stack, parseConfig(policy, config)) as Violation[]).map((v) => v.message);

  it("indexes the teams of each pool per environment", () => {
    const { registry } = loadTenantRegistry(SHARED);
    expect(teamsOnPool(registry, "prod", "l4")).toEqual(["nlp", "vision"]);
    expect(teamsOnPool(registry, "prod", "a10g")).toEqual(["vision"]);
    expect(teamsOnPool(registry, "dev", "a10g")).toEqual(["nlp"]);
    expect(teamsOnPool(registry, "dev", "l4")).toEqual([]);
  });

  it("refuses a rate() window on a pool granted to two teams, naming them", () => {
    expect(check(window("rate(7 days)", "prod", "l4"))).toEqual([
      expect.stringMatching(
        /MaintenanceWindow "w": schedule "rate\(7 days\)" is a rate on pool l4 of prod, which the tenant registry grants to teams nlp, vision: .*Fix: use a cron/,
      ),
    ]);
  });

  it("allows a rate() window on a pool one team holds, also where the pool name is shared elsewhere", () => {
    expect(check(window("rate(7 days)", "prod", "a10g"))).toEqual([]);
    expect(check(window("rate(7 days)", "dev", "a10g"))).toEqual([]);
  });

  it("refuses a window on a shared pool whose first run is past the clash check's 53-week lookahead", () => {
    const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
    // Within the lookahead (past the 4-week horizon): the plan compares it with the pool's others.
    expect(check(window("cron(0 4 ? * SUN *)", "prod", "l4", { startDate: days(40) }))).toEqual([]);
    const far = window("cron(0 4 ? * SUN *)", "prod", "l4", { startDate: days(400) });
    expect(check(far)).toEqual([expect.stringMatching(/lookahead of 53 weeks.*cannot see it yet/)]);
    // horizonWeeks (at most 52) neither shortens nor stretches the lookahead.
    expect(
      check(window("cron(0 4 ? * SUN *)", "prod", "l4", { startDate: days(380) }), { horizonWeeks: 52 }),
    ).toEqual([expect.stringMatching(/lookahead of 53 weeks/)]);
    // A pool only its own team holds is not the clash check's business.
    expect(check(window("cron(0 4 ? * SUN *)", "prod", "a10g", { startDate: days(400) }))).toEqual([]);
  });

  it("fails closed without a registry: every pool counts as shared", () => {
    const none = maintenanceWindowOverlapPolicy(() => undefined);
    const bad = maintenanceWindowOverlapPolicy(() => registryFile("bad.yaml", "teams: [\n"));
    for (const p of [none, bad])
      expect(
        (p.check(window("rate(7 days)", "prod", "a10g"), parseConfig(p, {})) as Violation[]).length,
      ).toBe(1);
    // No registry is read for a stack without such a window.
    expect(none.check(window("cron(0 4 ? * SUN *)", "prod", "a10g"), parseConfig(none, {}))).toEqual([]);
  });

  it("rejects a sharedPools entry that is not <environment>/<pool>", () => {
    expect(() => parseConfig(policy, { sharedPools: ["a10g"] })).toThrow(/<environment>\/<pool>/);
  });
});
