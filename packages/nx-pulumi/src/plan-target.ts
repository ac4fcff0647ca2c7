/**
 * The cacheable `plan` target's inputs, from the one list of a stack plan's inputs in
 * `@retrain/config` plan-inputs.ts (the offline plan's per-stack cache hashes the same list), so Nx
 * re-plans a stack exactly when the in-process cache would.
 */
import { realpathSync } from "node:fs";
import path from "node:path";
import type { TargetConfiguration } from "@nx/devkit";
import {
  PLAN_CODE_FILES,
  PLAN_ENV_INPUTS,
  PLAN_RUNTIME_INPUTS,
  PLAN_TOOL_PACKAGES,
  PLAN_WORKSPACE_FILES,
  toPosix,
  workspaceDependencyDirs,
} from "@retrain/config/layout";

type Inputs = NonNullable<TargetConfiguration["inputs"]>;

/** Nx file-set globs of one code folder (workspace-relative), by PLAN_CODE_FILES. */
const codeGlobs = (dir: string): string[] =>
  PLAN_CODE_FILES.map((p) => `{workspaceRoot}/${dir}/${p.endsWith("/**") ? `${p}/*` : p}`);

/**
 * The `plan` target's inputs for a stack whose program is `programDir`, given the code folders
 * (workspace-relative: the program, the plan engine, the pack, and the workspace packages each
 * imports, transitively).
 */
export function planTargetInputs(codeDirs: readonly string[]): Inputs {
  return [
    // The stack's own config folder (it holds its one config file).
    "{projectRoot}/**/*",
    // Upstream stacks' inputs: their results are this stack's inputs.
    "^production",
    ...[...new Set(codeDirs)].sort().flatMap(codeGlobs),
    ...PLAN_WORKSPACE_FILES.map((f) => `{workspaceRoot}/${f}`),
    ...PLAN_ENV_INPUTS.map((env) => ({ env })),
    ...PLAN_RUNTIME_INPUTS.map((runtime) => ({ runtime })),
  ];
}

/**
 * The code folders a stack's plan reads, workspace-relative: its program folder, the plan engine
 * and the pack, each with the workspace packages it imports (followed through node_modules links);
 * folders outside the workspace cannot be Nx inputs and are left out (the lockfile pins them).
 */
export function planCodeDirs(workspaceRoot: string, programDir: string): string[] {
  let root: string;
  try {
    root = realpathSync(workspaceRoot);
  } catch {
    root = workspaceRoot;
  }
  const dirs = new Set<string>();
  for (const rel of [programDir, ...PLAN_TOOL_PACKAGES]) {
    const abs = path.resolve(workspaceRoot, rel);
    dirs.add(toPosix(rel));
    let deps: string[];
    try {
      deps = workspaceDependencyDirs(abs);
    } catch {
      continue; // a folder that does not exist yet: its globs still match once it does
    }
    for (const dep of deps) {
      const inside = path.relative(root, dep);
      if (!dep.startsWith("unresolved:") && !inside.startsWith("..") && !path.isAbsolute(inside))
        dirs.add(toPosix(inside));
    }
  }
  return [...dirs].sort();
}
