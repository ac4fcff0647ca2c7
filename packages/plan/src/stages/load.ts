/**
 * Stage 2, load: import each program folder's stack program once (every team's stack runs the same
 * scheduling program), the way Pulumi's Node.js language host finds it.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** A stack program module's default export. */
export type StackProgram = () =>
  | Promise<Record<string, unknown> | undefined>
  | Record<string, unknown>
  | undefined;

/** Entry modules tried after package.json `main`, in a program folder. */
export const PROGRAM_ENTRIES = ["src/index.ts", "index.ts", "src/index.js", "index.js"];

let tsxHooks: Promise<unknown> | undefined;

/**
 * Imports a program module. Under tsx or vitest TypeScript imports as is. Under plain node (the
 * `retrain` CLI runs from dist/, without transpiling itself and the Pulumi SDK on every start) a
 * program written in TypeScript fails with ERR_UNKNOWN_FILE_EXTENSION; then tsx's ESM hooks are
 * registered once and the import retried. They transpile only .ts files, and the programs' imports
 * of workspace packages resolve to the same dist/ modules the CLI runs (one ConfigError class).
 */
async function importProgram(file: string): Promise<{ default?: unknown }> {
  const url = pathToFileURL(file).href;
  try {
    return (await import(url)) as { default?: unknown };
  } catch (e) {
    if ((e as { code?: unknown }).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw e;
  }
  tsxHooks ??= import("tsx/esm/api").then((tsx) => tsx.register());
  await tsxHooks;
  // Node remembers the failed import of this URL: the retry needs a URL of its own.
  return (await import(`${url}?tsx`)) as { default?: unknown };
}

/**
 * The module Pulumi's Node.js runtime would run: package.json `main` of the program folder (how
 * the language host resolves the program), else the usual index files. Its default export is the
 * program, as for an inline program of the Automation API.
 */
export async function loadProgram(programDir: string): Promise<StackProgram> {
  const candidates = [...PROGRAM_ENTRIES];
  const pkgFile = path.join(programDir, "package.json");
  if (existsSync(pkgFile)) {
    const main = (JSON.parse(readFileSync(pkgFile, "utf8")) as { main?: unknown }).main;
    if (typeof main === "string") candidates.unshift(main);
  }
  for (const entry of candidates) {
    const file = path.join(programDir, entry);
    if (!existsSync(file)) continue;
    const mod = await importProgram(file);
    if (typeof mod.default !== "function") {
      throw new Error(
        `${file} must default-export the stack program (an async function returning the outputs)`,
      );
    }
    return mod.default as StackProgram;
  }
  throw new Error(
    `no stack program in ${programDir} (looked for package.json main, ${PROGRAM_ENTRIES.join(", ")})`,
  );
}

/** Loads a program folder's program on first use and hands out the same promise afterwards. */
export type ProgramLoader = (programDir: string) => Promise<StackProgram>;

export function programLoader(
  load: (programDir: string) => Promise<StackProgram> = loadProgram,
): ProgramLoader {
  const programs = new Map<string, Promise<StackProgram>>();
  const loader: ProgramLoader = (programDir) => {
    const loading = programs.get(programDir) ?? load(programDir);
    programs.set(programDir, loading);
    return loading;
  };
  if (load === loadProgram) realLoaders.add(loader);
  return loader;
}

/** Loaders that import programs as {@link loadProgram} does: what a worker thread can do as well. */
const realLoaders = new WeakSet<ProgramLoader>();

/** Whether stacks loaded through `load` may run in worker threads (which load with loadProgram). */
export const loadsInWorkers = (load: ProgramLoader): boolean => realLoaders.has(load);
