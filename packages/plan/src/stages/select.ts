/**
 * Stage 1, select: discover the workspace (one StackEntry per config file), order the stacks that
 * can run, and pick what to plan: the selection plus its upstream closure, so references resolve.
 */
import {
  ConfigError,
  type DiscoveredStack,
  type DiscoveredWorkspace,
  discoverStacks,
  invalidEntries,
  kindOfProject,
  noStacksMessage,
  orderWorkspace,
  type Problem,
  problemsOfError,
  projectNameOfId,
  stackRegionProblems,
} from "@retrain/config";
import { PACK_CONFIG_FILE, readPackConfig } from "../policy.js";
import { loadPrices, type PriceTable } from "../prices.js";
import type { PlanContext, PlanOptions } from "./context.js";

export interface Selection {
  readonly workspace: DiscoveredWorkspace;
  /** The stacks to run, in order: the runnable ones, then the blocked ones (reported as skipped). */
  readonly runList: readonly DiscoveredStack[];
  /** Id → why the stack cannot run (a broken upstream, a bad reference). */
  readonly blocked: ReadonlyMap<string, string>;
  /** The selected ids; undefined for "all". */
  readonly selected: ReadonlySet<string> | undefined;
  /**
   * The stacks whose findings decide the exit code (`--gate`); undefined for "every stack" (the
   * default). See gate.ts.
   */
  readonly gate?: ReadonlySet<string>;
  /** Input problems found so far (configs, references, the command line, prices, pack config). */
  readonly problems: readonly Problem[];
  /** The price table; undefined when it is invalid (its problem is in `problems`). */
  readonly prices: PriceTable | undefined;
  /** The pack config and its file; undefined when it is invalid. */
  readonly packConfig: { config: ReturnType<typeof readPackConfig>["config"]; file: string } | undefined;
}

/** Whether a stack is shown (selected, or everything is). */
export const isShown = (selection: Pick<Selection, "selected">, id: string): boolean =>
  !selection.selected || selection.selected.has(id);

export function select(ctx: PlanContext): Selection {
  const problems: Problem[] = [];
  const workspace = discoverStacks(ctx.root);
  problems.push(...workspace.problems);
  if (workspace.stacks.length === 0 && workspace.errors.length === 0) {
    problems.push({
      file: ctx.root,
      message: noStacksMessage(ctx.root),
    });
  }
  const { order: ordered, blocked: unordered, problems: graph } = orderWorkspace(workspace);
  problems.push(...graph);
  // A stack in another region than its iam or fleet stack would fail inside its program (twice, in
  // Pulumi's serialization wrapper): reported once from the configs, and the stack is not run.
  const blocked = new Map(unordered);
  for (const { id, problem, summary } of stackRegionProblems(workspace.stacks, ctx.rel)) {
    problems.push(problem);
    if (!blocked.has(id)) blocked.set(id, summary);
  }
  const order = ordered.filter((s) => !blocked.has(s.id));

  const known = new Set([
    ...workspace.stacks.map((s) => s.id),
    ...invalidEntries(workspace).map((e) => e.id),
  ]);
  const chosen = selectIds(known, ctx.options);
  problems.push(...chosen.problems);
  const selected = chosen.selected;
  const gated = gateIds(known, ctx.options.gate);
  problems.push(...gated.problems);
  // A flag naming no stack is bad input: nothing is planned (its report would be of another run).
  const flagProblems = chosen.problems.length + gated.problems.length > 0;
  const runList = flagProblems ? [] : withUpstream(workspace.stacks, order, blocked, selected);

  const fromError = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...problemsOfError(e, ctx.rel));
      return undefined;
    }
  };
  const prices = fromError(() => loadPrices(ctx.root, ctx.options.pricesFile));
  const pack = fromError(() => readPackConfig(ctx.root, ctx.options.policyConfigFile));
  return {
    workspace,
    runList,
    blocked,
    selected,
    ...(gated.gate ? { gate: gated.gate } : {}),
    problems,
    prices,
    packConfig: pack && { config: pack.config, file: pack.file ?? PACK_CONFIG_FILE },
  };
}

/** The stacks to run: the selected ones and every stack they reference, transitively, in run order. */
export function withUpstream(
  stacks: readonly DiscoveredStack[],
  order: readonly DiscoveredStack[],
  blocked: ReadonlyMap<string, string>,
  selected: ReadonlySet<string> | undefined,
): DiscoveredStack[] {
  const byId = new Map(stacks.map((s) => [s.id, s]));
  const toRun = new Set<string>();
  const add = (id: string) => {
    if (toRun.has(id)) return;
    toRun.add(id);
    for (const r of byId.get(id)?.references ?? []) if (r.targetId) add(r.targetId);
  };
  for (const s of stacks) if (!selected || selected.has(s.id)) add(s.id);
  return [
    ...order.filter((s) => toRun.has(s.id)),
    ...[...blocked.keys()].filter((id) => toRun.has(id)).flatMap((id) => byId.get(id) ?? []),
  ];
}

/** `retrain-iam/dev` (Pulumi's `<project>/<stack>`) → `iam/dev`. */
export function idOfProjectStack(name: string): string | undefined {
  const parts = name.split("/");
  const kind = parts.length === 2 ? kindOfProject(parts[0]) : undefined;
  return kind && `${kind}/${parts[1]}`;
}

/**
 * One stack name given on the command line → its id among `known` (every entry, valid or not): an
 * id (`scheduling/vision`), a unique stack name (`vision`), Pulumi's `<project>/<stack>`
 * (`retrain-scheduling/vision`) or an Nx project name (`scheduling-vision`, what
 * `nx show projects --affected` prints). An unknown or ambiguous name is an input problem naming
 * the flag and listing the known ids.
 */
export function resolveStackName(
  known: ReadonlySet<string>,
  name: string,
  flag: "--stack" | "--gate",
): { id: string } | { problem: Problem } {
  // Most specific first: an id, an Nx project name (unique by construction: `fleet-prod` is fleet/prod
  // even when a team is called fleet-prod), then a stack name or `<project>/<stack>`.
  const ids = [...known];
  const byProject = ids.filter((id) => projectNameOfId(id) === name);
  const matches = known.has(name)
    ? [name]
    : byProject.length > 0
      ? byProject
      : ids.filter((id) => id.split("/")[1] === name || id === idOfProjectStack(name));
  const [only] = matches;
  if (matches.length === 1 && only !== undefined) return { id: only };
  return {
    problem: {
      file: "(command line)",
      key: flag,
      message:
        matches.length === 0
          ? `unknown stack "${name}"; known stacks: ${[...known].sort().join(", ") || "none"}`
          : `"${name}" is ambiguous: ${matches.join(", ")}; give <kind>/<stack>`,
    },
  };
}

/**
 * The selected stack ids among `known` (every entry, valid or not), undefined for "all"; unknown
 * names are input errors listing the known ones.
 */
export function selectIds(
  known: ReadonlySet<string>,
  options: Pick<PlanOptions, "stacks" | "teams">,
): { selected: Set<string> | undefined; problems: Problem[] } {
  const wanted = options.stacks ?? [];
  const teams = options.teams ?? [];
  const problems: Problem[] = [];
  if (wanted.length === 0 && teams.length === 0) return { selected: undefined, problems };
  const selected = new Set<string>();
  for (const name of wanted) {
    const r = resolveStackName(known, name, "--stack");
    if ("id" in r) selected.add(r.id);
    else problems.push(r.problem);
  }
  for (const team of teams) {
    const id = `scheduling/${team}`;
    if (known.has(id)) selected.add(id);
    else {
      const teamsKnown = [...known]
        .filter((i) => i.startsWith("scheduling/"))
        .map((i) => i.slice("scheduling/".length));
      problems.push({
        file: "(command line)",
        key: "--team",
        message: `unknown team "${team}"; teams: ${teamsKnown.sort().join(", ") || "none"}`,
      });
    }
  }
  return { selected, problems };
}

/**
 * The gated ids among `known`, undefined for "everything gates"; each name resolved as `--stack`
 * resolves it (resolveStackName), an unknown or ambiguous one an input error (exit 2).
 */
export function gateIds(
  known: ReadonlySet<string>,
  names: readonly string[] | undefined,
): { gate: Set<string> | undefined; problems: Problem[] } {
  if (names === undefined) return { gate: undefined, problems: [] };
  const gate = new Set<string>();
  const problems: Problem[] = [];
  for (const name of names) {
    const r = resolveStackName(known, name, "--gate");
    if ("id" in r) gate.add(r.id);
    else problems.push(r.problem);
  }
  return { gate, problems };
}
