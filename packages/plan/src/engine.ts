/**
 * The offline plan: discover every stack, order them by their StackReferences, run each program
 * under mocks with its real config and its upstream stacks' outputs from this same plan, send every
 * resource to the real policy pack over the Analyzer protocol, check windows across teams, price
 * the GPU hours, and return one report. Nothing here prints: the CLI renders the report.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  ConfigError,
  type DiscoveredStack,
  discoverStacks,
  exitCodeOf,
  fleetOutputsSchema,
  kindOfProject,
  noStacksMessage,
  OUTPUT_SCHEMAS,
  orderStacks,
  STACK_LAYOUT,
  StackGraphError,
  type StackKind,
  stackNameFromFile,
} from "@retrain/config";
import {
  PolicyConfigError,
  type PolicyPackHost,
  type RecordedResource,
  runStackProgram,
  startPolicyPack,
} from "@retrain/offline";
import { buildScheduleView, DEFAULT_WEEKS, findClashes, horizon, isoUtc, MAX_WEEKS } from "@retrain/windows";
import { alertsOf } from "./alerts.js";
import { planCrossStackChecks } from "./checks/index.js";
import { estimateAlertingCost, estimateCost, networkInfoOf } from "./cost.js";
import type { InputProblem, PlanReport, PlanSummary, StackPlan, StackStatus } from "./model.js";
import { proveStackPermissions } from "./permissions/index.js";
import { analyzeResources, locatePack, PACK_CONFIG_FILE, readPackConfig } from "./policy.js";
import { loadPrices, type PriceTable } from "./prices.js";

export interface PlanOptions {
  /** Workspace root (holding stacks/ and policies/). */
  workspace: string;
  /** Stacks to plan, as `<kind>/<stack>` (or a stack name that is unique); default: all. */
  stacks?: readonly string[];
  /** Teams to plan (their scheduling stacks); combined with `stacks`. */
  teams?: readonly string[];
  /** Weeks ahead for clashes, calendar and cost; default 4. */
  weeks?: number;
  /** Start of the horizon; default now. */
  from?: Date;
  /** A price table overlaid on the checked-in one and the workspace's plan.prices.json. */
  pricesFile?: string;
  /** Policy pack config file (workspace-relative or absolute); default policies/retrain-guard/policy-config.json. */
  policyConfigFile?: string;
  /** Called as the plan advances (for progress display). */
  onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { type: "start"; total: number }
  | { type: "stack-start"; id: string; index: number; total: number }
  | { type: "stack-done"; id: string; index: number; total: number; status: StackStatus; resources: number }
  | { type: "policy"; stacks: number }
  | { type: "done" };

/** A stack program module's default export. */
type StackProgram = () => Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined;

/** Entry modules tried after package.json `main`, in a program folder. */
const PROGRAM_ENTRIES = ["src/index.ts", "index.ts", "src/index.js", "index.js"];

export async function runPlan(options: PlanOptions): Promise<PlanReport> {
  const root = path.resolve(options.workspace);
  const rel = (file: string) =>
    (path.isAbsolute(file) ? path.relative(root, file) : file).split(path.sep).join("/");
  const weeks = options.weeks ?? DEFAULT_WEEKS;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_WEEKS) {
    throw new RangeError(`weeks must be a whole number from 1 to ${MAX_WEEKS}, got ${weeks}`);
  }
  const { from, to } = horizon(options.from ?? new Date(), weeks);
  const progress = options.onProgress ?? (() => {});
  const errors: InputProblem[] = [];
  const addConfigError = (e: ConfigError) => {
    for (const p of e.problems)
      errors.push({ file: rel(e.file), ...(p.key ? { key: p.key } : {}), message: p.message });
  };

  // 1. Discover (one parse of every config) and order.
  const workspace = discoverStacks(root);
  for (const e of workspace.errors) addConfigError(e);
  if (workspace.stacks.length === 0 && workspace.errors.length === 0) {
    errors.push({
      file: root,
      message: noStacksMessage(root),
    });
  }
  const invalidIds = new Set(
    workspace.errors.map((e) => stackIdOfFile(rel(e.file))).filter((id) => id !== undefined),
  );
  const { order, blocked } = orderAround(workspace.stacks, invalidIds, errors, rel);

  // 2. What to plan: the selection, plus its upstream stacks so references resolve.
  const byId = new Map(workspace.stacks.map((s) => [s.id, s]));
  const selected = select(workspace.stacks, invalidIds, options, errors);
  const toRun = new Set<string>();
  const addWithUpstream = (id: string) => {
    if (toRun.has(id)) return;
    toRun.add(id);
    for (const r of byId.get(id)?.references ?? []) if (r.targetId) addWithUpstream(r.targetId);
  };
  for (const s of workspace.stacks) if (!selected || selected.has(s.id)) addWithUpstream(s.id);
  const isShown = (id: string) => !selected || selected.has(id);

  let prices: PriceTable | undefined;
  try {
    prices = loadPrices(root, options.pricesFile);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    addConfigError(e);
  }
  let packConfig: ReturnType<typeof readPackConfig> | undefined;
  try {
    packConfig = readPackConfig(root, options.policyConfigFile);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    addConfigError(e);
  }

  // 3. Run the stacks in order; analyse each one's resources while the next one runs.
  const plans = new Map<string, StackPlan>();
  const runList = [
    ...order.filter((s) => toRun.has(s.id)),
    ...[...blocked.keys()].filter((id) => toRun.has(id)).map((id) => byId.get(id)!),
  ];
  progress({ type: "start", total: runList.length });
  // The pack starts now, while the first programs load: its start-up overlaps theirs.
  let host: Promise<PolicyPackHost> | undefined;
  if (packConfig && runList.some((s) => isShown(s.id))) {
    host = startPolicyPack({ packDir: locatePack(root), config: packConfig.config });
    // Its failure is reported by the first analysis that awaits it; avoid an unhandled rejection before.
    host.catch(() => undefined);
  }
  // Stacks are analysed one after another (each with a few RPCs in flight), overlapping the next
  // programs' runs: the pack is one process, and hundreds of stacks' RPCs at once would only queue.
  let analyses = Promise.resolve();
  let analysed = 0;
  const programs = new Map<string, Promise<StackProgram>>();
  let index = 0;
  for (const s of runList) {
    index++;
    progress({ type: "stack-start", id: s.id, index, total: runList.length });
    const plan = emptyPlan(s, rel, isShown(s.id));
    plans.set(s.id, plan);
    const blockedReason = blocked.get(s.id) ?? upstreamProblem(s, plans);
    if (blockedReason) {
      plan.status = "skipped";
      plan.error = blockedReason;
    } else {
      const contract = contractProblem(s, plans, byId, rel);
      if (contract) {
        plan.status = "failed";
        plan.error = contract.message;
        errors.push(contract);
      } else {
        const resources = await runOne(s, plan, plans, programs, rel, errors);
        if (resources && plan.selected && host && packConfig) {
          const pack = host;
          const configFile = packConfig.file ?? PACK_CONFIG_FILE;
          analyses = analyses.then(() => analyse(pack, plan, resources, configFile, errors));
          analysed++;
        }
      }
    }
    progress({
      type: "stack-done",
      id: s.id,
      index,
      total: runList.length,
      status: plan.status,
      resources: plan.resources.length,
    });
  }
  progress({ type: "policy", stacks: analysed });
  try {
    await analyses;
  } finally {
    if (host)
      await host.then(
        (h) => h.close(),
        () => undefined,
      );
  }

  // 4. Across stacks: each team's windows against the fleet it runs on (network, idle pools, time).
  errors.push(...planCrossStackChecks(workspace.stacks, plans, rel, isShown));

  // 5. Windows across teams: clashes, calendar, cost; from the validated configs.
  const view = buildScheduleView(workspace.stacks, root, { from, to });
  errors.push(...view.problems);
  const teamShown = (stackId: string, environment: string) =>
    isShown(stackId) || isShown(`fleet/${environment}`);
  const clashes = findClashes(view.windows).filter(
    (c) => teamShown(c.a.stackId, c.environment) || teamShown(c.b.stackId, c.environment),
  );
  const usage = view.usage.filter((u) => teamShown(`scheduling/${u.team}`, u.environment));
  const poolsUsed = new Set(usage.map((u) => `${u.environment}/${u.pool}`));
  // Each planned fleet's network, from its outputs (the zones and endpoints the program chose).
  const networks = [...plans.values()].flatMap((p) => {
    const parsed =
      p.kind === "fleet" && p.status === "planned" ? fleetOutputsSchema.safeParse(p.outputs) : undefined;
    if (!parsed?.success) return [];
    const shown = !selected || selected.has(p.id) || usage.some((u) => u.environment === p.stack);
    return shown ? [networkInfoOf(p.stack, parsed.data.region, parsed.data.network)] : [];
  });
  const cost = estimateCost({
    pools: view.pools.filter(
      (p) =>
        !selected || poolsUsed.has(`${p.environment}/${p.pool}`) || selected.has(`fleet/${p.environment}`),
    ),
    windows: usage,
    horizonHours: (to.getTime() - from.getTime()) / 3_600_000,
    networks,
    prices: prices ?? { source: "unavailable (invalid price table)", date: "", files: [], prices: new Map() },
  });

  const stacks = [...plans.values()];
  // 5. Permissions proven: every flow's requests simulated against the iam stacks' own policies.
  const permissions = await proveStackPermissions(stacks, workspace.stacks);
  const report: PlanReport = {
    from: isoUtc(from),
    to: isoUtc(to),
    weeks,
    workspace: root,
    stacks,
    clashes,
    schedule: view.entries.filter((e) => teamShown(e.stackId, e.environment)),
    cost: { ...cost, alerting: estimateAlertingCost(stacks) },
    alerts: alertsOf(stacks),
    permissions,
    errors,
    summary: summarize(stacks, clashes.length, errors.length, permissions.findings.length),
  };
  progress({ type: "done" });
  return report;
}

// ------------------------------------------------------------------ ordering and selection

/** `iam/dev` from `stacks/iam/envs/dev/Pulumi.dev.yaml` (a config that failed to load). */
function stackIdOfFile(file: string): string | undefined {
  for (const [kind, dir] of Object.entries(STACK_LAYOUT)) {
    if (file.startsWith(`${dir}/`)) {
      const stack = stackNameFromFile(file);
      return stack ? `${kind}/${stack}` : undefined;
    }
  }
  return undefined;
}

function referenceTargetId(r: DiscoveredStack["references"][number]): string | undefined {
  if (r.targetId) return r.targetId;
  const kind = kindOfProject(r.project);
  return kind ? `${kind}/${r.stack}` : undefined;
}

/**
 * The dependency order of the stacks that can run, and why the others cannot: a stack referencing
 * an invalid config is blocked (the config's own error says why); a reference to no stack or a
 * cycle is an input error naming both stacks (StackGraphError), and blocks the stacks involved.
 * Everything downstream of a blocked stack is blocked too. Independent stacks still plan.
 */
function orderAround(
  stacks: readonly DiscoveredStack[],
  invalidIds: ReadonlySet<string>,
  errors: InputProblem[],
  rel: (file: string) => string,
): { order: DiscoveredStack[]; blocked: Map<string, string> } {
  const blocked = new Map<string, string>();
  let remaining = [...stacks];
  for (;;) {
    let changed = true;
    while (changed) {
      changed = false;
      const ids = new Set(remaining.map((s) => s.id));
      for (const s of remaining) {
        for (const r of s.references) {
          const target = referenceTargetId(r);
          if (!target || ids.has(target)) continue;
          const why = invalidIds.has(target)
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
      return { order: orderStacks(remaining).order, blocked };
    } catch (e) {
      if (!(e instanceof StackGraphError)) throw e;
      for (const p of e.problems) {
        errors.push({ file: rel(p.file), key: p.key, message: p.message });
        blocked.set(p.from, p.message);
      }
      remaining = remaining.filter((s) => !blocked.has(s.id));
    }
  }
}

/** The selected stack ids, undefined for "all"; unknown names are input errors listing the known ones. */
function select(
  stacks: readonly DiscoveredStack[],
  invalidIds: ReadonlySet<string>,
  options: PlanOptions,
  errors: InputProblem[],
): Set<string> | undefined {
  const wanted = options.stacks ?? [];
  const teams = options.teams ?? [];
  if (wanted.length === 0 && teams.length === 0) return undefined;
  const ids = new Set([...stacks.map((s) => s.id), ...invalidIds]);
  const selected = new Set<string>();
  for (const name of wanted) {
    const matches = ids.has(name)
      ? [name]
      : [...ids].filter((id) => id.split("/")[1] === name || id === name.replace(/^retrain-/, ""));
    if (matches.length === 1) selected.add(matches[0]!);
    else
      errors.push({
        file: "(command line)",
        key: "--stack",
        message:
          matches.length === 0
            ? `unknown stack "${name}"; known stacks: ${[...ids].sort().join(", ")}`
            : `"${name}" is ambiguous: ${matches.join(", ")}; give <kind>/<stack>`,
      });
  }
  for (const team of teams) {
    const id = `scheduling/${team}`;
    if (ids.has(id)) selected.add(id);
    else {
      const known = [...ids]
        .filter((i) => i.startsWith("scheduling/"))
        .map((i) => i.slice("scheduling/".length));
      errors.push({
        file: "(command line)",
        key: "--team",
        message: `unknown team "${team}"; teams: ${known.sort().join(", ") || "none"}`,
      });
    }
  }
  return selected;
}

// ------------------------------------------------------------------ running one stack

function emptyPlan(s: DiscoveredStack, rel: (f: string) => string, selected: boolean): StackPlan {
  return {
    id: s.id,
    kind: s.kind,
    project: s.project,
    stack: s.stack,
    configFile: rel(s.configFile),
    status: "planned",
    selected,
    resources: [],
    outputs: {},
    violations: [],
  };
}

/** Why a stack must not run because a stack it references did not plan. */
function upstreamProblem(s: DiscoveredStack, plans: ReadonlyMap<string, StackPlan>): string | undefined {
  for (const r of s.references) {
    const up = r.targetId ? plans.get(r.targetId) : undefined;
    if (up && (up.status === "failed" || up.status === "skipped")) {
      return `its StackReference ${r.name} (${r.key}) points to ${up.id}, which ${up.status === "failed" ? "failed" : "was skipped"}`;
    }
  }
  return undefined;
}

/**
 * Each upstream stack's outputs checked against the outputs contract before the downstream program
 * reads them: a renamed or missing output fails here, naming the reference, not at deploy time.
 */
function contractProblem(
  s: DiscoveredStack,
  plans: ReadonlyMap<string, StackPlan>,
  byId: ReadonlyMap<string, DiscoveredStack>,
  rel: (f: string) => string,
): InputProblem | undefined {
  for (const r of s.references) {
    const up = r.targetId ? plans.get(r.targetId) : undefined;
    const upStack = r.targetId ? byId.get(r.targetId) : undefined;
    if (!up || !upStack) continue;
    const parsed = OUTPUT_SCHEMAS[upStack.kind as StackKind].safeParse(up.outputs);
    if (parsed.success) continue;
    const problems = parsed.error.issues.map((i) => {
      const key = i.path.map(String).join(".") || "(outputs)";
      return i.code === "invalid_type" &&
        (up.outputs as Record<string, unknown>)[String(i.path[0])] === undefined
        ? `missing output "${key}"`
        : `output "${key}": ${i.message}`;
    });
    const exported = Object.keys(up.outputs);
    return {
      file: rel(s.configFile),
      key: r.key,
      message:
        `StackReference ${r.name} (${up.id}) does not satisfy the outputs contract ${s.id} reads: ${problems.join("; ")}` +
        ` (${up.id} exports: ${exported.length ? exported.join(", ") : "nothing"}; program ${rel(upStack.programDir)})`,
    };
  }
  return undefined;
}

let tsxHooks: Promise<unknown> | undefined;

/**
 * Imports a program module. Under tsx or vitest TypeScript imports as is. Under plain node (the
 * `retrain` CLI runs from dist/, without transpiling itself and the Pulumi SDK on every start) a
 * program written in TypeScript fails with ERR_UNKNOWN_FILE_EXTENSION; then tsx's ESM hooks are
 * registered once and the import retried. They transpile only .ts files, and the programs' imports
 * of workspace packages resolve to the same dist/ modules the CLI runs (one ConfigError class).
 */
async function importProgram(file: string): Promise<{ default?: unknown }> {
  const url = pathToFileURL(file).href;
  try {
    return (await import(url)) as { default?: unknown };
  } catch (e) {
    if ((e as { code?: unknown }).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw e;
  }
  tsxHooks ??= import("tsx/esm/api").then((tsx) => tsx.register());
  await tsxHooks;
  // Node remembers the failed import of this URL: the retry needs a URL of its own.
  return (await import(`${url}?tsx`)) as { default?: unknown };
}

/**
 * The module Pulumi's Node.js runtime would run: package.json `main` of the program folder (how
 * the language host resolves the program), else the usual index files. Its default export is the
 * program, as for an inline program of the Automation API.
 */
async function loadProgram(programDir: string): Promise<StackProgram> {
  const candidates = [...PROGRAM_ENTRIES];
  const pkgFile = path.join(programDir, "package.json");
  if (existsSync(pkgFile)) {
    const main = (JSON.parse(readFileSync(pkgFile, "utf8")) as { main?: unknown }).main;
    if (typeof main === "string") candidates.unshift(main);
  }
  for (const entry of candidates) {
    const file = path.join(programDir, entry);
    if (!existsSync(file)) continue;
    const mod = await importProgram(file);
    if (typeof mod.default !== "function") {
      throw new Error(
        `${file} must default-export the stack program (an async function returning the outputs)`,
      );
    }
    return mod.default as StackProgram;
  }
  throw new Error(
    `no stack program in ${programDir} (looked for package.json main, ${PROGRAM_ENTRIES.join(", ")})`,
  );
}

async function runOne(
  s: DiscoveredStack,
  plan: StackPlan,
  plans: ReadonlyMap<string, StackPlan>,
  programs: Map<string, Promise<StackProgram>>,
  rel: (f: string) => string,
  errors: InputProblem[],
): Promise<RecordedResource[] | undefined> {
  let program: StackProgram;
  try {
    // One import per program folder: every team's stack runs the same scheduling program.
    const loading = programs.get(s.programDir) ?? loadProgram(s.programDir);
    programs.set(s.programDir, loading);
    program = await loading;
  } catch (e) {
    plan.status = "failed";
    plan.error = (e as Error).message;
    errors.push({
      file: rel(s.programDir),
      message: `cannot load the program of ${s.id}: ${(e as Error).message}`,
    });
    return undefined;
  }
  const upstream: Record<string, Record<string, unknown>> = {};
  for (const r of s.references) {
    const up = r.targetId ? plans.get(r.targetId) : undefined;
    if (up) upstream[r.name] = up.outputs;
  }
  const result = await runStackProgram({
    project: s.project,
    stack: s.stack,
    program,
    config: s.config.raw,
    upstream,
  });
  plan.resources = result.resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    ...(r.parent ? { parent: r.parent } : {}),
    inputs: r.inputs,
    ...(r.id ? { id: r.id } : {}),
  }));
  plan.outputs = result.outputs;
  if (result.errors.length > 0) {
    plan.status = "failed";
    plan.error = result.errors.map((e) => e.message).join("\n");
    for (const e of result.errors) errors.push({ file: rel(s.configFile), message: `${s.id}: ${e.message}` });
    return undefined;
  }
  return result.resources;
}

async function analyse(
  host: Promise<PolicyPackHost>,
  plan: StackPlan,
  resources: RecordedResource[],
  configFile: string,
  errors: InputProblem[],
): Promise<void> {
  try {
    plan.violations = await analyzeResources(await host, resources);
  } catch (e) {
    const err = e as Error;
    // A config the pack rejects is the config file's fault; anything else is the pack's.
    const file = err instanceof PolicyConfigError ? configFile : "policies/retrain-guard";
    const message = `policy pack: ${err.message}`;
    if (!errors.some((p) => p.message === message)) errors.push({ file, message });
    plan.error = message;
  }
}

function summarize(
  stacks: readonly StackPlan[],
  clashes: number,
  errors: number,
  permissionFindings: number,
): PlanSummary {
  const shown = stacks.filter((s) => s.selected);
  const violations = shown.flatMap((s) => s.violations);
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  return {
    stacks: shown.length,
    planned: shown.filter((s) => s.status === "planned").length,
    failed: shown.filter((s) => s.status === "failed").length,
    skipped: shown.filter((s) => s.status === "skipped").length,
    resources: shown.reduce((n, s) => n + s.resources.length, 0),
    mandatory,
    advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
    clashes,
    permissionFindings,
    exitCode: exitCodeOf({ invalidInput: errors, findings: mandatory + clashes + permissionFindings }),
  };
}
