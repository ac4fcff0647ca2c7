/** `retrain` rejects bad flags before doing anything, naming them (exit 2): --jobs (or RETRAIN_PLAN_JOBS), file and folder flags. */
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

describe("file and folder flags refuse a value that is an option or empty", () => {
  it.each([
    [["plan", "--json", "--quiet"], "--json", '"--quiet"'],
    [["plan", "--html", "--json", "out.json"], "--html", '"--json"'],
    [["plan", "--prices", "-"], "--prices", '"-"'],
    [["plan", "--policy-config", ""], "--policy-config", "an empty value"],
    [["plan", "--workspace", "--no-cache"], "--workspace", '"--no-cache"'],
    [["calendar", "--workspace", "--json"], "--workspace", '"--json"'],
    [["runs", "--workspace", "--json"], "--workspace", '"--json"'],
    [["config", "check", "--root", "--json"], "--root", '"--json"'],
    [["team", "add", "x", "--env", "dev", "--pool", "a10g", "--root", "-x"], "--root", '"-x"'],
  ])("%j", async (argv, flag, got) => {
    const r = await retrain(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${flag} needs a`);
    expect(r.stderr).toContain(got);
    expect(r.stdout).toBe("");
  });
});
