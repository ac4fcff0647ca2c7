/**
 * The offline plan, end to end as a user runs it (`retrain plan`, a fresh process each time), on the
 * example workspace and on generated workspaces of N teams, against a bare baseline: a fresh
 * process that runs, under the same harness, a trivial program per stack registering as many mocked
 * resources as the real program did (bench/fixtures/bare-plan.ts). Both sides run as `pnpm plan`
 * does: plain node on compiled dist/, tsx's ESM hooks only for the TypeScript entry (the stack
 * programs, the baseline script); so both pay the same process start and Pulumi SDK load, and the
 * ratio is the plan's own work (discovery, validation, the stack programs with @pulumi/aws, the
 * policy pack over gRPC, clashes, cost, report).
 *
 * Rounds alternate plan and baseline. `--profile` re-runs the largest plan with `--cpu-prof` on
 * every node process (the CLI and the pack it starts) and prints the hot spots.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { type Comparison, median, medianCi } from "../lib/measure.js";
import { type ProfileSummary, printProfile, summarizeProfiles } from "../lib/profile.js";
import { machineInfo, REPO_ROOT, RESULTS_DIR, type Row, type SuiteResult } from "../lib/report.js";
import { generateWorkspace } from "../lib/workspace.js";

/** What `pnpm plan` runs: the compiled CLI under plain node. */
const CLI = path.join(REPO_ROOT, "packages/cli/dist/bin.js");
const BARE = path.join(REPO_ROOT, "bench/fixtures/bare-plan.ts");
const PROFILER = path.join(REPO_ROOT, "bench/fixtures/cpu-profile.cjs");
/** A fixed horizon start: the same windows, clashes and cost in every run. */
const FROM = "2026-11-30T00:00:00Z";

interface PlanJson {
  stacks: { project: string; stack: string; status: string; resources: unknown[] }[];
  summary: { exitCode: number; resources: number; stacks: number; mandatory: number; clashes: number };
}

interface Sample {
  ms: number;
  report?: PlanJson;
}

function node(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { ms: number; status: number | null; out: string } {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...env, NO_COLOR: "1" },
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  return { ms, status: run.status, out: `${run.stdout}\n${run.stderr}` };
}

function runPlanOnce(workspace: string, out: string, env?: NodeJS.ProcessEnv): Sample {
  const json = path.join(out, "plan.json");
  const r = node(
    [CLI, "plan", "--workspace", workspace, "--from", FROM, "--json", json, "--quiet", "--no-color"],
    env,
  );
  // 0 clean, 1 violations or clashes: both are finished plans. 2 (bad input) or a crash is not.
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`retrain plan --workspace ${workspace} exited ${r.status}:\n${r.out.slice(-4000)}`);
  }
  return { ms: r.ms, report: JSON.parse(readFileSync(json, "utf8")) as PlanJson };
}

function runBareOnce(stacksFile: string): Sample {
  // tsx's ESM hooks for this one TypeScript file; the harness and the SDK load from dist/ natively.
  const r = node(["--import", "tsx/esm", BARE, stacksFile]);
  if (r.status !== 0) throw new Error(`bare baseline exited ${r.status}:\n${r.out.slice(-4000)}`);
  return { ms: r.ms };
}

function comparisonOf(plan: number[], bare: number[], stable: boolean): Comparison {
  const ratios = plan.map((p, i) => p / bare[i]!);
  const side = (name: string, samples: number[]) => ({
    name,
    msPerCall: median(samples),
    unitsPerSecond: 1000 / median(samples),
    samplesMs: samples,
  });
  return {
    baseline: side("bare harness", bare),
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
  comparison: Comparison;
  report: PlanJson;
}

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
    let report: PlanJson | undefined;
    const stacksFile = path.join(out, "stacks.json");
    const deadline = performance.now() + rounds.budgetMs;
    let stable = false;
    for (let round = 0; round < rounds.max; round++) {
      // The first plan also tells the baseline how many resources each stack registers.
      const doPlan = () => {
        const s = runPlanOnce(workspace, out);
        report = s.report;
        plan.push(s.ms);
        if (round === 0) {
          const stacks = report!.stacks
            .filter((st) => st.status === "planned")
            .map((st) => ({ project: st.project, stack: st.stack, resources: st.resources.length }));
          writeFileSync(stacksFile, JSON.stringify(stacks));
        }
      };
      const doBare = () => bare.push(runBareOnce(stacksFile).ms);
      if (round % 2 === 0) {
        doPlan();
        doBare();
      } else {
        doBare();
        doPlan();
      }
      process.stderr.write(
        `  plan ${label}: round ${round + 1} plan ${(plan.at(-1)! / 1000).toFixed(1)} s, bare ${(bare.at(-1)! / 1000).toFixed(1)} s\n`,
      );
      const ratios = plan.map((p, i) => p / bare[i]!);
      if (plan.length >= rounds.min && medianCi(ratios) <= 0.05) {
        stable = true;
        break;
      }
      if (plan.length >= rounds.min && performance.now() > deadline) break;
    }
    return { label, teams, comparison: comparisonOf(plan, bare, stable), report: report! };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
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
  measured.push(
    await measure(
      "example workspace",
      REPO_ROOT,
      undefined,
      opts.quick ? { min: 2, max: 2, budgetMs: 0 } : { min: 3, max: 7, budgetMs: 40_000 },
    ),
  );
  const profiles: Record<string, ProfileSummary[]> = {};
  for (const teams of [...opts.teams].sort((a, b) => a - b)) {
    const ws = generateWorkspace(teams);
    try {
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

  const rows: Row[] = measured.map((m) => ({
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
      ...(opts.profile ? { profiles } : {}),
    },
  };
}
