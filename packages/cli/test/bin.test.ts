/** Smoke tests of the real executable: the entry point, its exit codes and stdout through a process. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = path.join(repo, "packages/cli/src/bin.ts");

function spawnRetrain(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--conditions=@retrain/source", bin, ...args], {
    cwd: repo,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One next run of a weekly cron as JSON, and an expression invalid at position 13. */
const NEXT_SUNDAY = [
  "schedule",
  "next",
  "cron(0 4 ? * SUN *)",
  "--from",
  "2025-06-01T00:00:00Z",
  "--count",
  "1",
  "--json",
];
const BAD_DAY = ["schedule", "next", "cron(0 4 ? * 8 *)", "--json"];

describe("the retrain executable", () => {
  it("prints next runs as JSON and exits 0", () => {
    const r = spawnRetrain(NEXT_SUNDAY);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: true,
      next: ["2025-06-01T04:00:00.000Z"],
      description: expect.stringMatching(/Sunday/),
    });
  });

  it("exits 2 on an invalid expression and on a bad flag", () => {
    const bad = spawnRetrain(BAD_DAY);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ valid: false, position: 13 });
    const flag = spawnRetrain(["schedule", "next", "rate(1 hour)", "--count", "x"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--count/);
  });

  // `retrain --help | head -1`: the reader closes the pipe early; no EPIPE stack trace, exit 0.
  it.each([["--help"], ["plan", "--help"], ["calendar", "--help"]])(
    "exits quietly when its reader closes the pipe: retrain %s … | head -c 1",
    (...args: string[]) => {
      const command = [process.execPath, "--import", "tsx", "--conditions=@retrain/source", bin, ...args]
        .map((a) => `'${a}'`)
        .join(" ");
      const err = path.join(mkdtempSync(path.join(tmpdir(), "retrain-epipe-")), "stderr.txt");
      // The reader exits after one byte; the writer meets the closed pipe on a later write.
      const r = spawnSync(
        "bash",
        ["-c", `${command} 2>'${err}' | head -c 1 > /dev/null; echo "\${PIPESTATUS[0]}"`],
        {
          cwd: repo,
          encoding: "utf8",
        },
      );
      expect(readFileSync(err, "utf8")).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
      expect(r.stdout.trim()).toBe("0");
    },
  );
});

// `pnpm retrain ...` from the root, as the README says: no `retrain` script in the root package.json,
// so pnpm runs the workspace's bin through `pnpm exec`, which prints no `> script` banner and no
// ELIFECYCLE line into stdout: `--json` output is parseable and the exit code is the command's.
describe("pnpm retrain, as run from the workspace root", () => {
  const exec = process.env.npm_execpath;
  const pnpm = exec && /pnpm/.test(path.basename(exec)) ? exec : undefined;
  if (!pnpm)
    console.log("skipping the pnpm retrain test: not run through pnpm (pnpm test sets npm_execpath)");
  const viaPnpm = (args: string[]) => {
    const r = spawnSync(process.execPath, [pnpm!, "retrain", ...args], { cwd: repo, encoding: "utf8" });
    return { code: r.status, stdout: r.stdout };
  };

  it.skipIf(!pnpm)(
    "prints only the JSON, valid or not, with the command's exit code",
    { timeout: 60_000 },
    () => {
      const ok = viaPnpm(NEXT_SUNDAY);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, next: ["2025-06-01T04:00:00.000Z"] });
      const bad = viaPnpm(BAD_DAY);
      expect(bad.code).toBe(2);
      expect(JSON.parse(bad.stdout)).toMatchObject({ valid: false, position: 13 });
    },
  );
});
