/**
 * The policy pack's own CPU time per analyze call (its threads' time on a CPU, from
 * /proc/<pid>/task/<tid>/schedstat, Linux; see cpuMs), for the packs of the policy suite and
 * retrain-guard without its per-type dispatch (RETRAIN_GUARD_NO_DISPATCH=1, the plain PolicyPack of
 * before). Less sensitive to a loaded machine than the suite's throughput (which also times the
 * client): rounds alternate the order, and each ratio is the median of per-round ratios to the
 * disabled pack measured in the same round.
 *
 *   npx tsx --conditions=@retrain/source bench/pack-cpu.ts [rounds=8] [examples|plan]
 *
 * Corpus `examples` (default): every example of the policy tables, mostly bad (≈200 diagnostics per
 * pass); `plan`: the resources of a clean generated plan (suites/policy.ts#planCorpus), ≈0.
 */
import { readdirSync, readFileSync } from "node:fs";
import { type PolicyPackHost, startPolicyPack } from "@retrain/offline";
import { median } from "./lib/measure.js";
import { analyzeAll, corpus, NOOP_POLICIES_DIR, PACK_DIR, planCorpus } from "./suites/policy.js";

const PASSES = 6;
const rounds = Number(process.argv[2] ?? 8);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`rounds must be a positive integer, got ${process.argv[2]}`);

/**
 * A process's CPU time in ms: the sum of its threads' time on a CPU from
 * /proc/<pid>/task/<tid>/schedstat (nanoseconds; the pack's threads live as long as it does), else
 * utime + stime from /proc/<pid>/stat (clock ticks of 10 ms: 1-2% of a round's CPU, which made
 * runs minutes apart differ by ±10%).
 */
function cpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`))
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    if (Number.isFinite(ns) && ns > 0) return ns / 1e6;
  } catch {
    // no schedstat (kernel without CONFIG_SCHEDSTATS): the coarser counters below
  }
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const corpusName = process.argv[3] ?? "examples";
if (corpusName !== "examples" && corpusName !== "plan")
  throw new Error(`corpus must be "examples" or "plan", got ${corpusName}`);
const resources = corpusName === "plan" ? planCorpus() : await corpus();
const packs: [string, PolicyPackHost][] = [
  ["no-op pack (all disabled)", await startPolicyPack({ packDir: PACK_DIR, config: { all: "disabled" } })],
  ["no-op policies", await startPolicyPack({ packDir: NOOP_POLICIES_DIR })],
  [
    "without the dispatch",
    await startPolicyPack({ packDir: PACK_DIR, env: { RETRAIN_GUARD_NO_DISPATCH: "1" } }),
  ],
  ["retrain-guard", await startPolicyPack({ packDir: PACK_DIR })],
];
try {
  // Warm-up: module loading, first sight of each schedule.
  let diagnostics = 0;
  for (const [label, host] of packs)
    for (let i = 0; i < 3; i++) {
      const n = await analyzeAll(host, resources);
      if (label === "retrain-guard") diagnostics = n;
    }
  process.stdout.write(
    `corpus ${corpusName}: ${resources.length} resources, ${diagnostics} diagnostics per pass (retrain-guard)\n`,
  );
  const perCall = new Map<string, number[]>(packs.map(([label]) => [label, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [label, host] of r % 2 ? [...packs].reverse() : packs) {
      const before = cpuMs(host.pid);
      for (let p = 0; p < PASSES; p++) await analyzeAll(host, resources);
      perCall.get(label)!.push((cpuMs(host.pid) - before) / (PASSES * resources.length));
    }
  }
  const floor = perCall.get(packs[0]![0])!;
  for (const [label] of packs) {
    const xs = perCall.get(label)!;
    const ratio = median(xs.map((x, i) => x / floor[i]!));
    process.stdout.write(
      `${label.padEnd(26)} ${median(xs).toFixed(3)} ms CPU per call   ${ratio.toFixed(2)}× the no-op pack\n`,
    );
  }
} finally {
  await Promise.all(packs.map(([, host]) => host.close()));
}
