/**
 * tenant-grants beyond its example table: where the registry comes from, and what happens when it is
 * missing or invalid (every team stack fails, naming the file), and which stacks are team stacks.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadTenantRegistry } from "@retrain/config/tenants";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { packRegistryFile, tenantGrants, tenantGrantsPolicy } from "../src/policies/tenant-grants.js";
import type { StackResource } from "../src/policy-kit.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "tenant-grants-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function resource(
  stack: string,
  project: string,
  type: string,
  name: string,
  props: Record<string, unknown>,
  extra: Partial<StackResource> = {},
): StackResource {
  return {
    type,
    name,
    urn: `urn:pulumi:${stack}::${project}::${type}::${name}`,
    props,
    dependencies: [],
    propertyDependencies: {},
    ...extra,
  };
}

/** A scheduling stack of `team` (by stack name) on env/pool, its resources tagged `tagTeam`. */
function schedulingStack(team: string, env: string, pool: string, tagTeam = team): StackResource[] {
  const w = resource(team, "retrain-scheduling", "aws:ssm/maintenanceWindow:MaintenanceWindow", "weekly", {
    name: `retrain-${env}-${tagTeam}-weekly`,
    tags: { "retrain:team": tagTeam },
  });
  const t = resource(
    team,
    "retrain-scheduling",
    "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
    "weekly-pool",
    {
      targets: [
        { key: "tag:retrain:pool", values: [pool] },
        { key: "tag:retrain:fleet", values: [`retrain-${env}`] },
      ],
    },
    { propertyDependencies: { windowId: [w.urn] } },
  );
  return [w, t];
}

const messages = async (policy: typeof tenantGrants, resources: StackResource[]) =>
  (await policy.check(resources, {})).map((v) => v.message);

describe("tenant-grants", () => {
  it("finds the repository's policies/tenants.yaml from its own module", () => {
    expect(packRegistryFile()).toBe(path.join(root, "policies", "tenants.yaml"));
  });

  it("takes the registry RETRAIN_TENANT_REGISTRY names (the offline plan's workspace) over its own", () => {
    expect(packRegistryFile({ RETRAIN_TENANT_REGISTRY: "/ws/policies/tenants.yaml" })).toBe(
      "/ws/policies/tenants.yaml",
    );
    expect(packRegistryFile({})).toBe(path.join(root, "policies", "tenants.yaml"));
  });

  it("takes the team from the scheduling stack's name: another team's tags are a second team", async () => {
    expect(await messages(tenantGrants, schedulingStack("vision", "prod", "a10g"))).toEqual([]);
    expect(await messages(tenantGrants, schedulingStack("recsys", "dev", "a10g", "vision"))).toEqual([
      expect.stringMatching(/name more than one team: the stack name "recsys" → "recsys"; .* → "vision"/),
    ]);
  });

  it("does not judge the platform's iam and fleet stacks, whatever they hold, nor an empty team stack", async () => {
    const stackOnly = resource("vision", "retrain-scheduling", "pulumi:pulumi:StackReference", "iam", {});
    expect(
      await messages(
        tenantGrantsPolicy(() => undefined),
        [stackOnly],
      ),
    ).toEqual([]);
    for (const project of ["retrain-iam", "retrain-fleet"]) {
      const doc = resource("prod", project, "aws:ssm/document:Document", "idle-stop", { name: "idle-stop" });
      expect(await messages(tenantGrants, [doc])).toEqual([]);
    }
  });

  it("fails every team stack, naming the file, when there is no registry", async () => {
    const policy = tenantGrantsPolicy(() => undefined);
    expect(await messages(policy, schedulingStack("vision", "prod", "a10g"))).toEqual([
      expect.stringMatching(
        /no tenant registry: there is no policies\/tenants\.yaml at or above the policy pack/,
      ),
    ]);
    expect(await messages(policy, [resource("prod", "retrain-iam", "aws:iam/role:Role", "r", {})])).toEqual(
      [],
    );
  });

  it.each([
    ["not YAML", "teams: [\n", /YAML syntax error/],
    [
      "a grant without pools",
      "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: []\n",
      /pools/,
    ],
    ["an unknown key", "teams: {}\nadmins: [vision]\n", /admins/],
  ])("fails every team stack, naming the file, when the registry is %s", async (_what, text, detail) => {
    const file = path.join(dir, `${_what.replace(/\W+/g, "-")}.yaml`);
    writeFileSync(file, text);
    const out = await messages(
      tenantGrantsPolicy(() => file),
      schedulingStack("vision", "prod", "a10g"),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(`the tenant registry ${file} is invalid`);
    expect(out[0]).toMatch(detail);
  });

  it("reads a changed registry: a new grant lets the stack pass", async () => {
    const file = path.join(dir, "granted.yaml");
    writeFileSync(
      file,
      "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: [a10g, l4]\n",
    );
    const policy = tenantGrantsPolicy(() => file);
    expect(await messages(policy, schedulingStack("vision", "prod", "l4"))).toEqual([]);
    writeFileSync(file, "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: [a10g]\n");
    expect(await messages(policy, schedulingStack("vision", "prod", "l4"))).toEqual([
      expect.stringMatching(/team "vision" may not use pool "l4" of prod; it is granted prod \(pool a10g\)/),
    ]);
  });

  it("passes a stack built like the program's exactly when the registry grants its team, environment and pool", async () => {
    const file = packRegistryFile();
    if (!file) throw new Error("policies/tenants.yaml not found from the pack");
    const { registry } = loadTenantRegistry(file);
    const granted = (team: string, env: string, pool: string) =>
      Object.hasOwn(registry.teams, team) &&
      (registry.teams[team]?.grants ?? []).some((g) => g.environment === env && g.pools.includes(pool));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(registry.teams), "ads"),
        fc.constantFrom("prod", "dev", "staging"),
        fc.constantFrom("a10g", "l4", "h100"),
        async (team, env, pool) => {
          const out = await messages(tenantGrants, schedulingStack(team, env, pool));
          if (granted(team, env, pool)) expect(out).toEqual([]);
          else expect(out).toEqual([expect.stringContaining(`team "${team}"`)]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
