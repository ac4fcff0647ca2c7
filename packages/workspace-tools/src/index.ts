/**
 * `@retrain/workspace-tools`: what changes the workspace or runs in CI, apart from the Nx plugin.
 * Team onboarding (`retrain team add` and the Nx `team` generator both call `addTeam`), and the CI
 * helpers the workflows run from `dist/bin/`: the deploy and preview matrices and the plan comment.
 */

export {
  type DeployMatrixOptions,
  deployMatrix,
  GITHUB_MATRIX_LIMIT,
  type MatrixEntry,
  type PreviewEntry,
  previewMatrix,
  stackEnvironment,
} from "./deploy-matrix.js";
export { nxCliScript } from "./nx-cli.js";
export { COMMENT_MARKER, planComment } from "./plan-comment.js";
export * from "./team.js";
