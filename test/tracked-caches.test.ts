/**
 * No cache directory is committed: Nx restores a task's outputs from `.nx/cache` by its hash, and the
 * plan's per-stack cache refuses a directory inside the workspace for the same reason, so a commit
 * carrying cache entries (force-added past .gitignore) could hand a later run results nobody
 * computed. Skips, saying why, outside a git checkout.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CACHE_DIRS = [".nx", ".plan", "node_modules/.cache"];

function tracked(dirs: readonly string[]): string[] | undefined {
  try {
    const out = execFileSync("git", ["ls-files", "--", ...dirs], { cwd: ROOT, encoding: "utf8" });
    return out.split("\n").filter(Boolean);
  } catch (e) {
    console.log(`skipped: not a git checkout (${(e as Error).message.split("\n")[0]})`);
    return undefined;
  }
}

describe("committed caches", () => {
  it.each(CACHE_DIRS)("nothing under %s is tracked", (dir) => {
    const files = tracked([dir]);
    if (files === undefined) return;
    expect(files, `tracked cache files under ${dir}: git rm -r --cached ${dir}`).toEqual([]);
  });
});
