/**
 * Discovery of every Pulumi stack of the workspace from the fixed layout, shared by the offline plan,
 * the Nx plugin and the CLI. Synchronous and dependency-light on purpose: the compiled Nx plugin runs
 * it on every project-graph computation, so it reads only directories and YAML (no @pulumi/pulumi).
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { ConfigError, problemsOfError } from "./errors.js";
import { STACK_LAYOUT } from "./layout.js";
import {
  kindOfProject,
  type LoadedStackConfig,
  loadStackConfig,
  readProjectName,
  stackNameFromFile,
} from "./load.js";
import { defaultStackRef, PULUMI_PROJECTS, type StackKind } from "./naming.js";
import { type Problem, toPosix, workspaceRelative } from "./problem.js";
import { DEFAULT_ORGANIZATION, workspaceOrganization } from "./settings.js";
import { findTenantRegistry, type LoadedTenantRegistry, loadTenantRegistry } from "./tenants.js";

export { programDirOfKind, STACK_LAYOUT } from "./layout.js";

/** The error of a workspace without a single stack config (the plan, the calendar, `config check`). */
export function noStacksMessage(root: string): string {
  return `no stack configs found under ${root} (expected ${expectedLayout()})`;
}

/** One StackReference a stack's program makes, resolved against the discovered stacks. */
export interface DiscoveredReference {
  /** The StackReference name, e.g. `organization/retrain-iam/dev`. */
  name: string;
  /**
   * The config key that sets it: `fleet:iamStack` (platform's override; the default applies when
   * absent) or `scheduling:environment` (a team's references follow its environment, nothing else).
   */
  key: string;
  /** The kind of stack referenced. */
  kind: StackKind;
  /** Pulumi project and stack the name points to. */
  project: string;
  stack: string;
  /** `<kind>/<stack>` of the valid stack it points to; undefined when none matches. */
  targetId?: string;
  /**
   * The entry it points to, valid or not: an invalid target blocks this stack (its config's own
   * error says why) where no target at all is a reference to a missing stack.
   */
  target?: { id: string; status: StackEntry["status"] };
}

/** Identity of one stack config file, whether or not it loads. Paths are workspace-relative POSIX. */
interface StackEntryBase {
  /** `<kind>/<stack>`, the stack name from the file name (`Pulumi.<stack>.yaml`). */
  id: string;
  kind: StackKind;
  stack: string;
  /** The config file, e.g. `stacks/scheduling/teams/vision/Pulumi.vision.yaml`. */
  configFile: string;
  /** Its folder: the stack's Nx project root. */
  root: string;
}

/**
 * Every stack config file of the layout is one entry, valid or not: one broken team file is still
 * the stack `scheduling/<team>` to every consumer (selection, the calendar's teams, config check,
 * Nx projects), never re-derived from its path. Two entries share an id only when a file is
 * misplaced or duplicated (each such file is invalid).
 */
export type StackEntry =
  | (StackEntryBase & {
      status: "valid";
      project: string;
      /** The program folder (holding Pulumi.yaml). */
      programDir: string;
      config: LoadedStackConfig;
    })
  | (StackEntryBase & {
      status: "invalid";
      /** What is wrong with it, as reported. */
      problems: Problem[];
      /** The whole error as one text (the Nx project's `configError`). */
      message: string;
    });

/** What the layout expects, for a "no stacks found" message: `stacks/iam/envs/<name>/Pulumi.<name>.yaml, ...`. */
export function expectedLayout(): string {
  return Object.values(STACK_LAYOUT)
    .map((d) => `${d}/<name>/Pulumi.<name>.yaml`)
    .join(", ");
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
  /** One entry per config file of the layout, valid or not, sorted by config file. */
  entries: StackEntry[];
  /** Every problem of {@link errors}, workspace-relative. */
  problems: Problem[];
}

/** The entries whose config did not load (or breaks the layout). */
export function invalidEntries(
  workspace: Pick<DiscoveredWorkspace, "entries">,
): Extract<StackEntry, { status: "invalid" }>[] {
  return workspace.entries.filter(
    (e): e is Extract<StackEntry, { status: "invalid" }> => e.status === "invalid",
  );
}

/** `org/project/stack` or `project/stack` → its parts. */
export function parseStackRef(name: string): { organization?: string; project: string; stack: string } {
  const parts = name.split("/");
  if (parts.length === 3) return { organization: parts[0], project: parts[1] ?? "", stack: parts[2] ?? "" };
  return { project: parts[0] ?? "", stack: parts[1] ?? "" };
}

/**
 * The StackReferences a stack's program makes, with the config keys they come from. `organization`
 * is the workspace's (`retrain.json`); default: the one found from the working directory.
 */
export function stackReferencesOf(
  loaded: LoadedStackConfig,
  organization: string = workspaceOrganization(),
): { name: string; key: string; kind: StackKind }[] {
  switch (loaded.kind) {
    case "iam":
      return [];
    case "fleet":
      return [
        {
          name: loaded.config.iamStack ?? defaultStackRef("iam", loaded.config.environment, organization),
          key: "fleet:iamStack",
          kind: "iam",
        },
      ];
    case "scheduling":
      // Derived from the environment only: a team cannot point its stack at other stacks.
      return (["iam", "fleet"] as const).map((kind) => ({
        name: defaultStackRef(kind, loaded.config.environment, organization),
        key: "scheduling:environment",
        kind,
      }));
  }
}

/** What a kind's folder holds: the config files to load, and entries that break the layout. */
interface LayoutScan {
  files: string[];
  /** Absolute path of a misplaced entry, and why. */
  misplaced: { file: string; message: string }[];
  /** Config files whose folder holds something else besides them: loaded, never planned. */
  crowded: Map<string, string[]>;
}

/**
 * The config files one level below `dir`'s subfolders. A team folder (`strict`) holds exactly one
 * entry, `Pulumi.<team>.yaml`: anything else there is misplaced, and makes the folder's stack
 * invalid (a second config, e.g. `Pulumi.<team>.yml`, would otherwise be a second stack of the same
 * name). Platform's env folders may hold other files; every file named like a stack config loads.
 */
function scanLayout(dir: string, strict: boolean): LayoutScan {
  const scan: LayoutScan = { files: [], misplaced: [], crowded: new Map() };
  if (!existsSync(dir)) return scan;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      if (stackNameFromFile(entry.name) !== undefined)
        scan.misplaced.push({
          file: path.join(dir, entry.name),
          message: `a stack config lives in its own folder: move it to ${toPosix(path.basename(dir))}/${stackNameFromFile(entry.name)}/`,
        });
      continue;
    }
    const sub = path.join(dir, entry.name);
    const expected = `Pulumi.${entry.name}.yaml`;
    const names = readdirSync(sub).sort();
    if (!strict) {
      // Anything named like a stack config (also a link or a folder): loading it reports what is
      // wrong (a dangling link, a folder), where skipping it would silently drop the stack.
      for (const f of names) if (stackNameFromFile(f) !== undefined) scan.files.push(path.join(sub, f));
      continue;
    }
    const others = names.filter((f) => f !== expected);
    for (const f of others) {
      const other = stackNameFromFile(f);
      const hint =
        other === entry.name
          ? ` (the stack's config is ${expected}; a second spelling of it is not allowed)`
          : other !== undefined
            ? ` (stack "${other}" lives in its own folder ${other}/)`
            : "";
      scan.misplaced.push({
        file: path.join(sub, f),
        message: `a team folder holds exactly one file, ${expected}; remove ${f}${hint}`,
      });
    }
    if (names.includes(expected)) {
      scan.files.push(path.join(sub, expected));
      if (others.length > 0) scan.crowded.set(path.join(sub, expected), others);
    } else if (others.length === 0) {
      scan.misplaced.push({
        file: sub,
        message: `an empty team folder: it must hold ${expected} (or be removed)`,
      });
    }
  }
  scan.files.sort();
  return scan;
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
  const entries: StackEntry[] = [];
  const projectNames = new Map<string, string | undefined>();
  const display = (file: string) => workspaceRelative(root, file);
  /** Records a config file's error, and the file as an invalid entry when it names a stack. */
  const invalid = (kind: StackKind, file: string, e: ConfigError) => {
    errors.push(e);
    const stack = stackNameFromFile(file);
    if (stack === undefined) return;
    entries.push({
      id: `${kind}/${stack}`,
      kind,
      stack,
      configFile: display(file),
      root: display(path.dirname(file)),
      status: "invalid",
      problems: problemsOfError(e, (f) => workspaceRelative(root, f)),
      message: e.message,
    });
  };
  // The tenant registry, loaded once for every team (each team's load still reports it if broken).
  let registry: { value: LoadedTenantRegistry | string | undefined } | undefined;
  const tenantRegistry = (): LoadedTenantRegistry | string | undefined => {
    if (registry !== undefined) return registry.value;
    const file = findTenantRegistry(root);
    registry = { value: file };
    if (file !== undefined) {
      try {
        registry.value = loadTenantRegistry(file, display(file));
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        errors.push(e);
      }
    }
    return registry.value;
  };
  const byId = new Map<string, string>();

  for (const kind of Object.keys(STACK_LAYOUT) as StackKind[]) {
    const scan = scanLayout(path.join(root, STACK_LAYOUT[kind]), kind === "scheduling");
    for (const m of scan.misplaced)
      invalid(kind, m.file, new ConfigError(display(m.file), [{ key: "", message: m.message }]));
    for (const configFile of scan.files) {
      const rootRel = toPosix(path.relative(root, path.dirname(configFile)));
      const shown = display(configFile);
      const programDir = programDirOf(path.dirname(configFile), root);
      if (!programDir) {
        invalid(
          kind,
          configFile,
          new ConfigError(shown, [
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
        config = loadStackConfig(configFile, {
          kind,
          project,
          displayName: shown,
          ...(kind === "scheduling" && tenantRegistry() !== undefined
            ? { tenantRegistry: tenantRegistry() }
            : {}),
        });
      } catch (e) {
        invalid(
          kind,
          configFile,
          e instanceof ConfigError ? e : new ConfigError(shown, [{ key: "", message: (e as Error).message }]),
        );
        continue;
      }
      const crowded = scan.crowded.get(configFile);
      if (crowded) {
        invalid(
          kind,
          configFile,
          new ConfigError(shown, [
            {
              key: "",
              message: `its folder ${rootRel}/ holds other entries (${crowded.join(", ")}); a team folder holds exactly this one file`,
            },
          ]),
        );
        continue;
      }
      // One stack per folder: the folder is the stack's Nx project root, and two projects cannot share one.
      const folder = path.basename(path.dirname(configFile));
      if (folder !== config.stack) {
        invalid(
          kind,
          configFile,
          new ConfigError(shown, [
            {
              key: "",
              message: `stack "${config.stack}" must live in ${STACK_LAYOUT[kind]}/${config.stack}/ (found in ${rootRel}/)`,
            },
          ]),
        );
        continue;
      }
      const id = `${kind}/${config.stack}`;
      const first = byId.get(id);
      if (first !== undefined) {
        invalid(
          kind,
          configFile,
          new ConfigError(shown, [
            {
              key: "",
              message: `a second config of stack ${id} (the first is ${first}); a stack has exactly one`,
            },
          ]),
        );
        continue;
      }
      byId.set(id, shown);
      stacks.push({
        id,
        kind,
        project,
        stack: config.stack,
        programDir,
        configFile,
        root: rootRel,
        config,
        references: [],
      });
      entries.push({
        id,
        kind,
        stack: config.stack,
        configFile: shown,
        root: rootRel,
        programDir: display(programDir),
        status: "valid",
        project,
        config,
      });
    }
  }

  stacks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byProjectStack = new Map<string, DiscoveredStack>();
  for (const s of stacks) byProjectStack.set(`${s.project}/${s.stack}`, s);
  let organization = DEFAULT_ORGANIZATION;
  try {
    organization = workspaceOrganization(root);
  } catch (e) {
    // Reported once; the references keep their order with the default (the programs fail on it too).
    if (!(e instanceof ConfigError)) throw e;
    errors.push(new ConfigError(display(path.resolve(root, e.file)), e.problems));
  }
  // A reference to a broken config: the program folders' project names say which kind it is.
  const kindOfWorkspaceProject = new Map<string, StackKind>();
  for (const s of stacks) kindOfWorkspaceProject.set(s.project, s.kind);
  const invalidIds = new Set(entries.filter((e) => e.status === "invalid").map((e) => e.id));
  for (const s of stacks) {
    s.references = stackReferencesOf(s.config, organization).map(({ name, key, kind }) => {
      const { project, stack } = parseStackRef(name);
      const targetId = byProjectStack.get(`${project}/${stack}`)?.id;
      const ref = { name, key, kind, project, stack };
      if (targetId !== undefined)
        return { ...ref, targetId, target: { id: targetId, status: "valid" as const } };
      const targetKind = kindOfWorkspaceProject.get(project) ?? kindOfProject(project);
      const broken = targetKind && `${targetKind}/${stack}`;
      return broken && invalidIds.has(broken)
        ? { ...ref, target: { id: broken, status: "invalid" as const } }
        : ref;
    });
  }
  entries.sort((a, b) => (a.configFile < b.configFile ? -1 : a.configFile > b.configFile ? 1 : 0));
  const problems = errors.flatMap((e) => problemsOfError(e, (f) => workspaceRelative(root, f)));
  return { root, stacks, errors, entries, problems };
}
