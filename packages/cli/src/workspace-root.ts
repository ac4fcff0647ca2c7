// The CLI's commands find the workspace as every tool does: @retrain/config's one walk.
export { findWorkspaceRoot } from "@retrain/config/workspace";
