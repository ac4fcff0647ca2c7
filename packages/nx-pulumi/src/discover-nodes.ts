/**
 * The projects of the stack config files from one fresh discovery: the expensive part of the
 * plugin (it loads and validates every config: YAML, zod), imported by plugin.ts only on a
 * discovery-cache miss so a hit never loads @retrain/config's schemas.
 */
import type { CreateNodesResult, ProjectConfiguration } from "@nx/devkit";
import {
  type DiscoveredStack,
  discoverStacks,
  programDirOfKind,
  type StackEntry,
  stackProjectName,
  workspaceRelative,
} from "@retrain/config/workspace";
import {
  type StackLike,
  type StackMetadata,
  stackMetadata,
  stackTargets,
  type ToolPaths,
} from "./stack-project.js";

function asStackLike(s: DiscoveredStack, workspaceRoot: string): StackLike {
  return { ...s, programDir: workspaceRelative(workspaceRoot, s.programDir, { outside: "absolute" }) };
}

/**
 * A config file that did not load (invalid YAML or schema, wrong folder) still becomes a project,
 * its discovery entry: one broken team file must not hide the team from `nx affected`, and its
 * preview or plan then fails with the config error instead of silently doing nothing. It runs in
 * its kind's program folder (never at a Pulumi.yaml a team may have put next to it).
 */
function fromInvalidEntry(entry: Extract<StackEntry, { status: "invalid" }>): StackLike {
  const { id, kind, stack, configFile, root } = entry;
  return { id, kind, stack, programDir: programDirOfKind(kind), configFile, root, references: [] };
}

function project(stack: StackLike, tools: ToolPaths, problem?: string): Omit<ProjectConfiguration, "root"> {
  const metadata: StackMetadata & { configError?: string } = stackMetadata(stack);
  if (problem !== undefined) metadata.configError = problem;
  return {
    name: stackProjectName(stack),
    projectType: "application",
    tags: [`pulumi`, `stack-kind:${stack.kind}`],
    targets: stackTargets(stack, tools),
    metadata: { description: `Pulumi stack ${stack.id}`, retrainStack: metadata },
  };
}

/** The projects of `configFiles`, computed from one fresh discovery of the workspace. */
export function discoverNodes(
  configFiles: readonly string[],
  workspaceRoot: string,
  tools: ToolPaths,
): [string, CreateNodesResult][] {
  // One discovery for all files: it resolves references across stacks, which no single file can.
  const discovered = discoverStacks(workspaceRoot);
  const stacks = new Map(discovered.stacks.map((s) => [s.id, s]));
  const entries = new Map(discovered.entries.map((e) => [e.configFile, e]));

  return configFiles.flatMap((file): [string, CreateNodesResult][] => {
    const entry = entries.get(file);
    const found = entry?.status === "valid" ? stacks.get(entry.id) : undefined;
    if (found)
      return [[file, { projects: { [found.root]: project(asStackLike(found, workspaceRoot), tools) } }]];
    if (entry?.status !== "invalid") return [];
    const stack = fromInvalidEntry(entry);
    return [[file, { projects: { [stack.root]: project(stack, tools, entry.message) } }]];
  });
}
