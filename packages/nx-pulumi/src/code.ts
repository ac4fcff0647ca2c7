/**
 * The Nx inference plugin of the code projects (`@retrain/nx-pulumi/code` in nx.json): every
 * workspace package, policy pack and stack program gets `build`, `typecheck`, `test` and `lint`
 * targets inferred from the files it has, so `nx affected -t test` runs only what a change touches.
 * The root scripts (`pnpm test`, `pnpm typecheck`, `pnpm lint`) still run everything at once.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { CreateNodes, CreateNodesResult, TargetConfiguration } from "@nx/devkit";

/** The package.json of every code project of the layout. */
export const CODE_PROJECT_GLOB = "{packages,policies,stacks}/*/package.json";

const command = (cmd: string, description: string): TargetConfiguration => ({
  executor: "nx:run-commands",
  // From the workspace root: vitest, biome and tsc read the root configs there.
  options: { command: cmd, cwd: "{workspaceRoot}" },
  metadata: { description, technologies: ["typescript"] },
});

/** The targets a code project gets from the files present in `root` (workspace-relative, posix). */
export function codeTargets(
  root: string,
  has: (file: string) => boolean,
): Record<string, TargetConfiguration> {
  const targets: Record<string, TargetConfiguration> = {};
  // Tests and the pack process load compiled dist/ of their dependencies (plain node), hence ^build.
  const built = has("tsconfig.json");
  if (built) {
    targets.build = {
      ...command(`tsc -b ${root}`, `Compile ${root} to dist/ (project references first)`),
      cache: true,
      dependsOn: ["^build"],
      inputs: ["production", "^production"],
      outputs: [`{projectRoot}/dist`],
    };
  }
  if (has("tsconfig.check.json")) {
    targets.typecheck = {
      ...command(`tsc -p ${root}/tsconfig.check.json`, `Typecheck ${root}'s sources and tests (strict)`),
      cache: true,
      inputs: ["default", "^production"],
    };
  }
  if (has("test")) {
    targets.test = {
      ...command(`vitest run ${root}/test/`, `Run ${root}'s tests`),
      cache: true,
      dependsOn: built ? ["build", "^build"] : ["^build"],
      inputs: ["default", "^production", "{workspaceRoot}/vitest.config.ts"],
    };
  }
  targets.lint = {
    ...command(`biome check ${root}`, `Lint and format-check ${root}`),
    cache: true,
    inputs: ["default", "{workspaceRoot}/biome.json"],
  };
  return targets;
}

export const createNodes: CreateNodes = [
  CODE_PROJECT_GLOB,
  (files, _options, context) =>
    files.map((file): [string, CreateNodesResult] => {
      const root = path.posix.dirname(file);
      const has = (f: string) => existsSync(path.join(context.workspaceRoot, root, f));
      // No name: Nx names the project from its package.json; this only adds targets to that root.
      return [file, { projects: { [root]: { root, targets: codeTargets(root, has) } } }];
    }),
];

/** Nx < 22 reads `createNodesV2`; the same implementation. */
export const createNodesV2 = createNodes;
