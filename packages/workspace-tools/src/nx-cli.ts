/**
 * Where the workspace's Nx CLI is, for the deploy matrix (`nx show projects --affected`): nx's
 * package.json `bin`, never a path inside its dist. Re-exported by the Nx seam
 * (packages/nx-pulumi/src/nx-internals.ts), whose canary test checks it against the installed nx.
 */
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** The absolute path of the Nx CLI script of the workspace at `root` (nx's package.json `bin.nx`). */
export function nxCliScript(root: string): string {
  const manifest = createRequire(path.join(root, "package.json")).resolve("nx/package.json");
  const { bin } = require(manifest) as { bin: Record<string, string> };
  const script = bin.nx;
  if (!script) throw new Error(`${manifest} declares no "nx" bin`);
  return path.join(path.dirname(manifest), script);
}
