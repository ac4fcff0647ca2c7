/** Dependency order of discovered stacks, from their StackReferences: upstream stacks first. */
import path from "node:path";
import type { DiscoveredStack, DiscoveredWorkspace } from "./discovery.js";
import { type Problem, workspaceRelative } from "./problem.js";

/**
 * One bad edge of the stack graph (a reference to no stack, or part of a cycle): a {@link Problem}
 * of the referencing config (`file` as the stack gives it, absolute from discovery) and key, with
 * both ends. Prefer {@link orderWorkspace}, whose problems are workspace-relative.
 * @deprecated the name; it is `Problem & { from, to }`.
 */
export type StackGraphProblem = Problem & {
  /** Id of the stack making the reference. */
  from: string;
  /** Id of the stack referenced, or the reference name when no stack matches. */
  to: string;
  key: string;
};

export class StackGraphError extends Error {
  override readonly name = "StackGraphError";
  constructor(readonly problems: StackGraphProblem[]) {
    super(`invalid stack references:\n${problems.map((p) => `  - ${p.message}`).join("\n")}`);
  }
}

export interface StackOrder {
  /** Every stack, upstream before downstream; within a level sorted by id. */
  order: DiscoveredStack[];
  /** Stacks grouped by depth: level 0 references nothing, level n only stacks of levels below n. */
  levels: DiscoveredStack[][];
}

const byId = (a: DiscoveredStack, b: DiscoveredStack) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Where a reference is set, for messages: the file (workspace-relative) and key. */
function site(s: DiscoveredStack, key: string): string {
  return `${shown(s)} (${key})`;
}

/** The config file, workspace-relative as every problem's `file`, wherever the command was started. */
const shown = (s: DiscoveredStack) => `${s.root}/${path.basename(s.configFile)}`;

/**
 * Orders stacks so every stack comes after the stacks it references, level by level (Kahn's
 * algorithm; a level is sorted by id so the order is deterministic). Throws a
 * {@link StackGraphError} listing every reference to a stack that is not among `stacks`, or the
 * references forming a cycle.
 */
export function orderStacks(stacks: readonly DiscoveredStack[]): StackOrder {
  // Two stacks of one id would make every map below keyed by id drop one of them: reject first.
  const ids = new Map<string, DiscoveredStack>();
  const duplicates: StackGraphProblem[] = [];
  for (const s of stacks) {
    const first = ids.get(s.id);
    if (first === undefined) ids.set(s.id, s);
    else
      duplicates.push({
        from: s.id,
        to: s.id,
        file: s.configFile,
        key: "",
        message: `two configs of stack ${s.id}: ${shown(first)} and ${shown(s)}; a stack has exactly one config file`,
      });
  }
  if (duplicates.length > 0) throw new StackGraphError(duplicates);
  const missing: StackGraphProblem[] = [];
  for (const s of stacks) {
    for (const r of s.references) {
      if (r.targetId === undefined || !ids.has(r.targetId)) {
        missing.push({
          from: s.id,
          to: r.targetId ?? r.name,
          file: s.configFile,
          key: r.key,
          message: `${s.id} references stack "${r.name}" (${site(s, r.key)}), but no such stack exists; expected a config ${r.project}/${r.stack} in the workspace`,
        });
      }
    }
  }
  if (missing.length > 0) throw new StackGraphError(missing);

  const upstream = new Map(stacks.map((s) => [s.id, new Set(s.references.map((r) => r.targetId as string))]));
  const levels: DiscoveredStack[][] = [];
  const placed = new Set<string>();
  while (placed.size < ids.size) {
    const level = stacks
      .filter((s) => !placed.has(s.id) && [...(upstream.get(s.id) ?? [])].every((u) => placed.has(u)))
      .sort(byId);
    if (level.length === 0)
      throw new StackGraphError(
        cycleProblems(
          stacks.filter((s) => !placed.has(s.id)),
          ids,
        ),
      );
    for (const s of level) placed.add(s.id);
    levels.push(level);
  }
  return { order: levels.flat(), levels };
}

/** The references of one cycle among stacks that could not be placed. */
function cycleProblems(rest: DiscoveredStack[], ids: Map<string, DiscoveredStack>): StackGraphProblem[] {
  const remaining = new Set(rest.map((s) => s.id));
  // Walk references inside the remainder until a stack repeats: every remaining stack has one.
  const start = [...rest].sort(byId)[0];
  if (start === undefined) return [];
  const seen: string[] = [];
  let current = start;
  while (!seen.includes(current.id)) {
    seen.push(current.id);
    const next = current.references.find((r) => r.targetId !== undefined && remaining.has(r.targetId));
    const to = next?.targetId === undefined ? undefined : ids.get(next.targetId);
    if (to === undefined) break;
    current = to;
  }
  const cycle = seen.slice(seen.indexOf(current.id));
  const loop = [...cycle, cycle[0]].join(" → ");
  return cycle.map((id, i) => {
    const s = ids.get(id) as DiscoveredStack;
    const to = cycle[(i + 1) % cycle.length] as string;
    const ref = s.references.find((r) => r.targetId === to);
    const key = ref?.key ?? "";
    return {
      from: id,
      to,
      file: s.configFile,
      key,
      message: `${id} references ${to} (${site(s, key)}), which is part of a cycle: ${loop}`,
    };
  });
}

/** The stacks that can run, in order, and why each other stack cannot. */
export interface WorkspaceOrder {
  /** Every stack that can run, upstream first (as {@link orderStacks}). */
  order: DiscoveredStack[];
  /** Id → why the stack cannot run: an invalid or blocked upstream, or a bad reference of its own. */
  blocked: Map<string, string>;
  /** The references to no stack and the cycles, workspace-relative (exit 2). */
  problems: Problem[];
}

/**
 * The dependency order of the stacks that can run, and why the others cannot: a stack referencing
 * an invalid config is blocked (the config's own error says why); a reference to no stack or a
 * cycle is a problem naming both stacks, and blocks the stacks involved. Everything downstream of
 * a blocked stack is blocked too. Independent stacks still run.
 */
export function orderWorkspace(workspace: Pick<DiscoveredWorkspace, "root" | "stacks">): WorkspaceOrder {
  const blocked = new Map<string, string>();
  const problems: Problem[] = [];
  let remaining = [...workspace.stacks];
  for (;;) {
    let changed = true;
    while (changed) {
      changed = false;
      const ids = new Set(remaining.map((s) => s.id));
      for (const s of remaining) {
        for (const r of s.references) {
          const target = r.target?.id;
          if (!target || ids.has(target)) continue;
          const why =
            r.target?.status === "invalid"
              ? `its StackReference ${r.name} (${r.key}) points to ${target}, whose config is invalid`
              : blocked.has(target)
                ? `its StackReference ${r.name} (${r.key}) points to ${target}, which cannot be planned`
                : undefined;
          if (why) {
            blocked.set(s.id, why);
            changed = true;
            break;
          }
        }
      }
      remaining = remaining.filter((s) => !blocked.has(s.id));
    }
    try {
      return { order: orderStacks(remaining).order, blocked, problems };
    } catch (e) {
      if (!(e instanceof StackGraphError)) throw e;
      for (const p of e.problems) {
        problems.push({ file: workspaceRelative(workspace.root, p.file), key: p.key, message: p.message });
        blocked.set(p.from, p.message);
      }
      remaining = remaining.filter((s) => !blocked.has(s.id));
    }
  }
}
