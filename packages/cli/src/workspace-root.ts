// The CLI's commands find the workspace as every tool does: @retrain/config's one walk.
import path from "node:path";
import { findWorkspaceRoot } from "@retrain/config/workspace";
import { Option } from "commander";
import { filePath } from "./flags.js";

export { findWorkspaceRoot };

/**
 * The workspace-root flag of a command (`--workspace` on plan, calendar and runs; `--root` on
 * config and team, whose arguments are paths in the workspace), one definition for all.
 */
export function workspaceOption(flag: "--workspace" | "--root" = "--workspace"): Option {
  return new Option(
    `${flag} <dir>`,
    "workspace root (default: the nearest folder with pnpm-workspace.yaml)",
  ).argParser(filePath(flag, "folder"));
}

/** The flag's folder, resolved against the working directory, or the nearest workspace root. */
export function resolveWorkspace(cwd: string, flag: string | undefined): string {
  return flag ? path.resolve(cwd, flag) : findWorkspaceRoot(cwd);
}
