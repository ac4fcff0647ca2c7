/**
 * The one place that reaches into Nx (24.0) below its public API. Types come from @nx/devkit; what
 * is reached here has a public form that is too slow or none at all:
 * - `DependencyType`: @nx/devkit exports it, but loading @nx/devkit (nx/src/devkit-exports) costs
 *   about a second in every plugin worker, its defining module a few milliseconds;
 * - the file-system generator tree (`FsTree`, `flushChanges`) that `nx g` writes through: not in
 *   @nx/devkit (its testing trees are in memory), loaded only when asked for, it costs ~0.3 s;
 * - `workspaceDataDirectoryForWorkspace`, where the plugins keep their discovery cache as Nx's own
 *   plugins do (they import it from nx/src/utils/cache-directory; @nx/devkit does not export it);
 * - the Nx CLI's script, found through nx's package.json `bin`, never a path inside its dist
 *   (defined in @retrain/workspace-tools, the deploy matrix's package, checked here).
 * test/nx-internals.canary.test.ts checks each one against the installed nx and @nx/devkit.
 */
import { createRequire } from "node:module";

export { DependencyType } from "nx/src/config/project-graph.js";

const require = createRequire(import.meta.url);

type TreeModule = typeof import("nx/src/generators/tree.js");

/** Nx's file-system generator tree: `new FsTree(root, false)`, then `flushChanges(root, tree.listChanges())`. */
export function nxFsTree(): Pick<TreeModule, "FsTree" | "flushChanges"> {
  const { FsTree, flushChanges } = require("nx/src/generators/tree.js") as TreeModule;
  return { FsTree, flushChanges };
}

type CacheDirModule = typeof import("nx/src/utils/cache-directory.js");

/** This checkout's Nx workspace-data folder (honours NX_WORKSPACE_DATA_DIRECTORY), as Nx's plugins cache there. */
export function nxWorkspaceDataDirectory(workspaceRoot: string): string {
  const { workspaceDataDirectoryForWorkspace } = require("nx/src/utils/cache-directory.js") as CacheDirModule;
  return workspaceDataDirectoryForWorkspace(workspaceRoot);
}

/**
 * The Nx CLI script of a workspace: defined with its one user, the deploy matrix
 * (@retrain/workspace-tools), imported from its own entry so the plugin does not load the rest.
 */
export { nxCliScript } from "@retrain/workspace-tools/nx-cli";
