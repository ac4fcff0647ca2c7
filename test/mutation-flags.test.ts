/**
 * `pnpm mutation`'s flags: a bad value stops the run with exit 2 and the usage, before any mutant
 * runs or scripts/mutation/results.json is rewritten (a `--jobs abc` once ran 0 mutants and wrote a
 * score of NaN as the record).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = path.join(ROOT, "scripts/mutation/results.json");
const TSX = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");

const run = (...args: string[]) =>
  spawnSync(process.execPath, [TSX, "scripts/mutation/run.ts", ...args], { cwd: ROOT, encoding: "utf8" });

describe("pnpm mutation's flags", () => {
  it.each([
    [["--jobs", "abc"], /--jobs must be a whole number of at least 1, not "abc"/],
    [["--jobs", "0"], /--jobs must be a whole number of at least 1, not "0"/],
    [["--max", "1.5"], /--max must be a whole number of at least 1, not "1\.5"/],
    [["--max", "abc"], /--max must be a whole number of at least 1/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["--policy", "nope"], /unknown policy nope; policies: /],
  ])("%j: exit 2 with the reason, results.json untouched", (args, reason) => {
    const before = readFileSync(RESULTS, "utf8");
    const r = run(...args);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(RESULTS, "utf8")).toBe(before);
  });

  it("lists the mutants of a bounded run without running them", () => {
    const r = run("--policy", "required-tags", "--max", "2", "--list");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^2 mutants$/m);
  });
});
