/** Validation of stack config files, shared by `retrain config check` (and usable before a plan). */
import path from "node:path";
import {
  ConfigError,
  type ConfigProblem,
  type DiscoveredStack,
  discoverStacks,
  loadStackConfig,
  orderStacks,
  type Problem,
  StackGraphError,
  type StackGraphProblem,
  stackRegionProblems,
  toPosix,
  workspaceRelative,
} from "@retrain/config/workspace";
import { configCrossStackChecks } from "@retrain/plan/checks";
import { buildScheduleView, WEEK_MS } from "@retrain/windows";

export interface CheckedFile {
  /** The file as shown: workspace-relative when discovered, cwd-relative when given. */
  file: string;
  /** `<kind>/<stack>` when the config is valid. */
  id?: string;
  ok: boolean;
  problems: ConfigProblem[];
}

export interface ConfigCheckReport {
  ok: boolean;
  files: CheckedFile[];
  /** References to stacks that do not exist, and cycles (only when checking the whole workspace). */
  references: StackGraphProblem[];
  /**
   * What two valid configs together get wrong (only when checking the whole workspace): a stack's
   * `aws:region` against its iam or fleet stack's, a team's window against its fleet's pools (a pool
   * it names that the fleet lacks, starting/stopping an always-on pool, not starting one that stops when idle, rounds that overrun the window) and the
   * environment's window and EventBridge rule quotas; the same checks as the plan's (the network is
   * the plan's alone).
   */
  crossStack: Problem[];
}

function problemsOf(e: unknown): ConfigProblem[] {
  return e instanceof ConfigError ? e.problems : [{ key: "", message: (e as Error).message }];
}

/** Checks the given files, or, without files, every stack of the workspace at `root` and their references. */
export function checkStackConfigs(opts: {
  cwd: string;
  root: string;
  files?: readonly string[];
}): ConfigCheckReport {
  if (opts.files && opts.files.length > 0) {
    const files = opts.files.map((f): CheckedFile => {
      const display = toPosix(path.relative(opts.cwd, path.resolve(opts.cwd, f))) || f;
      try {
        const loaded = loadStackConfig(path.resolve(opts.cwd, f), { displayName: display });
        return { file: display, id: `${loaded.kind}/${loaded.stack}`, ok: true, problems: [] };
      } catch (e) {
        return { file: display, ok: false, problems: problemsOf(e) };
      }
    });
    return { ok: files.every((f) => f.ok), files, references: [], crossStack: [] };
  }

  const { stacks, errors, entries } = discoverStacks(opts.root);
  const configFileOf = new Map(entries.map((e) => [e.id, e.configFile]));
  const files: CheckedFile[] = [
    ...stacks.map((s) => ({
      file: configFileOf.get(s.id) ?? s.configFile,
      id: s.id,
      ok: true,
      problems: [],
    })),
    ...errors.map((e) => ({ file: e.file, ok: false, problems: e.problems })),
  ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

  // A reference to a stack whose config is invalid is reported with that config, not as missing.
  const checkable: DiscoveredStack[] = stacks.map((s) => ({
    ...s,
    references: s.references.filter((r) => r.target?.status !== "invalid"),
  }));
  let references: StackGraphProblem[] = [];
  try {
    orderStacks(checkable);
  } catch (e) {
    if (!(e instanceof StackGraphError)) throw e;
    references = e.problems;
  }
  const rel = (f: string) => workspaceRelative(opts.root, f);
  // The schedule view's problems (a pool the fleet lacks, a schedule that cannot be evaluated) over
  // the shortest horizon: only its problems are read here.
  const now = new Date();
  const view = buildScheduleView(stacks, opts.root, { from: now, to: new Date(now.getTime() + WEEK_MS) });
  const crossStack = [
    ...stackRegionProblems(stacks, rel).map((r) => r.problem),
    ...view.problems,
    ...configCrossStackChecks(stacks, rel),
  ];
  return {
    ok: files.every((f) => f.ok) && references.length === 0 && crossStack.length === 0,
    files,
    references,
    crossStack,
  };
}
