/**
 * `@retrain/nx-pulumi`: the Nx plugin entry (kept light: Nx loads it on every graph computation).
 * Team onboarding lives at `@retrain/nx-pulumi/team`, the deploy matrix at `@retrain/nx-pulumi/deploy-matrix`.
 */
export {
  createDependencies,
  createNodes,
  createNodesV2,
  type NxPulumiOptions,
  STACK_CONFIG_GLOB,
} from "./plugin.js";
export {
  configFileFromProgram,
  projectNameOfId,
  type StackLike,
  type StackMetadata,
  stackProjectName,
  stackTargets,
  type ToolPaths,
} from "./stack-project.js";
