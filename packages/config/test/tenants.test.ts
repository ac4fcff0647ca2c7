/** The tenant registry (policies/tenants.yaml): its schema errors, the grant check and the finder. */
import { mkdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, type ConfigProblem } from "../src/errors.js";
import {
  checkTenancy,
  describeGrants,
  findTenantRegistry,
  loadTenantRegistry,
  TENANT_REGISTRY_PATH,
  type TenantRegistry,
  teamsGranted,
} from "../src/tenants.js";
import { type TempWorkspace, tempWorkspace } from "./support/workspace.js";

const REPO_ROOT = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));

let ws: TempWorkspace | undefined;
afterEach(() => ws?.remove());

/** Writes `text` as a workspace's registry and loads it. */
function load(text: string) {
  ws = tempWorkspace();
  const file = ws.write(TENANT_REGISTRY_PATH, text);
  return loadTenantRegistry(file, TENANT_REGISTRY_PATH);
}

function problemsOf(text: string): ConfigProblem[] {
  try {
    load(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).file).toBe(TENANT_REGISTRY_PATH);
    expect((e as ConfigError).message).toContain(TENANT_REGISTRY_PATH);
    return (e as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("the example registry", () => {
  it("grants exactly vision → prod/a10g, nlp → prod/l4, recsys → dev/a10g", () => {
    const { registry } = loadTenantRegistry(path.join(REPO_ROOT, TENANT_REGISTRY_PATH));
    const grants = Object.fromEntries(
      Object.entries(registry.teams).map(([team, t]) => [
        team,
        t.grants.map((g) => `${g.environment}/${g.pools.join("+")}`),
      ]),
    );
    expect(grants).toEqual({ vision: ["prod/a10g"], nlp: ["prod/l4"], recsys: ["dev/a10g"] });
  });
});

describe("loadTenantRegistry", () => {
  it("loads a valid registry, defaults applied", () => {
    const { registry } = load(
      "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: [a10g, l4]\n      - environment: dev\n        pools: [a10g]\n",
    );
    expect(registry.teams.vision).toEqual({
      grants: [
        { environment: "prod", pools: ["a10g", "l4"] },
        { environment: "dev", pools: ["a10g"] },
      ],
      alertEmailDomains: [],
    });
  });

  it.each<[string, string, { key: string; line?: number; message: RegExp }]>([
    ["no teams key", "{}\n", { key: "teams", message: /required/ }],
    [
      "an unknown top-level key",
      "teams: {}\nadmins: [mallory]\n",
      { key: "admins", line: 2, message: /unknown key \(allowed: teams\)/ },
    ],
    [
      "a team name that is no slug",
      "teams:\n  Vision:\n    grants:\n      - environment: prod\n        pools: [a10g]\n",
      { key: "teams.Vision", line: 2, message: /team must be lowercase letters/ },
    ],
    [
      "a team without grants",
      "teams:\n  vision:\n    grants: []\n",
      { key: "teams.vision.grants", line: 3, message: /at least one grant/ },
    ],
    [
      "a grant without pools",
      "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: []\n",
      { key: "teams.vision.grants[0].pools", line: 5, message: /at least one pool/ },
    ],
    [
      "a pool name that is no slug",
      "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: ['*']\n",
      { key: "teams.vision.grants[0].pools[0]", line: 5, message: /pool name must be/ },
    ],
    [
      "an environment twice",
      "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: [a10g]\n      - environment: prod\n        pools: [l4]\n",
      { key: "teams.vision.grants[1].environment", line: 6, message: /"prod" is granted twice/ },
    ],
    [
      "an unknown key in a grant",
      "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: [a10g]\n        accounts: ['*']\n",
      {
        key: "teams.vision.grants[0].accounts",
        line: 6,
        message: /unknown key \(allowed: environment, pools\)/,
      },
    ],
    [
      "an alert domain that is no domain",
      "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: [a10g]\n    alertEmailDomains: ['@evil']\n",
      { key: "teams.vision.alertEmailDomains[0]", line: 6, message: /domain such as example\.com/ },
    ],
    [
      // Attack: team `ml`'s window `ops-nightly` would be named like team `ml-ops`'s window `nightly`
      // (alarms and rules are unique per account: the later deploy takes over the other's).
      "a team name that starts with another team's name and '-'",
      "teams:\n  ml:\n    grants:\n      - environment: prod\n        pools: [a10g]\n  ml-ops:\n    grants:\n      - environment: dev\n        pools: [a10g]\n",
      { key: "teams.ml-ops", line: 6, message: /"ml-ops" starts with "ml-", the name prefix of team "ml"/ },
    ],
    [
      // Attack: `retrain-dev-eu-xy-…` is both team `eu-xy` in dev and team `xy` in dev-eu.
      "two grants whose name scopes `<environment>-<team>-` overlap",
      "teams:\n  eu-xy:\n    grants:\n      - environment: dev\n        pools: [a10g]\n  xy:\n    grants:\n      - environment: dev-eu\n        pools: [a10g]\n",
      {
        key: "teams.xy.grants[0].environment",
        line: 8,
        message: /names of team xy in dev-eu start "retrain-dev-eu-xy-", like those of team eu-xy in dev/,
      },
    ],
    ["a YAML syntax error", "teams:\n  vision: [\n", { key: "", line: 3, message: /YAML syntax error/ }],
    [
      "a duplicate team",
      "teams:\n  vision:\n    grants: []\n  vision:\n    grants: []\n",
      { key: "", line: 4, message: /unique/i },
    ],
  ])("names the key and line of %s", (_name, text, expected) => {
    const problems = problemsOf(text);
    const match = problems.find((p) => p.key === expected.key && expected.message.test(p.message));
    expect(match, JSON.stringify(problems, null, 2)).toBeDefined();
    if (expected.line !== undefined) expect(match?.line).toBe(expected.line);
  });

  it("names the file it cannot read", () => {
    expect(() => loadTenantRegistry("/nonexistent/policies/tenants.yaml", "policies/tenants.yaml")).toThrow(
      /invalid config in policies\/tenants\.yaml:\n {2}- cannot read the tenant registry/,
    );
  });

  it("re-reads a registry whose content changed", () => {
    ws = tempWorkspace();
    const file = ws.write(TENANT_REGISTRY_PATH, "teams: {}\n");
    expect(Object.keys(loadTenantRegistry(file).registry.teams)).toEqual([]);
    ws.write(
      TENANT_REGISTRY_PATH,
      "teams:\n  nlp:\n    grants:\n      - environment: dev\n        pools: [l4]\n",
    );
    expect(Object.keys(loadTenantRegistry(file).registry.teams)).toEqual(["nlp"]);
  });

  it("re-reads a registry rewritten to the same size with its old modification time", () => {
    ws = tempWorkspace();
    const grant = (team: string) =>
      `teams:\n  ${team}:\n    grants:\n      - environment: dev\n        pools: [l4]\n`;
    const file = ws.write(TENANT_REGISTRY_PATH, grant("nlp"));
    const before = statSync(file);
    expect(Object.keys(loadTenantRegistry(file).registry.teams)).toEqual(["nlp"]);
    ws.write(TENANT_REGISTRY_PATH, grant("cv1"));
    utimesSync(file, before.atime, before.mtime);
    expect(Object.keys(loadTenantRegistry(file).registry.teams)).toEqual(["cv1"]);
  });
});

describe("findTenantRegistry", () => {
  it("finds the nearest policies/tenants.yaml at or above a folder, or nothing", () => {
    ws = tempWorkspace({ [TENANT_REGISTRY_PATH]: "teams: {}\n" });
    const deep = path.join(ws.root, "stacks/scheduling/teams/vision");
    mkdirSync(deep, { recursive: true });
    expect(findTenantRegistry(deep)).toBe(path.join(ws.root, TENANT_REGISTRY_PATH));
    expect(findTenantRegistry(ws.root)).toBe(path.join(ws.root, TENANT_REGISTRY_PATH));
    const bare = tempWorkspace({ "x/y.txt": "" });
    try {
      expect(findTenantRegistry(path.join(bare.root, "x"))).toBeUndefined();
    } finally {
      bare.remove();
    }
  });
});

describe("checkTenancy", () => {
  const registry: TenantRegistry = {
    teams: {
      vision: { grants: [{ environment: "prod", pools: ["a10g"] }], alertEmailDomains: [] },
      nlp: {
        grants: [
          { environment: "prod", pools: ["l4"] },
          { environment: "dev", pools: ["a10g", "l4"] },
        ],
        alertEmailDomains: [],
      },
    },
  };
  const windows = (...pools: string[]) =>
    pools.map((pool, i) => ({ pool, key: `scheduling:windows[${i}].pool` }));

  it.each<[string, Parameters<typeof checkTenancy>[1], { key: string; message: RegExp }[]]>([
    ["a granted environment and pool", { team: "vision", environment: "prod", pools: windows("a10g") }, []],
    ["several granted pools", { team: "nlp", environment: "dev", pools: windows("l4", "a10g") }, []],
    [
      "an unregistered team",
      { team: "recsys", environment: "dev", pools: windows("a10g") },
      [
        {
          key: "scheduling:team",
          message: /^team "recsys" is not registered in policies\/tenants\.yaml; security adds/,
        },
      ],
    ],
    [
      "an environment not granted",
      { team: "vision", environment: "dev", pools: windows("a10g") },
      [
        {
          key: "scheduling:environment",
          message:
            /^team "vision" may not use environment "dev"; it is granted prod \(pool a10g\) in policies\/tenants\.yaml$/,
        },
      ],
    ],
    [
      "a pool not granted, in the window that names it",
      { team: "nlp", environment: "prod", pools: windows("l4", "a10g", "l4") },
      [
        {
          key: "scheduling:windows[1].pool",
          message:
            /^team "nlp" may not use pool "a10g" of prod; it is granted prod \(pool l4\), dev \(pools a10g, l4\) in/,
        },
      ],
    ],
    [
      "a team named like an Object.prototype member",
      { team: "constructor", environment: "prod", pools: windows("a10g") },
      [{ key: "scheduling:team", message: /team "constructor" is not registered/ }],
    ],
  ])("%s", (_name, request, expected) => {
    const problems = checkTenancy(registry, request);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(problems[i]?.key).toBe(e.key);
      expect(problems[i]?.message).toMatch(e.message);
    });
  });

  it("names the registry file it was given", () => {
    const [p] = checkTenancy(registry, { team: "x1", environment: "dev", pools: [] }, "elsewhere/t.yaml");
    expect(p?.message).toContain("elsewhere/t.yaml");
  });

  it("describes grants in words, and teams per environment", () => {
    expect(describeGrants(undefined)).toMatch(/^nothing/);
    expect(describeGrants(registry.teams.nlp)).toBe("prod (pool l4), dev (pools a10g, l4)");
    expect(teamsGranted(registry, "prod")).toEqual([
      { team: "nlp", pools: ["l4"] },
      { team: "vision", pools: ["a10g"] },
    ]);
    expect(teamsGranted(registry, "staging")).toEqual([]);
  });
});

describe("the registry file", () => {
  it("is the one TENANT_REGISTRY_PATH names, and says who owns it", () => {
    expect(readFileSync(path.join(REPO_ROOT, TENANT_REGISTRY_PATH), "utf8")).toMatch(/Owned by security/);
  });
});
