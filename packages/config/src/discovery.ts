/**
 * Discovery of every Pulumi stack of the workspace from the fixed layout, shared by the offline plan,
 * the Nx plugin and the CLI. Synchronous and dependency-light on purpose: the compiled Nx plugin runs
 * it on every project-graph computation, so it reads only directories and YAML (no @pulumi/pulumi).
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "./errors.js";
import { type LoadedStackConfig, loadStackConfig, readProjectName, stackNameFromFile } from "./load.js";
import { defaultStackRef, PULUMI_PROJECTS, type StackKind } from "./naming.js";

/** Where each kind's stack configs live: `<folder>/<stack>/Pulumi.<stack>.yaml`, workspace-relative. */
export const STACK_LAYOUT: Record<StackKind, string> = {
  iam: "stacks/iam/envs",
  fleet: "stacks/fleet/envs",
  scheduling: "stacks/scheduling/teams",
};

/** One StackReference a stack's program makes, resolved against the discovered stacks. */
export interface DiscoveredReference {
  /** The StackReference name, e.g. `organization/retrain-iam/dev`. */
  name: string;
  /** The config key that sets it (`fleet:iamStack`); the default applies when the key is absent. */
  key: string;
  /** Pulumi project and stack the name points to. */
  project: string;
  stack: string;
  /** `<kind>/<stack>` of the discovered stack it points to; undefined when none matches. */
  targetId?: string;
}

export interface DiscoveredStack {
  /** `<kind>/<stack>`, e.g. `iam/dev`, `scheduling/vision`. */
  id: string;
  kind: StackKind;
  /** Pulumi project name from the program's Pulumi.yaml. */
  project: string;
  /** Pulumi stack name. */
  stack: string;
  /** Absolute folder of the Pulumi program (holding Pulumi.yaml). */
  programDir: string;
  /** Absolute path of the stack config file. */
  configFile: string;
  /** Workspace-relative folder of the config file (posix separators): the stack's Nx project root. */
  root: string;
  config: LoadedStackConfig;
  references: DiscoveredReference[];
}

export interface DiscoveredWorkspace {
  /** Absolute workspace root. */
  root: string;
  /** Every stack whose config is valid, sorted by id. */
  stacks: DiscoveredStack[];
  /** One error per config file that failed to load or breaks the layout. */
  errors: ConfigError[];
}

/** `org/project/stack` or `project/stack` → its parts. */
export function parseStackRef(name: string): { organization?: string; project: string; stack: string } {
  const parts = name.split("/");
  if (parts.length === 3) return { organization: parts[0], project: parts[1] ?? "", stack: parts[2] ?? "" };
  return { project: parts[0] ?? "", stack: parts[1] ?? "" };
}

/** The StackReferences a stack's program makes, with their config keys; defaults when unset. */
export function stackReferencesOf(loaded: LoadedStackConfig): { name: string; key: string }[] {
  switch (loaded.kind) {
    case "iam":
      return [];
    case "fleet":
      return [
        {
          name: loaded.config.iamStack ?? defaultStackRef("iam", loaded.config.environment),
          key: "fleet:iamStack",
        },
      ];
    case "scheduling":
      return [
        {
          name: loaded.config.iamStack ?? defaultStackRef("iam", loaded.config.environment),
          key: "scheduling:iamStack",
        },
        {
          name: loaded.config.fleetStack ?? defaultStackRef("fleet", loaded.config.environment),
          key: "scheduling:fleetStack",
        },
      ];
  }
}

const toPosix = (p: string) => p.split(path.sep).join("/");

/** `Pulumi.*.yaml` files one level below `dir`'s subfolders, sorted. */
function configFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    for (const f of readdirSync(sub, { withFileTypes: true })) {
      // Anything named like a stack config (also a link or a folder): loading it reports what is
      // wrong (a dangling link, a folder), where skipping it would silently drop the stack.
      if (stackNameFromFile(f.name) !== undefined) files.push(path.join(sub, f.name));
    }
  }
  return files.sort();
}

/** The nearest folder holding Pulumi.yaml between `from` and the workspace root. */
function programDirOf(from: string, root: string): string | undefined {
  let dir = from;
  while (dir.startsWith(root)) {
    if (existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/**
 * Finds and loads every stack config of the workspace layout ({@link STACK_LAYOUT}) and resolves each
 * stack's StackReferences to discovered stacks by project and stack name. Invalid configs go to
 * `errors` (never thrown), so one broken team file does not hide the others.
 */
export function discoverStacks(workspaceRoot: string): DiscoveredWorkspace {
  const root = path.resolve(workspaceRoot);
  const stacks: DiscoveredStack[] = [];
  const errors: ConfigError[] = [];
  const projectNames = new Map<string, string | undefined>();

  for (const kind of Object.keys(STACK_LAYOUT) as StackKind[]) {
    for (const configFile of configFilesUnder(path.join(root, STACK_LAYOUT[kind]))) {
      const rootRel = toPosix(path.relative(root, path.dirname(configFile)));
      const display = toPosix(path.relative(root, configFile));
      const programDir = programDirOf(path.dirname(configFile), root);
      if (!programDir) {
        errors.push(
          new ConfigError(display, [
            { key: "", message: `no Pulumi.yaml above it: the program folder stacks/${kind} needs one` },
          ]),
        );
        continue;
      }
      if (!projectNames.has(programDir))
        projectNames.set(programDir, readProjectName(path.join(programDir, "Pulumi.yaml")));
      const project = projectNames.get(programDir) ?? PULUMI_PROJECTS[kind];

      let config: LoadedStackConfig;
      try {
        config = loadStackConfig(configFile, { kind, project, displayName: display });
      } catch (e) {
        if (e instanceof ConfigError) errors.push(e);
        else errors.push(new ConfigError(display, [{ key: "", message: (e as Error).message }]));
        continue;
      }
      // One stack per folder: the folder is the stack's Nx project root, and two projects cannot share one.
      const folder = path.basename(path.dirname(configFile));
      if (folder !== config.stack) {
        errors.push(
          new ConfigError(display, [
            {
              key: "",
              message: `stack "${config.stack}" must live in ${STACK_LAYOUT[kind]}/${config.stack}/ (found in ${rootRel}/)`,
            },
          ]),
        );
        continue;
      }
      stacks.push({
        id: `${kind}/${config.stack}`,
        kind,
        project,
        stack: config.stack,
        programDir,
        configFile,
        root: rootRel,
        config,
        references: [],
      });
    }
  }

  stacks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byProjectStack = new Map<string, DiscoveredStack>();
  for (const s of stacks) byProjectStack.set(`${s.project}/${s.stack}`, s);
  for (const s of stacks) {
    s.references = stackReferencesOf(s.config).map(({ name, key }) => {
      const { project, stack } = parseStackRef(name);
      const targetId = byProjectStack.get(`${project}/${stack}`)?.id;
      return targetId === undefined ? { name, key, project, stack } : { name, key, project, stack, targetId };
    });
  }
  return { root, stacks, errors };
}
