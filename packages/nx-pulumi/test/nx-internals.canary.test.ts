/**
 * Canary of src/nx-internals.ts: what the plugin takes from below Nx's public API, checked against
 * the installed nx and @nx/devkit. An Nx upgrade that moves one fails here, by name, instead of the
 * plugin's dependency edges, the team generator's writes or `deploy-matrix` breaking elsewhere.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DependencyType, nxCliScript, nxFsTree, nxWorkspaceDataDirectory } from "../src/nx-internals.js";

const require = createRequire(import.meta.url);
const version = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;
const NX = `nx ${version("nx")} with @nx/devkit ${version("@nx/devkit")} (packages/nx-pulumi/src/nx-internals.ts)`;
const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

describe(`the Nx seam against ${NX}`, () => {
  it("DependencyType is the enum @nx/devkit exports", () => {
    const devkit = require("@nx/devkit") as { DependencyType: unknown };
    expect(DependencyType, `${NX}: nx/src/config/project-graph#DependencyType`).toEqual(
      devkit.DependencyType,
    );
    expect(DependencyType.static, `${NX}: DependencyType.static`).toBe("static");
  });

  it("FsTree records writes and flushChanges puts them on disk", () => {
    const { FsTree, flushChanges } = nxFsTree();
    const root = mkdtempSync(path.join(tmpdir(), "nx-canary-"));
    try {
      const tree = new FsTree(root, false);
      tree.write("a/b.txt", "hello");
      expect(tree.root, `${NX}: FsTree#root`).toBe(root);
      expect(tree.exists("a/b.txt"), `${NX}: FsTree#exists`).toBe(true);
      expect(tree.read("a/b.txt", "utf-8"), `${NX}: FsTree#read`).toBe("hello");
      expect(existsSync(path.join(root, "a/b.txt")), `${NX}: FsTree writes only on flush`).toBe(false);
      flushChanges(root, tree.listChanges());
      expect(readFileSync(path.join(root, "a/b.txt"), "utf8"), `${NX}: flushChanges`).toBe("hello");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("the workspace's nx declares the CLI script it ships", () => {
    const script = nxCliScript(REPO_ROOT);
    expect(existsSync(script), `${NX}: package.json bin.nx -> ${script}`).toBe(true);
    expect(path.basename(script), `${NX}: bin.nx`).toBe("nx.js");
  });

  it("the workspace-data folder is the checkout's .nx/workspace-data unless NX_WORKSPACE_DATA_DIRECTORY says", () => {
    const root = mkdtempSync(path.join(tmpdir(), "nx-canary-"));
    const saved = process.env.NX_WORKSPACE_DATA_DIRECTORY;
    try {
      delete process.env.NX_WORKSPACE_DATA_DIRECTORY;
      expect(nxWorkspaceDataDirectory(root), `${NX}: workspaceDataDirectoryForWorkspace`).toBe(
        path.join(root, ".nx/workspace-data"),
      );
      process.env.NX_WORKSPACE_DATA_DIRECTORY = path.join(root, "elsewhere");
      expect(nxWorkspaceDataDirectory(root), `${NX}: NX_WORKSPACE_DATA_DIRECTORY`).toBe(
        path.join(root, "elsewhere"),
      );
    } finally {
      if (saved === undefined) delete process.env.NX_WORKSPACE_DATA_DIRECTORY;
      else process.env.NX_WORKSPACE_DATA_DIRECTORY = saved;
      rmSync(root, { recursive: true, force: true });
    }
  });
});
