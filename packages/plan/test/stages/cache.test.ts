/**
 * The per-stack plan cache is safe: every declared input, changed in turn, changes the key of the
 * stacks that read it and of their downstream stacks, and of no other stack; a cached plan reports
 * exactly what an uncached one does; a corrupt entry re-plans; the cache refuses a directory the
 * repository could write.
 */
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runPlan } from "../../src/engine.js";
import {
  type CacheEntry,
  entryStore,
  PlanCacheSettingError,
  planCacheSettings,
} from "../../src/stages/cache.js";
import { type KeyEnvironment, stackKeyer, validUntil } from "../../src/stages/cache-key.js";
import { planContext } from "../../src/stages/context.js";
import { select } from "../../src/stages/select.js";
import { REPO_ROOT, type WorkspaceCopy, workspaceCopies } from "../support/workspace.js";

const FROM = new Date("2026-11-30T00:00:00Z");
const copy = workspaceCopies();
const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});
const temp = (prefix: string) => {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(d);
  return d;
};
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
};
const pkg = (dir: string, name: string, deps: Record<string, string> = {}) => {
  write(path.join(dir, "package.json"), JSON.stringify({ name, dependencies: deps }));
  write(path.join(dir, "src/index.ts"), `export const name = "${name}";\n`);
  write(path.join(dir, "dist/index.js"), `export const name = "${name}";\n`);
};
const link = (target: string, at: string) => {
  mkdirSync(path.dirname(at), { recursive: true });
  symlinkSync(target, at, "dir");
};

interface Fixture {
  ws: WorkspaceCopy;
  /** A package the scheduling program imports, and one it imports only through that one. */
  components: string;
  deep: string;
  /** The engine's repository: its lockfile, packages/plan and a package the engine imports. */
  tool: string;
  engineDep: string;
  at: { -readonly [K in keyof KeyEnvironment]: KeyEnvironment[K] };
}

/**
 * A workspace copy whose scheduling program imports packages of the fixture's own (so the test can
 * change them), with an installed pack of its own, and an engine repository of its own.
 */
function fixture(): Fixture {
  const ws = copy();
  const base = temp("plan-cache-fixture-");
  // The scheduling program's node_modules: the real one, but @retrain/components is the fixture's.
  const components = path.join(base, "components");
  const deep = path.join(base, "deep");
  pkg(components, "@retrain/components", { "@retrain/deep": "workspace:*" });
  pkg(deep, "@retrain/deep");
  link(deep, path.join(components, "node_modules/@retrain/deep"));
  const modules = path.join(ws.root, "stacks/scheduling/node_modules");
  const real = path.join(REPO_ROOT, "stacks/scheduling/node_modules");
  rmSync(modules);
  for (const entry of readdirSync(real)) {
    if (entry === "@retrain") continue;
    link(path.join(real, entry), path.join(modules, entry));
  }
  for (const entry of readdirSync(path.join(real, "@retrain"))) {
    const target = entry === "components" ? components : path.join(real, "@retrain", entry);
    link(target, path.join(modules, "@retrain", entry));
  }
  // An installed pack in the workspace (locatePack prefers it to the bundled one).
  const pack = path.join(ws.root, "policies/retrain-guard");
  write(path.join(pack, "PulumiPolicy.yaml"), "runtime: nodejs\n");
  pkg(pack, "retrain-guard");
  mkdirSync(path.join(pack, "node_modules/@pulumi/policy"), { recursive: true });
  // The engine's repository.
  const tool = path.join(base, "tool");
  const engineDep = path.join(tool, "packages/engine-dep");
  write(path.join(tool, "pnpm-lock.yaml"), "lockfileVersion: '9.0'\n");
  pkg(path.join(tool, "packages/plan"), "@retrain/plan", { "@retrain/engine-dep": "workspace:*" });
  pkg(engineDep, "@retrain/engine-dep");
  link(engineDep, path.join(tool, "packages/plan/node_modules/@retrain/engine-dep"));
  return {
    ws,
    components,
    deep,
    tool,
    engineDep,
    at: {
      env: { PATH: "/usr/bin", RETRAIN_TENANT_REGISTRY: "" },
      cwd: ws.root,
      now: new Date("2026-12-02T09:00:00Z"),
      node: "v22.0.0 linux x64",
      toolRoot: tool,
    },
  };
}

function keysOf(f: Fixture): Map<string, string> {
  const ctx = planContext({ workspace: f.ws.root, from: FROM });
  const selection = select(ctx);
  const keyer = stackKeyer(ctx.root, selection, { ...f.at, env: { ...f.at.env } });
  return new Map(selection.workspace.stacks.map((s) => [s.id, keyer.key(s)]));
}

const TEAMS = ["scheduling/nlp", "scheduling/recsys", "scheduling/vision"];
const ALL = ["iam/dev", "iam/prod", "fleet/dev", "fleet/prod", ...TEAMS];
const touch = (file: string) => appendFileSync(file, "\n# changed\n");
const teamFile = (t: string) => `stacks/scheduling/teams/${t}/Pulumi.${t}.yaml`;

/** Each input → how to change it → the stacks that must re-plan (every other stack must not). */
const INPUTS: { input: string; change: (f: Fixture) => void; replans: string[] }[] = [
  {
    input: "the stack's config file",
    change: (f) => touch(path.join(f.ws.root, teamFile("nlp"))),
    replans: ["scheduling/nlp"],
  },
  {
    input: "a sibling team's config file (unrelated to nlp)",
    change: (f) => touch(path.join(f.ws.root, teamFile("vision"))),
    replans: ["scheduling/vision"],
  },
  {
    input: "its program's source",
    change: (f) => touch(path.join(f.ws.root, "stacks/scheduling/src/program.ts")),
    replans: TEAMS,
  },
  {
    input: "its program's package.json",
    change: (f) => {
      const file = path.join(f.ws.root, "stacks/scheduling/package.json");
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), version: "0.2.0" }));
    },
    replans: TEAMS,
  },
  {
    input: "its program's Pulumi.yaml",
    change: (f) => touch(path.join(f.ws.root, "stacks/scheduling/Pulumi.yaml")),
    replans: TEAMS,
  },
  {
    input: "a workspace package the program imports (source)",
    change: (f) => touch(path.join(f.components, "src/index.ts")),
    replans: TEAMS,
  },
  {
    input: "a workspace package the program imports (compiled)",
    change: (f) => touch(path.join(f.components, "dist/index.js")),
    replans: TEAMS,
  },
  {
    input: "a package the program imports transitively",
    change: (f) => touch(path.join(f.deep, "src/index.ts")),
    replans: TEAMS,
  },
  {
    input: "an upstream stack's config (iam/prod)",
    change: (f) => touch(path.join(f.ws.root, "stacks/iam/envs/prod/Pulumi.prod.yaml")),
    replans: ["iam/prod", "fleet/prod", "scheduling/nlp", "scheduling/vision"],
  },
  {
    input: "an upstream stack's config (fleet/dev)",
    change: (f) => touch(path.join(f.ws.root, "stacks/fleet/envs/dev/Pulumi.dev.yaml")),
    replans: ["fleet/dev", "scheduling/recsys"],
  },
  {
    input: "an upstream stack's program",
    change: (f) => touch(path.join(f.ws.root, "stacks/fleet/src/program.ts")),
    replans: ["fleet/dev", "fleet/prod", ...TEAMS],
  },
  {
    input: "the workspace lockfile (dependency versions)",
    change: (f) => write(path.join(f.ws.root, "pnpm-lock.yaml"), "lockfileVersion: '9.0'\n"),
    replans: ALL,
  },
  { input: "the engine's lockfile", change: (f) => touch(path.join(f.tool, "pnpm-lock.yaml")), replans: ALL },
  {
    input: "the engine's own code",
    change: (f) => touch(path.join(f.tool, "packages/plan/dist/index.js")),
    replans: ALL,
  },
  {
    input: "a package the engine imports",
    change: (f) => touch(path.join(f.engineDep, "src/index.ts")),
    replans: ALL,
  },
  {
    input: "the policy pack's source",
    change: (f) => touch(path.join(f.ws.root, "policies/retrain-guard/src/index.ts")),
    replans: ALL,
  },
  {
    input: "the policy pack's compiled code",
    change: (f) => touch(path.join(f.ws.root, "policies/retrain-guard/dist/index.js")),
    replans: ALL,
  },
  {
    input: "the pack config",
    change: (f) => f.ws.write("policies/retrain-guard/policy-config.json", "{}\n"),
    replans: ALL,
  },
  {
    input: "the tenant registry",
    change: (f) => touch(path.join(f.ws.root, "policies/tenants.yaml")),
    replans: ALL,
  },
  {
    input: "retrain.json",
    change: (f) => f.ws.write("retrain.json", JSON.stringify({ pulumi: { organization: "other" } })),
    replans: ALL,
  },
  {
    input: "a RETRAIN_* variable",
    change: (f) => {
      f.at.env = { ...f.at.env, RETRAIN_TENANT_REGISTRY: "/elsewhere/tenants.yaml" };
    },
    replans: ALL,
  },
  {
    input: "a PULUMI_* variable",
    change: (f) => {
      f.at.env = { ...f.at.env, PULUMI_CONFIG: "{}" };
    },
    replans: ALL,
  },
  {
    input: "the Node.js version",
    change: (f) => {
      f.at.node = "v24.0.0 linux x64";
    },
    replans: ALL,
  },
  {
    input: "the UTC day",
    change: (f) => {
      f.at.now = new Date("2026-12-03T09:00:00Z");
    },
    replans: ALL,
  },
  // Not inputs: nothing re-plans.
  {
    input: "the cache's own settings",
    change: (f) => {
      f.at.env = { ...f.at.env, RETRAIN_PLAN_CACHE_DIR: "/x", RETRAIN_PLAN_CACHE: "1" };
    },
    replans: [],
  },
  {
    input: "the number of workers (RETRAIN_PLAN_JOBS: the same report for any)",
    change: (f) => {
      f.at.env = { ...f.at.env, RETRAIN_PLAN_JOBS: "1" };
    },
    replans: [],
  },
  {
    input: "an unrelated variable",
    change: (f) => {
      f.at.env = { ...f.at.env, HOME: "/h" };
    },
    replans: [],
  },
  {
    input: "a later hour of the same UTC day",
    change: (f) => {
      f.at.now = new Date("2026-12-02T17:00:00Z");
    },
    replans: [],
  },
  {
    input: "a test of the program",
    change: (f) => write(path.join(f.ws.root, "stacks/scheduling/test/extra.test.ts"), "// x\n"),
    replans: [],
  },
  { input: "a file at the root", change: (f) => f.ws.write("NOTES.md", "x\n"), replans: [] },
];

describe("cache key: each declared input re-plans the stacks that read it, and only those", () => {
  it.each(INPUTS)("$input", ({ change, replans }) => {
    const f = fixture();
    const before = keysOf(f);
    expect([...before.keys()].sort()).toEqual([...ALL].sort());
    expect(keysOf(f)).toEqual(before); // deterministic
    change(f);
    const after = keysOf(f);
    const changed = ALL.filter((id) => before.get(id) !== after.get(id));
    expect(changed.sort()).toEqual([...replans].sort());
  });
});

describe("validUntil", () => {
  it("ends at the stack's first upcoming window run, at the latest at the next UTC midnight", () => {
    const ctx = planContext({ workspace: REPO_ROOT, from: FROM });
    const stacks = new Map(select(ctx).workspace.stacks.map((s) => [s.id, s]));
    const at = new Date("2026-12-02T09:00:00Z");
    const midnight = Date.parse("2026-12-03T00:00:00Z");
    expect(validUntil(stacks.get("iam/dev")!, at)).toBe(midnight);
    for (const id of ["scheduling/nlp", "scheduling/recsys", "scheduling/vision"]) {
      const until = validUntil(stacks.get(id)!, at);
      expect(until).toBeGreaterThan(at.getTime());
      expect(until).toBeLessThanOrEqual(midnight);
    }
  });
});

describe("entry store", () => {
  const entry = (over: Partial<CacheEntry> = {}): CacheEntry => ({
    format: 1,
    key: "ab".repeat(32),
    stack: "scheduling/nlp",
    validUntil: Date.parse("2026-12-03T00:00:00Z"),
    resources: [],
    outputs: { windows: [] },
    violations: [],
    ...over,
  });
  const now = Date.parse("2026-12-02T09:00:00Z");

  it("reads back what it wrote, atomically (no temporary file left)", () => {
    const store = entryStore(temp("plan-cache-store-"));
    store.write(entry());
    expect(store.read(entry().key, "scheduling/nlp", now)).toEqual(entry());
    expect(readdirSync(path.dirname(store.fileOf(entry().key)))).toEqual([`${entry().key}.json`]);
  });

  it.each([
    ["truncated", (file: string) => writeFileSync(file, readFileSync(file, "utf8").slice(0, 20))],
    ["not JSON", (file: string) => writeFileSync(file, "\u0000\u0001garbage")],
    ["another format", (file: string) => writeFileSync(file, JSON.stringify({ ...entry(), format: 0 }))],
    [
      "another stack's",
      (file: string) => writeFileSync(file, JSON.stringify(entry({ stack: "scheduling/vision" }))),
    ],
    ["another key's", (file: string) => writeFileSync(file, JSON.stringify(entry({ key: "cd".repeat(32) })))],
    ["expired", (file: string) => writeFileSync(file, JSON.stringify(entry({ validUntil: now })))],
    [
      "missing its resources",
      (file: string) => writeFileSync(file, JSON.stringify({ ...entry(), resources: "x" })),
    ],
  ])("ignores an entry that is %s", (_, spoil) => {
    const store = entryStore(temp("plan-cache-store-"));
    store.write(entry());
    spoil(store.fileOf(entry().key));
    expect(store.read(entry().key, "scheduling/nlp", now)).toBeUndefined();
  });
});

describe("cache settings", () => {
  const workspace = REPO_ROOT;
  it("defaults to a directory outside the checkout, under XDG_CACHE_HOME or ~/.cache", () => {
    expect(planCacheSettings({ workspace, env: { XDG_CACHE_HOME: "/var/cache/u" } })).toEqual({
      dir: "/var/cache/u/retrain-infra/plan",
    });
    expect(planCacheSettings({ workspace, env: {} })?.dir).toMatch(/\.cache\/retrain-infra\/plan$/);
    expect(planCacheSettings({ workspace, env: { RETRAIN_PLAN_CACHE_DIR: "/srv/plan-cache" } })).toEqual({
      dir: "/srv/plan-cache",
    });
  });

  it("is off with --no-cache or RETRAIN_PLAN_CACHE=0", () => {
    expect(planCacheSettings({ workspace, noCache: true, env: {} })).toBeUndefined();
    expect(planCacheSettings({ workspace, env: { RETRAIN_PLAN_CACHE: "0" } })).toBeUndefined();
  });

  it.each([
    [
      { RETRAIN_PLAN_CACHE_DIR: path.join(REPO_ROOT, ".plan-cache") },
      /RETRAIN_PLAN_CACHE_DIR .* is inside the workspace/,
    ],
    [{ RETRAIN_PLAN_CACHE_DIR: REPO_ROOT }, /inside the workspace/],
    [
      { XDG_CACHE_HOME: path.join(REPO_ROOT, "cache") },
      /default plan cache directory .* inside the workspace/,
    ],
    [{ RETRAIN_PLAN_CACHE_DIR: "relative/dir" }, /RETRAIN_PLAN_CACHE_DIR must be an absolute path/],
    [{ RETRAIN_PLAN_CACHE: "yes" }, /RETRAIN_PLAN_CACHE must be 0 \(no cache\) or 1/],
  ])("refuses %o", (env, message) => {
    expect(() => planCacheSettings({ workspace, env })).toThrow(PlanCacheSettingError);
    expect(() => planCacheSettings({ workspace, env })).toThrow(message);
  });
});

describe("a cached plan", () => {
  /** The stack entries (not the permissions proof's memo files, `permissions-v*`, beside them). */
  const entries = (dir: string) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !path.relative(dir, e.parentPath).startsWith("permissions-"))
      .map((e) => path.join(e.parentPath, e.name))
      .sort();

  it("reports what an uncached plan reports; a changed team re-plans alone; a corrupt entry re-plans", async () => {
    const ws = copy();
    const dir = temp("plan-cache-dir-");
    const uncached = async () => JSON.stringify(await runPlan({ workspace: ws.root, from: FROM }));
    const cached = async () =>
      JSON.stringify(await runPlan({ workspace: ws.root, from: FROM, cache: { dir } }));

    const cold = await cached();
    const stored = entries(dir);
    expect(stored).toHaveLength(7); // every stack planned and analysed
    const warm = await cached();
    expect(entries(dir)).toEqual(stored); // nothing re-planned
    expect(warm).toEqual(cold);
    expect(warm).toEqual(await uncached());

    ws.editYaml(teamFile("nlp"), (doc) => {
      doc.setIn(
        ["config", "scheduling:windows", 0, "tasks", 0, "command"],
        "cd /opt/nlp && ./finetune.sh --dataset weekly",
      );
    });
    const changed = await cached();
    const added = entries(dir).filter((e) => !stored.includes(e));
    expect(added).toHaveLength(1); // nlp alone
    expect(JSON.parse(readFileSync(added[0]!, "utf8")).stack).toBe("scheduling/nlp");
    expect(changed).toEqual(await uncached());
    expect(changed).not.toEqual(warm);

    for (const file of entries(dir)) writeFileSync(file, readFileSync(file, "utf8").slice(0, 100));
    expect(await cached()).toEqual(changed);
    // Every stack's current entry was re-planned and rewritten (nlp's previous one stays spoilt, unused).
    const parses = (file: string) => {
      try {
        JSON.parse(readFileSync(file, "utf8"));
        return true;
      } catch {
        return false;
      }
    };
    expect(entries(dir).filter(parses)).toHaveLength(7);
  }, 120_000);
});
