import { existsSync } from "node:fs";
import path from "node:path";

/** The nearest folder at or above `from` holding pnpm-workspace.yaml; `from` itself when none does. */
export function findWorkspaceRoot(from: string): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from);
    dir = parent;
  }
}
