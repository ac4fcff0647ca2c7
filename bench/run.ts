/**
 * `pnpm bench [suite...] [--teams 50,500] [--quick]`: runs the benchmark suites (all by default),
 * prints a table per suite and writes bench/results/<suite>.json. Every figure is a ratio to a
 * baseline measured in the same run (see lib/measure.ts).
 */
import { parseArgs } from "node:util";
import { printTable, type SuiteResult, targetChecks, writeResult } from "./lib/report.js";

const SUITES = ["schedule", "policy", "plan", "nx"] as const;
type SuiteName = (typeof SUITES)[number];

const USAGE = `usage: pnpm bench [${SUITES.join("|")}...] [--teams 50,500] [--quick]
  --teams   generated workspace sizes for plan and nx (default: plan 50,500,5000; nx 500)
  --quick   fewer rounds (a smoke run, not for the record); plan: the 50-team workspace only, one round
            (no 5,000-team workspace)
  --profile plan: also profile the largest plan (node --cpu-prof) and print its hot spots;
            policy: also profile each pack over the corpus and print its hot spots`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      teams: { type: "string" },
      quick: { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = positionals.filter((p) => !(SUITES as readonly string[]).includes(p));
  if (unknown.length > 0) {
    process.stderr.write(`unknown suite ${unknown.join(", ")}\n${USAGE}\n`);
    return 2;
  }
  let teams: number[] | undefined;
  if (values.teams !== undefined) {
    teams = values.teams.split(",").map(Number);
    if (teams.some((n) => !Number.isInteger(n) || n < 1)) {
      process.stderr.write(`--teams takes whole numbers >= 1, separated by commas: ${values.teams}\n`);
      return 2;
    }
  }
  const selected = (positionals.length > 0 ? positionals : SUITES) as SuiteName[];
  const quick = values.quick;
  let missed = 0;
  for (const name of selected) {
    const results = await runSuite(name, { quick, teams, profile: values.profile });
    for (const r of results) {
      printTable(r);
      // A quick run is a smoke run: it never replaces the record of a full one.
      const file = writeResult(quick && !r.suite.endsWith("-quick") ? `${r.suite}-quick` : r.suite, r);
      process.stdout.write(`  → ${file}\n`);
      missed += r.rows.flatMap(targetChecks).filter((t) => !t.met).length;
    }
  }
  if (missed > 0) process.stdout.write(`\n${missed} target(s) missed (see docs/benchmarks.md)\n`);
  return 0;
}

async function runSuite(
  name: SuiteName,
  opts: { quick: boolean; teams: number[] | undefined; profile: boolean },
): Promise<SuiteResult[]> {
  switch (name) {
    case "schedule": {
      const { runScheduleSuite } = await import("./suites/schedule.js");
      return [await runScheduleSuite(opts)];
    }
    case "policy": {
      const { runPolicySuite } = await import("./suites/policy.js");
      return [await runPolicySuite(opts)];
    }
    case "plan": {
      const { runPlanSuite } = await import("./suites/plan.js");
      return [
        await runPlanSuite({
          quick: opts.quick,
          teams: opts.teams ?? (opts.quick ? [50] : [50, 500, 5000]),
          profile: opts.profile,
        }),
      ];
    }
    case "nx": {
      const { runNxSuite } = await import("./suites/nx.js");
      return [await runNxSuite({ quick: opts.quick, teams: opts.teams ?? [500] })];
    }
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
