/**
 * `@retrain/nx-pulumi`: the Nx plugin entry. Kept light: Nx loads it in a fresh plugin worker on
 * every graph computation without the daemon, so it loads no schema (zod, YAML) at start; discovery
 * loads only on a discovery-cache miss (plugin.ts). Team onboarding and the CI helpers (deploy
 * matrix, plan comment) are `@retrain/workspace-tools`; the `team` generator calls into it. Project
 * names are `@retrain/config/workspace`'s (`stackProjectName`, `projectNameOfId`).
 */

export {
  createDependencies,
  createNodes,
  createNodesV2,
  type NxPulumiOptions,
  STACK_CONFIG_GLOB,
} from "./plugin.js";
export type { StackLike, StackMetadata, ToolPaths } from "./stack-project.js";
