/**
 * The temporary workspace a mutant is written into (scripts/mutation/run.ts): a copy of the pack at
 * the same place relative to a workspace root as in the repository (`<root>/policies/retrain-guard`),
 * with the files outside the pack that its code and tests read copied beside it at their repository
 * paths, so the copy finds them exactly as the real pack does (e.g. the tenant registry, looked up as
 * the nearest policies/tenants.yaml at or above the pack's module: src/tenancy/registry.ts).
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TENANT_REGISTRY_ENV, TENANT_REGISTRY_PATH } from "@retrain/config/tenants";

/** The pack's place in the repository (and in the copy). */
export const PACK_PATH = "policies/retrain-guard";

/** Pack-relative entries copied into the copy of the pack (node_modules is linked instead). */
export const PACK_ENTRIES: readonly string[] = [
  "src",
  "test",
  "package.json",
  // Read by the pack's tests (test/iam-own-stacks.test.ts) and by `pulumi preview --policy-pack`.
  "policy-config.json",
  "PulumiPolicy.yaml",
];

/**
 * Repository-relative files outside the pack that the pack reads: copied to the same path under the
 * copy's root. The tenant registry (tenant-grants and the policies sharing its tenancy helpers judge
 * by it; without it they report "no tenant registry" on every team stack and their tables fail).
 */
export const WORKSPACE_FILES: readonly string[] = [TENANT_REGISTRY_PATH];

/** The test file the mutation check runs (the policy tables). */
export const TEST_FILE = "test/policies.test.ts";

export interface Sandbox {
  /** The copy's workspace root (remove it when done). */
  root: string;
  /** The copy of the pack, `<root>/policies/retrain-guard`. */
  pack: string;
}

/** A copy of the pack (under `repoRoot`) that a mutant can be written into. */
export function createSandbox(repoRoot: string): Sandbox {
  const root = mkdtempSync(path.join(tmpdir(), "retrain-mutation-"));
  const source = path.join(repoRoot, PACK_PATH);
  const pack = path.join(root, PACK_PATH);
  mkdirSync(pack, { recursive: true });
  for (const entry of PACK_ENTRIES) {
    cpSync(path.join(source, entry), path.join(pack, entry), { recursive: true });
  }
  for (const file of WORKSPACE_FILES) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    cpSync(path.join(repoRoot, file), path.join(root, file));
  }
  // The pack's tsconfig extends the repo's base by a relative path; the transform needs it found.
  writeFileSync(
    path.join(pack, "tsconfig.json"),
    JSON.stringify({ extends: path.join(repoRoot, "tsconfig.base.json"), include: ["src", "test"] }),
  );
  symlinkSync(path.join(source, "node_modules"), path.join(pack, "node_modules"), "dir");
  // vitest's config without importing vitest (it is not among the pack's dependencies).
  writeFileSync(
    path.join(pack, "vitest.config.mjs"),
    `export default {
  resolve: { conditions: ["@retrain/source"] },
  ssr: { resolve: { conditions: ["@retrain/source"], externalConditions: ["@retrain/source"] } },
  test: { include: ["${TEST_FILE}"], testTimeout: 60000 },
};
`,
  );
  return { root, pack };
}

/**
 * The environment of a run in the copy: the caller's, less `RETRAIN_TENANT_REGISTRY`, so the copy
 * judges by the registry beside it (as the pack's own tests assume), never one a shell exported.
 */
export function sandboxEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, CI: "1" };
  delete out[TENANT_REGISTRY_ENV];
  return out;
}

/**
 * Runs the policy table tests whose full name matches `pattern` (vitest -t) in the copy of the pack
 * `packDir`, with `vitest` the path of vitest.mjs; killed after `timeoutMs`.
 */
export function runTests(
  vitest: string,
  packDir: string,
  pattern: string,
  timeoutMs: number,
): Promise<{ passed: boolean; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        vitest,
        "run",
        "--root",
        packDir,
        "--config",
        "vitest.config.mjs",
        "--reporter=dot",
        "-t",
        pattern,
        TEST_FILE,
      ],
      { cwd: packDir, stdio: "ignore", env: sandboxEnv() },
    );
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ passed: false, timedOut: true });
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ passed: code === 0, timedOut: false });
    });
  });
}
