/**
 * `@retrain/nx-pulumi`: the Nx plugin entry (kept light: Nx loads it on every graph computation).
 * Team onboarding and the CI helpers (deploy matrix, plan comment) are `@retrain/workspace-tools`;
 * the `team` generator calls into it.
 */

export { projectNameOfId, stackProjectName } from "@retrain/config/workspace";
export {
  createDependencies,
  createNodes,
  createNodesV2,
  type NxPulumiOptions,
  STACK_CONFIG_GLOB,
} from "./plugin.js";
export {
  configFileFromProgram,
  type StackLike,
  type StackMetadata,
  stackTargets,
  type ToolPaths,
} from "./stack-project.js";
