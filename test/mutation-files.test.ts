/**
 * The mutation check draws mutants from the files each registered policy's verdicts depend on,
 * derived from its definition's imports (scripts/mutation/files.ts) instead of a hand-kept list, and
 * runs the tables in a copy of the pack that must find what the real pack finds
 * (scripts/mutation/sandbox.ts).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findTenantRegistry, TENANT_REGISTRY_ENV } from "@retrain/config/tenants";
import { afterAll, describe, expect, it } from "vitest";
import { POLICIES } from "../policies/retrain-guard/src/policies/index.js";
import { PLUMBING, policyFiles } from "../scripts/mutation/files.js";
import {
  createSandbox,
  PACK_ENTRIES,
  PACK_PATH,
  runTests,
  sandboxEnv,
  WORKSPACE_FILES,
} from "../scripts/mutation/sandbox.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PACK = fileURLToPath(new URL("../policies/retrain-guard", import.meta.url));
const VITEST = path.join(ROOT, "node_modules/vitest/vitest.mjs");

describe("mutation files of the pack's policies", () => {
  it.each(POLICIES.map((p) => [p.name]))("%s: its definition first, never the shared plumbing", (name) => {
    const files = policyFiles(PACK, name);
    expect(files[0]).toBe(`src/policies/${name}.ts`);
    expect(files.filter((f) => PLUMBING.has(f))).toEqual([]);
    // A rule's verdict never depends on another policy's examples.
    expect(files.filter((f) => f.endsWith(".examples.ts"))).toEqual([]);
  });

  it("reach every IAM helper for no-wildcard-iam", () => {
    const iam = readdirSync(path.join(PACK, "src/iam")).map((f) => `src/iam/${f}`);
    expect(policyFiles(PACK, "no-wildcard-iam")).toEqual(expect.arrayContaining(iam));
  });

  it("give every policy reading the window model its file", () => {
    for (const name of ["maintenance-task-timeout", "maintenance-window-overlap", "window-notifications"])
      expect(policyFiles(PACK, name)).toContain("src/windows/model.ts");
  });
});

describe("policyFiles", () => {
  const pack = mkdtempSync(path.join(tmpdir(), "mutation-files-"));
  afterAll(() => rmSync(pack, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(pack, file)), { recursive: true });
    writeFileSync(path.join(pack, file), text);
  };

  it("follows value imports transitively and skips type-only ones and plumbing", () => {
    write(
      "src/policies/p.ts",
      'import { a } from "../a.js";\nimport type { T } from "../t.js";\nimport { type U } from "../u.js";\nimport { k } from "../policy-kit.js";\n',
    );
    write("src/a.ts", 'export { b } from "./b.js";\n');
    write("src/b.ts", "export const b = 1;\n");
    write("src/t.ts", "export type T = 1;\n");
    write("src/u.ts", "export type U = 1;\n");
    write("src/policy-kit.ts", 'import { x } from "./never.js";\n');
    expect(policyFiles(pack, "p")).toEqual(["src/policies/p.ts", "src/a.ts", "src/b.ts"]);
  });

  it("fails naming the file and the import it cannot find", () => {
    write("src/policies/q.ts", 'import { gone } from "../gone.js";\n');
    expect(() => policyFiles(pack, "q")).toThrow(/src\/policies\/q\.ts: cannot find \.\.\/gone\.js/);
    expect(() => policyFiles(pack, "none")).toThrow(/no definition file src\/policies\/none\.ts/);
  });
});

describe("the mutation check's copy of the pack", () => {
  const box = createSandbox(ROOT);
  afterAll(() => rmSync(box.root, { recursive: true, force: true }));

  it("sits at the pack's repository path, with the pack's entries and the workspace files it reads", () => {
    expect(box.pack).toBe(path.join(box.root, PACK_PATH));
    for (const entry of PACK_ENTRIES) expect(existsSync(path.join(box.pack, entry)), entry).toBe(true);
    for (const file of WORKSPACE_FILES)
      expect(readFileSync(path.join(box.root, file), "utf8"), file).toBe(
        readFileSync(path.join(ROOT, file), "utf8"),
      );
  });

  it("finds its own copy of the tenant registry from the pack's module, as the real pack does", () => {
    // src/tenancy/registry.ts looks upward from its own directory.
    expect(findTenantRegistry(path.join(box.pack, "src/tenancy"))).toBe(
      path.join(box.root, "policies", "tenants.yaml"),
    );
    expect(sandboxEnv({ [TENANT_REGISTRY_ENV]: "/elsewhere/tenants.yaml", PATH: "/bin" })).toEqual({
      PATH: "/bin",
      CI: "1",
    });
  });

  // The check's own pre-check: unmutated, every policy's table passes in the copy (one vitest run,
  // a few seconds); a file the tables need left out of the copy fails it (tenant-grants did).
  it("passes every policy's table unmutated", async () => {
    expect(await runTests(VITEST, box.pack, "^policy tables ", 60_000)).toEqual({
      passed: true,
      timedOut: false,
    });
  }, 90_000);

  it("fails tenant-grants' table in a copy without the registry (the old pre-check failure)", async () => {
    const bare = createSandbox(ROOT);
    try {
      rmSync(path.join(bare.root, "policies", "tenants.yaml"));
      expect(await runTests(VITEST, bare.pack, "^policy tables tenant-grants ", 60_000)).toEqual({
        passed: false,
        timedOut: false,
      });
    } finally {
      rmSync(bare.root, { recursive: true, force: true });
    }
  }, 90_000);
});
