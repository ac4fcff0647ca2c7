/**
 * The offline plan, end to end as a user runs it (`retrain plan`, a fresh process each time), on the
 * example workspace and on generated workspaces of N teams, against two baselines:
 * - the replay floor (bench/fixtures/replay-plan.ts): a fresh process registering exactly the
 *   resources the plan registered (types, names, inputs, parents, read from the plan's own `--json`)
 *   under Pulumi's public mocks (`setMocks`), and nothing else; the fair floor of issue 15;
 * - the bare harness (bench/fixtures/bare-plan.ts): a fresh process that runs, under the same
 *   harness, a trivial program per stack registering as many `bench:index:Bare` resources as the
 *   real program did.
 * Besides wall time, every side's CPU time (all its node processes, the pack included) and peak
 * resident memory (its largest process) are taken from `process.resourceUsage()` at exit
 * (bench/fixtures/resource-usage.cjs). Both sides run as `pnpm plan`
 * does: plain node on compiled dist/, tsx's ESM hooks only for the TypeScript entry (the stack
 * programs, the baseline script); so both pay the same process start and Pulumi SDK load, and the
 * ratio is the plan's own work (discovery, validation, the stack programs with @pulumi/aws, the
 * policy pack over gRPC, clashes, cost, report).
 *
 * Rounds alternate plan and baseline. `--profile` re-runs the largest plan with `--cpu-prof` on
 * every node process (the CLI and the pack it starts) and prints the hot spots. A workspace of
 * SCALE_TEAMS teams or more (default run: 5,000; not in `--quick`) is planned once without
 * baselines: its time per team against the 500-team plan's, and its peak memory.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { type Comparison, median, medianCi } from "../lib/measure.js";
import { type ProfileSummary, printProfile, summarizeProfiles } from "../lib/profile.js";
import { machineInfo, REPO_ROOT, RESULTS_DIR, type Row, type SuiteResult } from "../lib/report.js";
import { generateWorkspace, teamConfigFile, teamName } from "../lib/workspace.js";

/** What `pnpm plan` runs: the compiled CLI under plain node. */
const CLI = path.join(REPO_ROOT, "packages/cli/dist/bin.js");
const BARE = path.join(REPO_ROOT, "bench/fixtures/bare-plan.ts");
const REPLAY = path.join(REPO_ROOT, "bench/fixtures/replay-plan.ts");
const USAGE = path.join(REPO_ROOT, "bench/fixtures/resource-usage.cjs");
const PROFILER = path.join(REPO_ROOT, "bench/fixtures/cpu-profile.cjs");
/** A fixed horizon start: the same windows, clashes and cost in every run. */
const FROM = "2026-11-30T00:00:00Z";
/**
 * Issue 15 goal 3, linear to 5,000 teams: a workspace this large or larger is planned once, without
 * the baselines (each would take as long again), and its time per team is compared with the
 * 500-team plan's of the same run (target < 1.2×); its peak memory must stay under 2 GiB.
 */
const SCALE_TEAMS = 2000;
const SCALE_BASE_TEAMS = 500;
const SCALE_PER_TEAM_RATIO = 1.2;
const SCALE_PEAK_MIB = 2048;

interface PlanJson {
  stacks: { project: string; stack: string; status: string; resources: unknown[] }[];
  summary: { exitCode: number; resources: number; stacks: number; mandatory: number; clashes: number };
}

interface Usage {
  /** CPU seconds (user + system) summed over every node process of the run. */
  cpuS: number;
  /** Peak resident set of the run's largest process, MiB. */
  peakMiB: number;
  processes: number;
}

interface Sample {
  ms: number;
  usage: Usage;
  report?: PlanJson;
}

function node(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = REPO_ROOT,
): { ms: number; status: number | null; out: string; usage: Usage } {
  const usageDir = mkdtempSync(path.join(tmpdir(), "bench-usage-"));
  try {
    const start = performance.now();
    const run = spawnSync(process.execPath, args, {
      cwd,
      encoding: "utf8",
      env: {
        ...env,
        NO_COLOR: "1",
        BENCH_USAGE_DIR: usageDir,
        NODE_OPTIONS: `${env.NODE_OPTIONS ?? ""} --require ${USAGE}`.trim(),
      },
      maxBuffer: 256 * 1024 * 1024,
    });
    const ms = performance.now() - start;
    return { ms, status: run.status, out: `${run.stdout}\n${run.stderr}`, usage: usageOf(usageDir) };
  } finally {
    rmSync(usageDir, { recursive: true, force: true });
  }
}

function usageOf(dir: string): Usage {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  let cpuUs = 0;
  let peakKiB = 0;
  for (const f of files) {
    const u = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as {
      userUs: number;
      systemUs: number;
      maxRssKiB: number;
    };
    cpuUs += u.userUs + u.systemUs;
    peakKiB = Math.max(peakKiB, u.maxRssKiB);
  }
  return { cpuS: cpuUs / 1e6, peakMiB: peakKiB / 1024, processes: files.length };
}

function runPlanOnce(workspace: string, out: string, env?: NodeJS.ProcessEnv): Sample {
  const json = path.join(out, "plan.json");
  const r = node(
    [CLI, "plan", "--workspace", workspace, "--from", FROM, "--json", json, "--quiet", "--no-color"],
    // Every stack planned afresh: these rows measure the work of a plan, not the per-stack cache.
    { RETRAIN_PLAN_CACHE: "0", ...(env ?? process.env) },
    // From inside the workspace: the iam program finds the tenant registry from process.cwd(), not
    // from --workspace (run from the repo root it reads the repo's registry, whose teams are not the
    // generated ones, and every generated team fails with "exports no training role").
    workspace,
  );
  // 0 clean, 1 violations or clashes: both are finished plans. 2 (bad input) or a crash is not.
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`retrain plan --workspace ${workspace} exited ${r.status}:\n${r.out.slice(-4000)}`);
  }
  return { ms: r.ms, usage: r.usage, report: JSON.parse(readFileSync(json, "utf8")) as PlanJson };
}

function runBareOnce(stacksFile: string): Sample {
  // tsx's ESM hooks for this one TypeScript file; the harness and the SDK load from dist/ natively.
  const r = node(["--import", "tsx/esm", BARE, stacksFile]);
  if (r.status !== 0) throw new Error(`bare baseline exited ${r.status}:\n${r.out.slice(-4000)}`);
  return { ms: r.ms, usage: r.usage };
}

function runReplayOnce(planFile: string, expectedResources: number): Sample {
  const r = node(["--import", "tsx/esm", REPLAY, planFile]);
  if (r.status !== 0) throw new Error(`replay floor exited ${r.status}:\n${r.out.slice(-4000)}`);
  // A floor that registered less than the plan would flatter the ratio: refuse it.
  const registered = (JSON.parse(r.out.split("\n")[0]!) as { resources: number }).resources;
  if (registered !== expectedResources)
    throw new Error(`replay floor registered ${registered} resources, the plan ${expectedResources}`);
  return { ms: r.ms, usage: r.usage };
}

function comparisonOf(
  plan: number[],
  bare: number[],
  stable: boolean,
  baselineName = "bare harness",
): Comparison {
  const ratios = plan.map((p, i) => p / bare[i]!);
  const side = (name: string, samples: number[]) => ({
    name,
    msPerCall: median(samples),
    unitsPerSecond: 1000 / median(samples),
    samplesMs: samples,
  });
  return {
    baseline: side(baselineName, bare),
    subject: side("retrain plan", plan),
    ratio: median(ratios),
    ratioCi: medianCi(ratios),
    rounds: ratios.length,
    callsPerBatch: 1,
    stable,
  };
}

interface Measured {
  label: string;
  teams: number | undefined;
  /** Plan vs the bare harness. */
  comparison: Comparison;
  /** Plan vs the replay floor, the same plan samples. */
  floor: Comparison;
  /** Per-round CPU seconds and peak MiB of each side. */
  usage: { plan: Usage[]; replay: Usage[]; bare: Usage[] };
  report: PlanJson;
}

const medianOf = (us: Usage[], k: "cpuS" | "peakMiB") => median(us.map((u) => u[k]));

async function measure(
  label: string,
  workspace: string,
  teams: number | undefined,
  rounds: { min: number; max: number; budgetMs: number },
): Promise<Measured> {
  const out = mkdtempSync(path.join(tmpdir(), "bench-plan-"));
  try {
    const plan: number[] = [];
    const bare: number[] = [];
    const replay: number[] = [];
    const usage: Measured["usage"] = { plan: [], replay: [], bare: [] };
    let report: PlanJson | undefined;
    const stacksFile = path.join(out, "stacks.json");
    // The replay reads the first plan's own --json report (a copy: later plans overwrite plan.json).
    const replayFile = path.join(out, "replay.json");
    let planned = 0;
    const deadline = performance.now() + rounds.budgetMs;
    let stable = false;
    for (let round = 0; round < rounds.max; round++) {
      // The first plan also tells the baseline how many resources each stack registers.
      const doPlan = () => {
        const s = runPlanOnce(workspace, out);
        report = s.report;
        plan.push(s.ms);
        usage.plan.push(s.usage);
        if (round === 0) {
          writeFileSync(replayFile, JSON.stringify(report));
          planned = report!.stacks
            .filter((st) => st.status === "planned")
            .reduce((n, st) => n + st.resources.length, 0);
          const stacks = report!.stacks
            .filter((st) => st.status === "planned")
            .map((st) => ({ project: st.project, stack: st.stack, resources: st.resources.length }));
          writeFileSync(stacksFile, JSON.stringify(stacks));
        }
      };
      const doBare = () => {
        const s = runBareOnce(stacksFile);
        bare.push(s.ms);
        usage.bare.push(s.usage);
      };
      const doReplay = () => {
        const s = runReplayOnce(replayFile, planned);
        replay.push(s.ms);
        usage.replay.push(s.usage);
      };
      // The plan runs first in round 0 (the baselines need its report); later rounds rotate the order.
      const order = [
        [doPlan, doReplay, doBare],
        [doReplay, doBare, doPlan],
        [doBare, doPlan, doReplay],
      ][round % 3]!;
      for (const run of order) run();
      const u = (x: Usage) => `${x.cpuS.toFixed(1)} CPU-s, ${x.peakMiB.toFixed(0)} MiB`;
      process.stderr.write(
        `  plan ${label}: round ${round + 1} plan ${(plan.at(-1)! / 1000).toFixed(1)} s (${u(usage.plan.at(-1)!)}), ` +
          `replay ${(replay.at(-1)! / 1000).toFixed(1)} s (${u(usage.replay.at(-1)!)}), ` +
          `bare ${(bare.at(-1)! / 1000).toFixed(1)} s (${u(usage.bare.at(-1)!)})\n`,
      );
      const ratios = plan.map((p, i) => p / bare[i]!);
      const floorRatios = plan.map((p, i) => p / replay[i]!);
      if (plan.length >= rounds.min && medianCi(ratios) <= 0.05 && medianCi(floorRatios) <= 0.05) {
        stable = true;
        break;
      }
      if (plan.length >= rounds.min && performance.now() > deadline) break;
    }
    return {
      label,
      teams,
      comparison: comparisonOf(plan, bare, stable),
      floor: comparisonOf(plan, replay, stable, "replay floor (setMocks)"),
      usage,
      report: report!,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** A scale workspace: one plan, no baselines (see SCALE_TEAMS). */
interface ScaleMeasured {
  teams: number;
  sample: Sample;
}

function measureScale(workspace: string, teams: number): ScaleMeasured {
  const out = mkdtempSync(path.join(tmpdir(), "bench-plan-scale-"));
  try {
    const sample = runPlanOnce(workspace, out);
    process.stderr.write(
      `  plan ${teams} teams: ${(sample.ms / 1000).toFixed(1)} s (${sample.usage.cpuS.toFixed(1)} CPU-s, ${sample.usage.peakMiB.toFixed(0)} MiB peak)\n`,
    );
    return { teams, sample };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The scale row: time per team of the large plan over the base plan's (500 teams, same run; the
 * largest smaller one measured otherwise), and the large plan's peak memory.
 */
function scaleRow(large: ScaleMeasured, base: Measured | undefined): Row | undefined {
  if (!base?.teams) return undefined;
  const perTeam = large.sample.ms / large.teams;
  const basePerTeam = base.comparison.subject.msPerCall / base.teams;
  const side = (name: string, ms: number) => ({
    name,
    msPerCall: ms,
    unitsPerSecond: 1000 / ms,
    samplesMs: [ms],
  });
  const summary = large.sample.report!.summary;
  return {
    case: `time per team, ${large.teams} vs ${base.teams} teams`,
    unit: "s/team",
    subject: `${large.teams} teams`,
    baseline: `${base.teams} teams`,
    comparison: {
      subject: side(`plan ${large.teams} teams, per team`, perTeam),
      baseline: side(`plan ${base.teams} teams, per team`, basePerTeam),
      ratio: perTeam / basePerTeam,
      ratioCi: Number.NaN,
      rounds: 1,
      callsPerBatch: 1,
      stable: false,
    },
    show: "seconds",
    target: { ratioBelow: SCALE_PER_TEAM_RATIO, peakMiBBelow: SCALE_PEAK_MIB },
    peakMiB: large.sample.usage.peakMiB,
    note:
      `${large.teams} teams: ${(large.sample.ms / 1000).toFixed(1)} s, ${large.sample.usage.cpuS.toFixed(1)} CPU-s, ` +
      `peak ${large.sample.usage.peakMiB.toFixed(0)} MiB (largest process), ${summary.stacks} stacks, ${summary.resources} resources, exit ${summary.exitCode}; ` +
      `${base.teams} teams: ${(base.comparison.subject.msPerCall / 1000).toFixed(1)} s, peak ${medianOf(base.usage.plan, "peakMiB").toFixed(0)} MiB`,
  };
}

/** Time growth between consecutive sizes: exponent k in t ∝ teams^k (1 = linear). */
function growth(
  points: { teams: number; ms: number }[],
): { from: number; to: number; exponent: number; msPerTeam: number }[] {
  const out = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    out.push({
      from: a.teams,
      to: b.teams,
      exponent: Math.log(b.ms / a.ms) / Math.log(b.teams / a.teams),
      msPerTeam: (b.ms - a.ms) / (b.teams - a.teams),
    });
  }
  return out;
}

function profileLargest(workspace: string, label: string): ProfileSummary[] {
  const dir = path.join(RESULTS_DIR, "profiles", `plan-${label.replace(/\W+/g, "-")}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out = mkdtempSync(path.join(tmpdir(), "bench-plan-prof-"));
  try {
    // NODE_OPTIONS reaches every node process: the plan and the pack it spawns.
    runPlanOnce(workspace, out, {
      ...process.env,
      BENCH_PROFILE_DIR: dir,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${PROFILER}`.trim(),
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const summaries = summarizeProfiles(dir);
  for (const s of summaries.slice(0, 3)) printProfile(s, label);
  return summaries;
}

/** The CLI, the harness and the pack run from dist/: bring it up to date with the sources first. */
function build(): void {
  const tsc = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-b", "tsconfig.build.json"],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
    },
  );
  if (tsc.status !== 0)
    process.stderr.write(
      `warning: tsc -b tsconfig.build.json failed, dist/ may be stale:\n${tsc.stdout.slice(-2000)}\n`,
    );
}

export async function runPlanSuite(opts: {
  quick: boolean;
  teams: number[];
  profile?: boolean;
}): Promise<SuiteResult> {
  const machine = machineInfo();
  build();
  const measured: Measured[] = [];
  // Quick mode (a smoke run well under a minute) skips the example workspace: generated ones only.
  if (!opts.quick)
    measured.push(
      await measure("example workspace", REPO_ROOT, undefined, { min: 3, max: 7, budgetMs: 40_000 }),
    );
  const profiles: Record<string, ProfileSummary[]> = {};
  const scale: ScaleMeasured[] = [];
  for (const teams of [...opts.teams].sort((a, b) => a - b)) {
    const ws = generateWorkspace(teams);
    try {
      if (teams >= SCALE_TEAMS) {
        scale.push(measureScale(ws.root, teams));
        if (opts.profile && teams === Math.max(...opts.teams))
          profiles[`${teams} teams`] = profileLargest(ws.root, `${teams}-teams`);
        continue;
      }
      // Big workspaces take a minute a plan: one round (two runs) beyond 200 teams, more below.
      const rounds =
        opts.quick || teams > 200 ? { min: 1, max: 1, budgetMs: 0 } : { min: 3, max: 5, budgetMs: 45_000 };
      measured.push(await measure(`${teams} teams`, ws.root, teams, rounds));
      if (opts.profile && teams === Math.max(...opts.teams))
        profiles[`${teams} teams`] = profileLargest(ws.root, `${teams}-teams`);
    } finally {
      ws.cleanup();
    }
  }

  const usageNote = (m: Measured) => {
    const side = (us: Usage[]) =>
      `${medianOf(us, "cpuS").toFixed(1)} CPU-s, peak ${medianOf(us, "peakMiB").toFixed(0)} MiB`;
    const cpu = median(m.usage.plan.map((p, i) => p.cpuS / m.usage.replay[i]!.cpuS));
    return `plan ${side(m.usage.plan)}; replay floor ${side(m.usage.replay)}; bare ${side(m.usage.bare)}; CPU plan/floor ${cpu.toFixed(2)}×`;
  };
  const floorRows: Row[] = measured.map((m) => ({
    case: `${m.label} vs floor`,
    unit: "s",
    subject: "retrain plan",
    baseline: "replay floor",
    comparison: m.floor,
    show: "seconds",
    // Issue 15 goal 1: ≤ 1.0× the replay floor in wall time (checked as < 1.0).
    target: { ratioBelow: 1.0 },
    note: usageNote(m),
  }));
  const bareRows: Row[] = measured.map((m) => ({
    case: m.label,
    unit: "s",
    subject: "retrain plan",
    baseline: "bare harness",
    comparison: m.comparison,
    show: "seconds",
    target:
      m.teams === undefined
        ? { ratioBelow: 1.5, secondsBelow: 5 }
        : m.teams >= 500
          ? { ratioBelow: 1.5, secondsBelow: 60 }
          : { ratioBelow: 1.5 },
    note: `${m.report.summary.stacks} stacks, ${m.report.summary.resources} resources, exit ${m.report.summary.exitCode}, ${m.report.summary.mandatory} mandatory, ${m.report.summary.clashes} clashes`,
  }));
  const generatedBelow = (teams: number) => measured.filter((m) => m.teams !== undefined && m.teams < teams);
  const scaleRows = scale.flatMap((l) => {
    const below = generatedBelow(l.teams);
    const base = below.find((m) => m.teams === SCALE_BASE_TEAMS) ?? below.at(-1);
    return scaleRow(l, base) ?? [];
  });
  const rows = [...floorRows, ...bareRows, ...scaleRows];
  const largest = Math.max(...opts.teams.filter((t) => t < SCALE_BASE_TEAMS * 2));
  if (Number.isFinite(largest)) rows.push(await measureIncremental(largest, opts.quick ? 1 : 3));
  const generated = measured.filter((m) => m.teams !== undefined);
  const planGrowth = growth(generated.map((m) => ({ teams: m.teams!, ms: m.comparison.subject.msPerCall })));
  const bareGrowth = growth(generated.map((m) => ({ teams: m.teams!, ms: m.comparison.baseline.msPerCall })));
  for (const g of planGrowth) {
    process.stdout.write(
      `  growth ${g.from}→${g.to} teams: plan t ∝ teams^${g.exponent.toFixed(2)}, ${g.msPerTeam.toFixed(0)} ms per added team\n`,
    );
  }
  return {
    suite: "plan",
    machine,
    rows,
    extra: {
      from: FROM,
      growth: { plan: planGrowth, bare: bareGrowth },
      usage: Object.fromEntries(measured.map((m) => [m.label, m.usage])),
      scale: scale.map((l) => ({
        teams: l.teams,
        ms: l.sample.ms,
        usage: l.sample.usage,
        summary: l.sample.report?.summary,
      })),
      ...(opts.profile ? { profiles } : {}),
    },
  };
}

/**
 * Issue 15 goal 2, incremental plans: in a generated workspace with a warm per-stack cache, one
 * team's file changes; the full plan (every stack in the report, the others reused from the cache)
 * against `retrain plan --team <that team>` (its iam and fleet reused, the team planned), both
 * with the cache, each after its own fresh change of the team's file, in paired rounds that
 * alternate the order. Target: full ≤ 1.5× the team's plan. The note adds the cold full plan and
 * the team's plan without the cache, each run once.
 */
export async function measureIncremental(teams: number, rounds: number): Promise<Row> {
  const ws = generateWorkspace(teams);
  const cacheDir = mkdtempSync(path.join(tmpdir(), "bench-plan-cache-"));
  const out = mkdtempSync(path.join(tmpdir(), "bench-plan-inc-"));
  const team = teamName(Math.floor(teams / 2));
  const file = path.join(ws.root, teamConfigFile(team));
  const original = readFileSync(file, "utf8");
  let edits = 0;
  // A change the plan must see: the first task's command (every run a new one).
  const change = () => writeFileSync(file, original.replace(/--team /, `--edit ${++edits} --team `));
  const env = { ...process.env, RETRAIN_PLAN_CACHE: "1", RETRAIN_PLAN_CACHE_DIR: cacheDir };
  const cli = (extra: string[], e: NodeJS.ProcessEnv = env) => {
    const args = [CLI, "plan", "--workspace", ws.root, "--from", FROM, "--quiet", "--no-color", ...extra];
    const r = node(args, e, ws.root);
    if (r.status !== 0 && r.status !== 1)
      throw new Error(`retrain ${args.slice(1).join(" ")} exited ${r.status}:\n${r.out.slice(-4000)}`);
    return r;
  };
  try {
    const cold = cli([]); // warms the cache: every stack planned and stored
    const json = path.join(out, "plan.json");
    change();
    const check = cli(["--json", json]);
    const report = JSON.parse(readFileSync(json, "utf8")) as PlanJson;
    if (report.summary.stacks !== teams + 2)
      throw new Error(`incremental plan reported ${report.summary.stacks} stacks, expected ${teams + 2}`);
    const full: number[] = [];
    const single: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const doFull = () => {
        change();
        full.push(cli([]).ms);
      };
      const doTeam = () => {
        change();
        single.push(cli(["--team", team]).ms);
      };
      for (const run of round % 2 === 0 ? [doFull, doTeam] : [doTeam, doFull]) run();
      process.stderr.write(
        `  plan incremental ${teams} teams: round ${round + 1} full ${(full.at(-1)! / 1000).toFixed(1)} s, ` +
          `--team ${(single.at(-1)! / 1000).toFixed(1)} s\n`,
      );
    }
    change();
    const teamUncached = cli(["--team", team], { ...env, RETRAIN_PLAN_CACHE: "0" });
    const comparison = comparisonOf(full, single, false, `retrain plan --team ${team}`);
    return {
      case: `${teams} teams, one team changed, warm cache`,
      unit: "s",
      subject: "retrain plan (all stacks)",
      baseline: "retrain plan --team",
      comparison: { ...comparison, subject: { ...comparison.subject, name: "retrain plan (cached)" } },
      show: "seconds",
      // Issue 15 goal 2: ≤ 1.5× the changed team's own plan.
      target: { ratioBelow: 1.5 },
      note:
        `${report.summary.stacks} stacks in the report (first check run ${(check.ms / 1000).toFixed(1)} s); ` +
        `cold full plan ${(cold.ms / 1000).toFixed(1)} s; --team without the cache ${(teamUncached.ms / 1000).toFixed(1)} s`,
    };
  } finally {
    ws.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}
