/**
 * The Nx inference plugin: one project per Pulumi stack config folder, found by the same discovery
 * the offline plan uses, with dependencies on its program project and on the stacks it references.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type {
  CreateDependencies,
  CreateNodes,
  CreateNodesResult,
  RawProjectGraphDependency,
} from "@nx/devkit";
// Light imports only (no schemas): on a discovery-cache hit nothing else of @retrain/config loads.
import { PULUMI_PROJECTS, programDirOfKind, type StackKind, workspaceRelative } from "@retrain/config/layout";
import { DependencyType } from "./nx-internals.js";
import { planCodeDirs } from "./plan-target.js";
import {
  cacheEnabled,
  cacheFile,
  codeHash,
  discoveryInputs,
  hashOf,
  readCache,
  writeCache,
} from "./plugin-cache.js";
import type { StackMetadata, ToolPaths } from "./stack-project.js";

export interface NxPulumiOptions {
  /** Workspace-relative folder of the CrossGuard policy pack previews and deploys run with. */
  policyPack?: string;
  /**
   * Workspace-relative pack config previews and deploys pass as `--policy-pack-config`, when the file
   * exists; default `policies/retrain-guard/policy-config.json`, the file `pnpm plan` reads too.
   */
  policyPackConfig?: string;
}

/** Every stack config file of the fixed layout (discovery decides which of them are stacks). */
export const STACK_CONFIG_GLOB = "stacks/*/{envs,teams}/*/Pulumi.*.{yaml,yml}";

/**
 * The compiled wrapper of this package. Resolved from the package root (this module sits one level
 * below it, in dist/ or, under the source condition in tests, src/) so it always names the JS file.
 */
const WRAPPER = fileURLToPath(new URL("../dist/bin/retrain-pulumi.js", import.meta.url));

/** `abs` relative to the workspace root when inside it (portable commands), else absolute. */
const workspacePath = (workspaceRoot: string, abs: string) =>
  workspaceRelative(workspaceRoot, abs, { outside: "absolute" });

function toolPaths(workspaceRoot: string, options: NxPulumiOptions | undefined): ToolPaths {
  const packConfig = options?.policyPackConfig ?? "policies/retrain-guard/policy-config.json";
  const codeDirs = new Map<string, readonly string[]>();
  return {
    planCodeDirs: (programDir) => {
      let dirs = codeDirs.get(programDir);
      if (!dirs) {
        dirs = planCodeDirs(workspaceRoot, programDir);
        codeDirs.set(programDir, dirs);
      }
      return dirs;
    },
    wrapper: workspacePath(workspaceRoot, WRAPPER),
    policyPack: options?.policyPack ?? "policies/retrain-guard",
    ...(existsSync(path.join(workspaceRoot, packConfig)) ? { policyPackConfig: packConfig } : {}),
  };
}

/** Discovery and the projects from it, loaded on a cache miss only (it loads the config schemas). */
async function discoverNodes(
  configFiles: readonly string[],
  workspaceRoot: string,
  tools: ToolPaths,
): Promise<[string, CreateNodesResult][]> {
  const { discoverNodes } = await import("./discover-nodes.js");
  return discoverNodes(configFiles, workspaceRoot, tools);
}

/** This plugin's code and discovery's (@retrain/config), hashed once per process into the cache key. */
let pluginCode: string | undefined;
const PLUGIN_DIRS = [
  path.dirname(fileURLToPath(import.meta.url)),
  path.dirname(createRequire(import.meta.url).resolve("@retrain/config/workspace")),
];

export const createNodes: CreateNodes<NxPulumiOptions> = [
  STACK_CONFIG_GLOB,
  async (configFiles, options, context) => {
    const { workspaceRoot } = context;
    const tools = toolPaths(workspaceRoot, options);
    if (!cacheEnabled()) return discoverNodes(configFiles, workspaceRoot, tools);
    pluginCode ??= codeHash(PLUGIN_DIRS);
    // Everything the result is a function of: the files discovery reads, the files asked about,
    // the resolved tool paths (options, the pack config's presence) and the code computing it.
    const key = hashOf(
      discoveryInputs(workspaceRoot),
      JSON.stringify([...configFiles]),
      JSON.stringify(tools),
      // The plan target's inputs follow the programs' workspace imports (their package.json files).
      JSON.stringify(
        Object.keys(PULUMI_PROJECTS).map((k) => tools.planCodeDirs?.(programDirOfKind(k as StackKind))),
      ),
      pluginCode,
    );
    const file = cacheFile(workspaceRoot, "nx-pulumi-stacks");
    const cached = readCache<[string, CreateNodesResult][]>(file, key);
    if (cached !== undefined) return cached;
    const nodes = await discoverNodes(configFiles, workspaceRoot, tools);
    writeCache(file, key, nodes);
    return nodes;
  },
];

/** Nx < 22 reads `createNodesV2`; the same implementation. */
export const createNodesV2 = createNodes;

function isStackMetadata(value: unknown): value is StackMetadata {
  return (
    typeof value === "object" && value !== null && typeof (value as StackMetadata).programDir === "string"
  );
}

/**
 * Static dependencies, each from the stack's config file: on the program project (so a change to
 * the shared program, or to a package it imports, affects every stack of it) and on every upstream
 * stack it references (so `up` runs upstream first).
 */
export const createDependencies: CreateDependencies<NxPulumiOptions> = (_options, context) => {
  const projects = Object.values(context.projects);
  const byRoot = new Map(projects.map((p) => [p.root, p.name]));
  const names = new Set(projects.map((p) => p.name));
  const deps: RawProjectGraphDependency[] = [];
  for (const p of projects) {
    const meta = p.metadata?.retrainStack;
    if (p.name === undefined || !isStackMetadata(meta)) continue;
    const sourceFile = meta.configFile;
    const program = byRoot.get(meta.programDir);
    if (program !== undefined && existsSync(path.join(context.workspaceRoot, sourceFile))) {
      deps.push({ source: p.name, target: program, sourceFile, type: DependencyType.static });
    }
    for (const upstream of meta.upstream) {
      if (names.has(upstream))
        deps.push({ source: p.name, target: upstream, sourceFile, type: DependencyType.static });
    }
  }
  return deps;
};
