export type { RegisterCommand } from "./commands/index.js";
export { type CheckedFile, type ConfigCheckReport, checkStackConfigs } from "./config-check.js";
export * from "./context.js";
export { createProgram, type RunOptions, run } from "./program.js";
export { findWorkspaceRoot } from "./workspace-root.js";
