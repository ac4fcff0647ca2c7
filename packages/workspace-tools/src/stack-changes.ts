/**
 * What a change between two commits does to the stacks, beyond what `nx affected` sees: which stacks
 * own the changed files, which stacks it removes, and which workspace files outside every Nx project
 * the stack programs read. Nx counts a deleted project file (a team's config) as touching every
 * project, and a file outside every project as touching none; a deploy needs neither.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { STACK_LAYOUT, type StackKind } from "@retrain/config/layout";
import { TENANT_REGISTRY_PATH, type TenantRegistry, teamsGranted } from "@retrain/config/tenants";
import {
  DEFAULT_ROOT_VOLUME_GB,
  type DiscoveredStack,
  projectNameOfId,
  stackProjectName,
  toPosix,
} from "@retrain/config/workspace";
import { parse } from "yaml";

/** Changed files that change no plan: documentation. */
export const isDocumentation = (file: string): boolean => file.startsWith("docs/") || file.endsWith(".md");

/**
 * Workspace files outside every Nx project that stack programs read, and the kinds of stack whose
 * resources follow from them: the registry makes the iam stack's training role per granted team;
 * `retrain.json`'s organization is in every StackReference name.
 */
export const UNPROJECTED_INPUTS: readonly { file: string; kinds: readonly StackKind[] }[] = [
  { file: TENANT_REGISTRY_PATH, kinds: ["iam"] },
  { file: "retrain.json", kinds: ["iam", "fleet", "scheduling"] },
];

/** The stacks whose own files (a team's folder, an environment's config file) a change touches. */
export interface OwnedChanges {
  /** True when a changed file is no single stack's own (platform code, policies, CI, a removed stack's file). */
  all: boolean;
  /** Ids (`<kind>/<stack>`) of the stacks owning the changed files, sorted. */
  ids: string[];
  /** The first changed file that is no stack's own. */
  reason?: string;
}

/**
 * A stack's folder is its own only when it holds no program (a config next to its program's `src/`
 * shares that folder with every stack of the program): then only its config file is. Documentation
 * is nobody's and touches nothing.
 */
export function stacksOwningChanges(opts: {
  /** Absolute workspace root (the stacks' program dirs are absolute). */
  root: string;
  changed: readonly string[];
  stacks: readonly DiscoveredStack[];
}): OwnedChanges {
  const owners = opts.stacks.map((s) => {
    const folder = s.root.replace(/\/+$/, "");
    const program = path.relative(opts.root, s.programDir).split(path.sep).join("/");
    const holdsProgram = folder === "" || program === folder || program.startsWith(`${folder}/`);
    const config = path.relative(opts.root, s.configFile).split(path.sep).join("/");
    return {
      id: s.id,
      owns: (file: string) => file === config || (!holdsProgram && file.startsWith(`${folder}/`)),
    };
  });
  const ids = new Set<string>();
  for (const file of opts.changed) {
    if (isDocumentation(file)) continue;
    const own = owners.find((o) => o.owns(file));
    if (!own) return { all: true, ids: opts.stacks.map((s) => s.id).sort(), reason: file };
    ids.add(own.id);
  }
  return { all: false, ids: [...ids].sort() };
}

/**
 * The Nx projects a deploy (or preview) runs. A change to team folders only touches those teams'
 * stacks, which nothing reads: exactly them, whatever Nx says (it counts a renamed or deleted team
 * file as touching every project, which would deploy every environment's platform stacks on a
 * team's pull request). Otherwise Nx's affected set, plus the stacks an {@link UNPROJECTED_INPUTS}
 * file feeds (Nx places such a file in no project, so it affects none).
 */
export function deployProjects(opts: {
  root: string;
  changed: readonly string[];
  nxAffected: readonly string[];
  stacks: readonly DiscoveredStack[];
}): string[] {
  const owned = stacksOwningChanges(opts);
  const byId = new Map(opts.stacks.map((s) => [s.id, s]));
  if (!owned.all && owned.ids.every((id) => byId.get(id)?.kind === "scheduling"))
    return owned.ids.map((id) => stackProjectName(byId.get(id)!)).sort();
  const projects = new Set(opts.nxAffected);
  for (const input of UNPROJECTED_INPUTS) {
    if (!opts.changed.includes(input.file)) continue;
    for (const s of opts.stacks) if (input.kinds.includes(s.kind)) projects.add(stackProjectName(s));
  }
  return [...projects].sort();
}

/**
 * A stack the change takes out of an environment: its config file is gone (`removed`), or a team's
 * file names another environment than at the base commit (`moved`: each environment has its own
 * state backend, so the old stack stays where it was).
 */
export interface RemovedStack {
  id: string;
  how: "removed" | "moved";
  /** `moved`: the environment the stack leaves, and the one it goes to. */
  from?: string;
  to?: string;
  /** Its config file at the base commit, workspace-relative. */
  file: string;
  /**
   * Undefined when the removal is an offboarding the registry confirms (the team, or every grant of
   * the environment, is gone from it too); otherwise why it is refused.
   */
  refusal?: string;
}

/** `<kind>/<stack>` of a workspace-relative stack config path, when it is one. */
export function stackIdOfConfigPath(file: string): string | undefined {
  for (const [kind, folder] of Object.entries(STACK_LAYOUT)) {
    const m = new RegExp(
      `^${folder.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/([^/]+)/Pulumi\\.([^/]+)\\.ya?ml$`,
    ).exec(file);
    if (m && m[1] === m[2]) return `${kind}/${m[1]}`;
  }
  return undefined;
}

/** Stack config files at `commit`, by stack id. */
export function stackConfigsAt(root: string, commit: string): Map<string, string> {
  const r = spawnSync("git", ["ls-tree", "-r", "-z", "--name-only", commit, "--", "stacks/"], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`git ls-tree ${commit} failed:\n${r.stdout}${r.stderr}`);
  const configs = new Map<string, string>();
  for (const file of r.stdout.split("\0")) {
    const id = stackIdOfConfigPath(file);
    if (id) configs.set(id, file);
  }
  return configs;
}

/**
 * Stacks the change removes. Removing a config file removes no stack: Pulumi keeps it and its
 * windows keep running on the fleet, out of every plan, clash check and policy run. So a removal is
 * refused unless the registry confirms it is an offboarding that security approved: the team is no
 * longer registered (a team stack), or no team is granted the environment (an iam or fleet stack).
 * The stack itself is destroyed first, with its file in place (docs/delivery.md, "Removing a stack").
 */
export function removedStacks(opts: {
  /** Stack config files at the base commit, by id ({@link stackConfigsAt}). */
  before: ReadonlyMap<string, string>;
  /** The stacks at head. */
  stacks: readonly DiscoveredStack[];
  /** The tenant registry at head; none: every removal is refused (nothing confirms it). */
  registry: TenantRegistry | undefined;
  /** A team stack's `scheduling:environment` in its file at the base commit ({@link teamEnvironmentAt}). */
  environmentBefore?: (file: string) => string | undefined;
}): RemovedStack[] {
  const now = new Map(opts.stacks.map((s) => [s.id, s]));
  const removed: RemovedStack[] = [];
  for (const [id, file] of [...opts.before].sort(([a], [b]) => a.localeCompare(b))) {
    const [kind, name] = id.split("/") as [StackKind, string];
    const stays = now.get(id);
    if (stays) {
      if (kind !== "scheduling" || !opts.environmentBefore) continue;
      const from = opts.environmentBefore(file);
      const to = stays.config.config.environment;
      if (from === undefined || from === to) continue;
      const grant = opts.registry?.teams[name]?.grants.some((g) => g.environment === from);
      const refusal =
        !opts.registry || grant
          ? `${TENANT_REGISTRY_PATH} still grants team "${name}" environment "${from}"`
          : undefined;
      removed.push({ id, how: "moved", from, to, file, ...(refusal ? { refusal } : {}) });
      continue;
    }
    let refusal: string | undefined;
    if (!opts.registry) refusal = `no ${TENANT_REGISTRY_PATH} confirms that it was offboarded`;
    else if (kind === "scheduling") {
      if (opts.registry.teams[name] !== undefined)
        refusal = `team "${name}" is still registered in ${TENANT_REGISTRY_PATH}`;
    } else {
      const granted = teamsGranted(opts.registry, name).map((g) => g.team);
      if (granted.length > 0)
        refusal = `${TENANT_REGISTRY_PATH} still grants environment "${name}" to ${granted.join(", ")}`;
    }
    removed.push({ id, how: "removed", file, ...(refusal ? { refusal } : {}) });
  }
  return removed;
}

/**
 * `scheduling:environment` of the team file `file` at `commit` (undefined when git or the YAML cannot
 * say: the file was invalid there, and nothing was deployed from it).
 */
export function teamEnvironmentAt(root: string, commit: string, file: string): string | undefined {
  const text = fileAtCommit(root, commit, file);
  if (text === undefined) return undefined;
  try {
    const value = (parse(text) as { config?: Record<string, unknown> } | null)?.config?.[
      "scheduling:environment"
    ];
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** One line per refused removal: what is wrong and the way to remove a stack. */
export function describeRefusedRemovals(removed: readonly RemovedStack[]): string[] {
  return removed.flatMap((r) => {
    if (!r.refusal) return [];
    const project = projectNameOfId(r.id);
    if (r.how === "moved")
      return [
        `${r.file}: scheduling:environment changes from ${r.from} to ${r.to}, but ${r.refusal}. Each environment keeps its own stacks: the ${r.from} stack and its windows would keep running there, out of every plan and policy check. Destroy it in ${r.from} first (npx nx run ${project}:destroy --confirm=${project}, before this change), then switch the environment and remove the ${r.from} grant in one change; otherwise keep ${r.from}`,
      ];
    return [
      `${r.file}: removed, but ${r.refusal}. Deleting a stack's file does not delete the stack: its windows would keep running, out of every plan and policy check. To remove it, destroy the stack with its file in place (npx nx run ${project}:destroy --confirm=${project}), then remove the file and its registry entry in one change (docs/delivery.md, "Removing a stack"); otherwise restore the file`,
    ];
  });
}

/** A pool whose root volume the change makes smaller than the deployed one. */
export interface ShrunkVolume {
  file: string;
  pool: string;
  key: string;
  from: number;
  to: number;
}

/**
 * Fleet pools whose `rootVolumeGb` the change lowers. EBS volumes only grow: the provider changes
 * the size of a running instance's root volume in place with ModifyVolume ("The target volume size
 * must be greater than or equal to the existing size of the volume",
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVolume.html), so `pulumi up`
 * would fail on every instance of the pool, after the plan and the preview said OK (neither knows
 * the deployed size). `fileAt(file)` is the fleet file at the base commit (undefined: new file).
 */
export function shrunkVolumes(opts: {
  stacks: readonly DiscoveredStack[];
  fileAt: (file: string) => string | undefined;
  root: string;
}): ShrunkVolume[] {
  const out: ShrunkVolume[] = [];
  for (const stack of opts.stacks) {
    const loaded = stack.config;
    if (loaded.kind !== "fleet") continue;
    const file = toPosix(path.relative(opts.root, stack.configFile));
    const text = opts.fileAt(file);
    if (text === undefined) continue;
    let before: unknown;
    try {
      before = (parse(text) as { config?: Record<string, unknown> } | null)?.config?.["fleet:pools"];
    } catch {
      continue;
    }
    if (!Array.isArray(before)) continue;
    const sizeBefore = new Map<string, number>();
    for (const p of before as { name?: unknown; rootVolumeGb?: unknown }[])
      if (typeof p?.name === "string")
        sizeBefore.set(p.name, typeof p.rootVolumeGb === "number" ? p.rootVolumeGb : DEFAULT_ROOT_VOLUME_GB);
    const pools = loaded.config.pools;
    pools.forEach((pool, i) => {
      const from = sizeBefore.get(pool.name);
      if (from !== undefined && pool.rootVolumeGb < from)
        out.push({
          file,
          pool: pool.name,
          key: `fleet:pools[${i}].rootVolumeGb`,
          from,
          to: pool.rootVolumeGb,
        });
    });
  }
  return out;
}

/** The file at `commit`, or undefined when it is not there. */
export function fileAtCommit(root: string, commit: string, file: string): string | undefined {
  const r = spawnSync("git", ["show", `${commit}:${file}`], { cwd: root, encoding: "utf8" });
  return r.status === 0 ? r.stdout : undefined;
}

/** One line per shrunk volume: what AWS does and the ways forward. */
export function describeShrunkVolumes(shrunk: readonly ShrunkVolume[]): string[] {
  return shrunk.map(
    (v) =>
      `${v.file}: ${v.key} of pool "${v.pool}" goes down from ${v.from} to ${v.to} GiB, but an EBS volume only grows (ModifyVolume refuses a smaller size), so pulumi up would fail on every instance of the pool. Keep ${v.from} GiB or more; to get smaller disks, add a pool under a new name with the new size and move the windows to it`,
  );
}
