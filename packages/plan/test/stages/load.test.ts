/** Stage 2: finding and importing a program folder's program, once. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadProgram, programLoader, type StackProgram } from "../../src/stages/load.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function programDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "plan-load-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe("loadProgram", () => {
  it("runs package.json main before the usual index files", async () => {
    const dir = programDir({
      "package.json": JSON.stringify({ main: "lib/main.mjs", type: "module" }),
      "lib/main.mjs": "export default () => ({ from: 'main' });",
      "index.js": "export default () => ({ from: 'index' });",
    });
    expect(await (await loadProgram(dir))()).toEqual({ from: "main" });
  });

  it("finds src/index.ts, imported as TypeScript", async () => {
    const dir = programDir({ "src/index.ts": "export default (): { n: number } => ({ n: 1 });" });
    expect(await (await loadProgram(dir))()).toEqual({ n: 1 });
  });

  it.each([
    ["no program at all", {}, /no stack program in .* \(looked for package.json main, src\/index.ts/],
    [
      "a module without a default function",
      { "index.mjs": "", "package.json": JSON.stringify({ main: "index.mjs" }) },
      /must default-export the stack program/,
    ],
  ])("names the folder for %s", async (_n, files, message) => {
    await expect(loadProgram(programDir(files))).rejects.toThrow(message);
  });
});

describe("programLoader", () => {
  it("imports each folder once, whatever the number of stacks", async () => {
    const calls: string[] = [];
    const program: StackProgram = () => ({});
    const load = programLoader(async (dir) => {
      calls.push(dir);
      return program;
    });
    await Promise.all([load("a"), load("a"), load("b")]);
    expect(await load("a")).toBe(program);
    expect(calls).toEqual(["a", "b"]);
  });
});
