/** `nx g @retrain/nx-pulumi:team <name>`: team onboarding through Nx's virtual file tree. */
import type { GeneratorCallback, Tree } from "@nx/devkit";
import { addTeam, type WorkspaceFiles } from "@retrain/workspace-tools";

export interface TeamGeneratorSchema {
  name: string;
  environment?: string;
  pool?: string;
  /** Pools the registry grants the team, space- or comma-separated; default the starter pool. */
  pools?: string;
  /** Space- or comma-separated, as typed on the command line. */
  owners?: string;
  region?: string;
}

function treeFiles(tree: Tree): WorkspaceFiles {
  return {
    exists: (f) => tree.exists(f),
    read: (f) => tree.read(f, "utf-8") ?? undefined,
    write: (f, content) => tree.write(f, content),
  };
}

export async function teamGenerator(tree: Tree, schema: TeamGeneratorSchema): Promise<GeneratorCallback> {
  const owners = schema.owners?.split(/[\s,]+/).filter(Boolean);
  const pools = schema.pools?.split(/[\s,]+/).filter(Boolean);
  const result = addTeam({
    workspaceRoot: tree.root,
    team: schema.name,
    files: treeFiles(tree),
    ...(schema.environment !== undefined ? { environment: schema.environment } : {}),
    ...(schema.pool !== undefined ? { pool: schema.pool } : {}),
    ...(pools !== undefined && pools.length > 0 ? { pools } : {}),
    ...(owners !== undefined && owners.length > 0 ? { owners } : {}),
    ...(schema.region !== undefined ? { region: schema.region } : {}),
  });
  // Printed after Nx writes the files (and not on --dry-run, where the callback does not run).
  return () => {
    console.log(`\nTeam ${schema.name} onboarded as Nx project ${result.project}. Next steps:`);
    for (const [i, step] of result.nextSteps.entries()) console.log(`  ${i + 1}. ${step}`);
  };
}

export default teamGenerator;
