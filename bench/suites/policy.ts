/**
 * The policy pack over the Analyzer gRPC protocol, resources per second, against two no-op packs:
 * - "no-op pack" (the target's baseline): the same pack started the same way with every policy
 *   disabled (`{ all: "disabled" }`): same process, protocol, library and marshalling, no policy
 *   work at all; @pulumi/policy skips a disabled policy before anything per-policy. It is the floor
 *   of any no-op pack on this library (a policy that runs, even one doing nothing, costs at least
 *   the library's deserialisation of the properties), so the ratio is everything retrain-guard's
 *   policies cost on top of the protocol: checks, kit and the library's per-policy work.
 * - "no-op policies" (bench/fixtures/noop-policy-pack): the same 14 policies served by the same kit
 *   (dispatch, config read) with checks that report nothing: the ratio is what the checks and their
 *   diagnostics cost.
 *
 * The resources are every example of every policy table (src/policies/*.examples.ts): the resource
 * types and documents the policies are written for, good and bad.
 *
 * Last row: one IAM document through the no-wildcard-iam check, called in-process, against
 * JSON.parse of the same document text (the least any evaluation must do).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type AnalyzerResource, type PolicyPackHost, startPolicyPack } from "@retrain/offline";
import { type PolicyExample, urnOf } from "../../policies/retrain-guard/src/examples.js";
import { registered } from "../../policies/retrain-guard/src/policies/index.js";
import { noWildcardIam } from "../../policies/retrain-guard/src/policies/no-wildcard-iam.js";
import { parseConfig } from "../../policies/retrain-guard/src/policy-kit.js";
import { compare } from "../lib/measure.js";
import { printProfile, summarizeProfiles } from "../lib/profile.js";
import { machineInfo, REPO_ROOT, RESULTS_DIR, type Row, type SuiteResult } from "../lib/report.js";
import { generateWorkspace } from "../lib/workspace.js";

export const PACK_DIR = path.join(REPO_ROOT, "policies/retrain-guard");
/** retrain-guard's policies served by the same kit, with checks that report nothing. */
export const NOOP_POLICIES_DIR = path.join(REPO_ROOT, "bench/fixtures/noop-policy-pack");
/** A pack of one empty policy and none of retrain-guard's modules: the start-up baseline. */
export const EMPTY_PACK_DIR = path.join(REPO_ROOT, "bench/fixtures/empty-policy-pack");
/** The plan keeps this many analyze calls in flight (packages/plan/src/policy.ts); so do we. */
const IN_FLIGHT = 8;

/** The policies whose example tables make the corpus (from the pack's registry). */
const TABLES = [
  "no-wildcard-iam",
  "maintenance-window-limits",
  "maintenance-task-timeout",
  "maintenance-window-overlap",
  "ec2-imdsv2-required",
  "ebs-encrypted",
  "no-public-ip",
  "no-open-ingress",
  "required-tags",
];

async function examplesOf(policy: string): Promise<readonly PolicyExample[]> {
  return (await registered(policy).examples()).examples;
}

export async function corpus(): Promise<AnalyzerResource[]> {
  const out: AnalyzerResource[] = [];
  (await Promise.all(TABLES.map(examplesOf))).flat().forEach((example, i) => {
    for (const r of example.resources) {
      // Unique names: examples reuse names across tables.
      const name = `${r.name}-${i}`;
      out.push({ urn: urnOf(r.type, name), type: r.type, name, properties: r.props });
    }
  });
  return out;
}

/** Teams of the generated workspace whose plan makes the clean corpus. */
export const PLAN_CORPUS_TEAMS = 20;

/**
 * A corpus as a real plan sends it: every resource `retrain plan --json` registered for a generated
 * workspace of `teams` teams (bench/lib/workspace.ts), with its inputs. The plan is clean, so the
 * pack reports next to nothing: the per-resource cost of a plan without violations, where the
 * example corpus (mostly bad examples) is dominated by building diagnostics. The report carries no
 * provider links, so resources come without their provider's properties.
 */
export function planCorpus(teams = PLAN_CORPUS_TEAMS): AnalyzerResource[] {
  const ws = generateWorkspace(teams);
  const out = mkdtempSync(path.join(tmpdir(), "bench-policy-plan-"));
  try {
    const json = path.join(out, "plan.json");
    const cli = path.join(REPO_ROOT, "packages/cli/dist/bin.js");
    const run = spawnSync(
      process.execPath,
      [cli, "plan", "--workspace", ws.root, "--from", "2026-11-30T00:00:00Z", "--json", json, "--quiet"],
      // From inside the workspace (the iam program reads the registry from the cwd); see suites/plan.ts.
      { cwd: ws.root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 << 20 },
    );
    if (run.status !== 0 && run.status !== 1)
      throw new Error(`retrain plan for the policy corpus exited ${run.status}:\n${run.stderr.slice(-4000)}`);
    const plan = JSON.parse(readFileSync(json, "utf8")) as {
      stacks: {
        resources: {
          urn: string;
          type: string;
          name: string;
          parent: string | null;
          inputs: Record<string, unknown>;
        }[];
      }[];
    };
    return plan.stacks.flatMap((s) =>
      s.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        properties: r.inputs,
        ...(r.parent ? { parent: r.parent } : {}),
      })),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
    ws.cleanup();
  }
}

export async function analyzeAll(
  host: PolicyPackHost,
  resources: readonly AnalyzerResource[],
): Promise<number> {
  let next = 0;
  let diagnostics = 0;
  const worker = async () => {
    while (next < resources.length) {
      const r = resources[next++]!;
      // Not `diagnostics += await ...`: that reads the total before awaiting and loses the other
      // workers' additions made meanwhile.
      const found = await host.analyze(r);
      diagnostics += found.length;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return diagnostics;
}

/** The pack process runs dist/: warn when it is older than the sources (run `pnpm build`). */
function staleDistWarning(): string | undefined {
  const dist = path.join(PACK_DIR, "dist/index.js");
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run pnpm build first`);
  const src = path.join(PACK_DIR, "src");
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }
    return t;
  };
  // The newest of dist/, not dist/index.js: tsc -b leaves an output it did not change untouched.
  return newest(src) > newest(path.join(PACK_DIR, "dist"))
    ? "policies/retrain-guard/dist is older than src/: the pack process runs dist (pnpm build)"
    : undefined;
}

const PROFILER = path.join(REPO_ROOT, "bench/fixtures/cpu-profile.cjs");
const PROFILE_PASSES = 40;

/**
 * `--profile`: each pack in a process of its own under the V8 profiler (bench/fixtures/cpu-profile.cjs
 * through NODE_OPTIONS), started after a warm-up, the corpus analysed PROFILE_PASSES times, then the
 * hot spots of each.
 */
export async function profilePacks(
  resources: readonly AnalyzerResource[],
  corpusLabel = "examples",
): Promise<void> {
  for (const [label, packDir, config] of [
    ["retrain-guard", PACK_DIR, undefined],
    ["no-op pack", PACK_DIR, { all: "disabled" as const }],
    ["no-op policies", NOOP_POLICIES_DIR, undefined],
  ] as const) {
    const dir = path.join(RESULTS_DIR, "profiles", `policy-${corpusLabel}-${label.replace(/\W+/g, "-")}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const host = await startPolicyPack({
      packDir,
      ...(config ? { config } : {}),
      env: {
        BENCH_PROFILE_DIR: dir,
        BENCH_PROFILE_FROM: "SIGUSR2",
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${PROFILER}`.trim(),
      },
    });
    try {
      // Warm-up (module loading, first sight of each schedule), then the profile of the steady state.
      for (let pass = 0; pass < 3; pass++) await analyzeAll(host, resources);
      process.kill(host.pid, "SIGUSR2");
      await new Promise((r) => setTimeout(r, 200));
      for (let pass = 0; pass < PROFILE_PASSES; pass++) await analyzeAll(host, resources);
    } finally {
      await host.close();
    }
    const [summary] = summarizeProfiles(dir);
    if (summary)
      printProfile(
        summary,
        `${label}, ${corpusLabel}, ${PROFILE_PASSES} × ${resources.length} analyze calls`,
      );
  }
}

export async function runPolicySuite(opts: { quick: boolean; profile?: boolean }): Promise<SuiteResult> {
  const machine = machineInfo();
  const warning = staleDistWarning();
  if (warning) process.stderr.write(`warning: ${warning}\n`);
  const resources = await corpus();
  const planned = planCorpus();
  const [guard, noop, noopPolicies] = await Promise.all([
    startPolicyPack({ packDir: PACK_DIR }),
    startPolicyPack({ packDir: PACK_DIR, config: { all: "disabled" } }),
    startPolicyPack({ packDir: NOOP_POLICIES_DIR }),
  ]);
  const rows: Row[] = [];
  const budget = opts.quick ? { maxMs: 3_000, minRounds: 5, batchMs: 100 } : { maxMs: 15_000, batchMs: 200 };
  try {
    // Sanity: the guard reports the bad examples, the no-op pack reports nothing.
    const found = await analyzeAll(guard, resources);
    const none = await analyzeAll(noop, resources);
    const noneEither = await analyzeAll(noopPolicies, resources);
    if (found === 0 || none !== 0 || noneEither !== 0)
      throw new Error(
        `unexpected diagnostics: retrain-guard ${found}, no-op pack ${none}, no-op policies ${noneEither}`,
      );

    rows.push({
      case: `analyze, ${resources.length} resources, ${IN_FLIGHT} in flight`,
      unit: "resources/s",
      subject: "retrain-guard",
      baseline: "no-op pack",
      comparison: await compare(
        { name: "no-op pack", fn: () => analyzeAll(noop, resources), units: resources.length },
        { name: "retrain-guard", fn: () => analyzeAll(guard, resources), units: resources.length },
        budget,
      ),
      show: "throughput",
      note: `${found} diagnostics per pass from the example tables`,
    });
    rows.push({
      case: `analyze, ${resources.length} resources, ${IN_FLIGHT} in flight`,
      unit: "resources/s",
      subject: "retrain-guard",
      baseline: "no-op policies",
      comparison: await compare(
        { name: "no-op policies", fn: () => analyzeAll(noopPolicies, resources), units: resources.length },
        { name: "retrain-guard", fn: () => analyzeAll(guard, resources), units: resources.length },
        budget,
      ),
      show: "throughput",
      note: "no-op policies: the same policies and kit (bench/fixtures/noop-policy-pack), checks that report nothing",
    });
    // The same over a clean plan's resources: what a real plan costs per resource (≈0 diagnostics).
    const plannedFound = await analyzeAll(guard, planned);
    rows.push({
      case: `analyze, clean plan (${PLAN_CORPUS_TEAMS} teams): ${planned.length} resources`,
      unit: "resources/s",
      subject: "retrain-guard",
      baseline: "no-op pack",
      comparison: await compare(
        { name: "no-op pack", fn: () => analyzeAll(noop, planned), units: planned.length },
        { name: "retrain-guard", fn: () => analyzeAll(guard, planned), units: planned.length },
        budget,
      ),
      show: "throughput",
      note: `${plannedFound} diagnostics per pass: the resources of a generated workspace's plan`,
    });
    rows.push({
      case: `analyzeStack, ${resources.length} resources`,
      unit: "resources/s",
      subject: "retrain-guard",
      baseline: "no-op pack",
      comparison: await compare(
        { name: "no-op pack", fn: () => noop.analyzeStack(resources), units: resources.length },
        { name: "retrain-guard", fn: () => guard.analyzeStack(resources), units: resources.length },
        budget,
      ),
      show: "throughput",
    });
  } finally {
    await Promise.all([guard.close(), noop.close(), noopPolicies.close()]);
  }

  // Start-up, as the Pulumi CLI starts a pack (the run-policy-pack launcher, until the port line) and
  // stops it: issue 5's "starts in under 2 s", against a pack of one empty policy started the same
  // way (the launcher's and @pulumi/policy's own start).
  const startStop = (packDir: string) => async () => {
    const host = await startPolicyPack({ packDir });
    await host.close();
  };
  rows.push({
    case: "start-up: launcher to the port line, then close",
    unit: "s/start",
    subject: "retrain-guard",
    baseline: "empty pack",
    comparison: await compare(
      { name: "empty pack", fn: startStop(EMPTY_PACK_DIR) },
      { name: "retrain-guard", fn: startStop(PACK_DIR) },
      opts.quick
        ? { warmupMs: -1, batchMs: 0, minRounds: 2, maxRounds: 2 }
        : { warmupMs: -1, batchMs: 0, minRounds: 5, maxRounds: 8, maxMs: 60_000, tolerance: 0.05 },
    ),
    show: "seconds",
    target: { secondsBelow: 2 },
  });

  // One document evaluation, in-process.
  const example = (await examplesOf("no-wildcard-iam")).find((e) => e.title.startsWith("scoped window role"));
  const role = example?.resources[0];
  const documentText = (role?.props.inlinePolicies as { policy: string }[] | undefined)?.[0]?.policy;
  if (!role || typeof documentText !== "string")
    throw new Error("the scoped window role example changed shape");
  const config = parseConfig(noWildcardIam, {});
  const resource = {
    type: "aws:iam/policy:Policy",
    name: "doc",
    urn: urnOf("aws:iam/policy:Policy", "doc"),
    props: { policy: documentText },
  };
  const statements = (JSON.parse(documentText) as { Statement: unknown[] }).Statement.length;
  rows.push({
    case: `one IAM document (${statements} statements, ${documentText.length} chars)`,
    unit: "documents/s",
    subject: "no-wildcard-iam check",
    baseline: "JSON.parse",
    comparison: await compare(
      { name: "JSON.parse", fn: () => JSON.parse(documentText) },
      { name: "no-wildcard-iam check", fn: () => noWildcardIam.check(resource, config) },
      opts.quick ? { maxMs: 2_000, minRounds: 6 } : { maxMs: 6_000 },
    ),
    show: "throughput",
  });
  if (opts.profile) {
    await profilePacks(resources);
    await profilePacks(planned, "clean plan");
  }
  return {
    suite: "policy",
    machine,
    rows,
    extra: { resources: resources.length, inFlight: IN_FLIGHT, ...(warning ? { warning } : {}) },
  };
}
