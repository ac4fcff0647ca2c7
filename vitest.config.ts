import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

// One run over every project of the workspace. Workspace packages resolve to their TypeScript
// sources through the "@retrain/source" export condition, so tests never read stale builds.
export default defineConfig({
  resolve: { conditions: ["@retrain/source"] },
  ssr: { resolve: { conditions: ["@retrain/source"], externalConditions: ["@retrain/source"] } },
  test: {
    include: ["{packages,stacks,policies}/*/test/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two test files at a time (Vitest's default is one fewer than the cores: one here). Most tests
    // wait on child processes (plans, the pack, Nx), so a second file fills the idle core: on the
    // 2-core CI machine the suite takes 433 s instead of 648 s, with every test's own timeout kept.
    maxWorkers: 2,
    // The CLI's per-stack plan cache defaults to ~/.cache: tests that spawn it use one directory of
    // this run instead (never the developer's, and shared by the run's plans, which the keys allow).
    // Plans run in-process in tests (RETRAIN_PLAN_JOBS, the plan's default jobs): tests that want
    // worker threads say so (packages/plan/test/jobs.e2e.test.ts passes `jobs`).
    env: {
      RETRAIN_PLAN_CACHE_DIR: path.join(os.tmpdir(), `retrain-plan-cache-test-${process.pid}`),
      RETRAIN_PLAN_JOBS: "1",
    },
  },
});
