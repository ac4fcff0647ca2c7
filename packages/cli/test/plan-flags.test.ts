/** `retrain plan` rejects a bad --jobs (or RETRAIN_PLAN_JOBS) before planning, naming it (exit 2). */
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../plan/test/support/workspace.js";
import { retrain } from "./run.js";

const ENV = "RETRAIN_PLAN_JOBS";
const saved = process.env[ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[ENV];
  else process.env[ENV] = saved;
});

describe("retrain plan --jobs", () => {
  it.each(["0", "two", "1.5", "-1", ""])("exits 2 for --jobs %j", async (value) => {
    const r = await retrain(["plan", "--workspace", REPO_ROOT, "--jobs", value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jobs must be a whole number of at least 1/);
    expect(r.stdout).toBe("");
  });

  it.each(["0", "many", "2x"])(`exits 2 for ${ENV}=%j, naming the variable`, async (value) => {
    process.env[ENV] = value;
    const r = await retrain(["plan", "--workspace", REPO_ROOT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${ENV} must be a whole number of at least 1, got "${value}"`));
  });
});
