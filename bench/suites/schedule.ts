/**
 * @retrain/schedule next-runs per second against croner, the engine it wraps, called directly with
 * an equivalent pattern in the same zone. Our side is the public call `nextRuns(text, options)`,
 * which looks the parsed expression up in its cache; so the baseline reuses one Cron instance per
 * pattern too (the fastest way to use croner; a new Cron per call would flatter us). Before timing,
 * each pair is checked to return the same instants, so the ratio compares equal answers.
 */
import { nextRuns } from "@retrain/schedule";
import { Cron } from "croner";
import { compare } from "../lib/measure.js";
import type { Row, SuiteResult } from "../lib/report.js";
import { machineInfo } from "../lib/report.js";

const COUNT = 10;
const FROM = new Date("2026-01-01T00:00:00Z");

interface Case {
  name: string;
  aws: string;
  croner: string;
  timezone: string;
}

const CASES: Case[] = [
  { name: "weekly, UTC", aws: "cron(0 4 ? * SUN *)", croner: "0 4 * * SUN", timezone: "UTC" },
  {
    name: "weekly, Europe/Berlin",
    aws: "cron(0 4 ? * SUN *)",
    croner: "0 4 * * SUN",
    timezone: "Europe/Berlin",
  },
  {
    name: "every 15 min Mon-Fri 08-18, New York",
    aws: "cron(0/15 8-18 ? * MON-FRI *)",
    croner: "*/15 8-18 * * MON-FRI",
    timezone: "America/New_York",
  },
  // AWS 6L = last Friday (1 = SUN); croner's standard numbering has Friday = 5.
  {
    name: "last Friday of the month, UTC",
    aws: "cron(0 2 ? * 6L *)",
    croner: "0 2 * * 5#L",
    timezone: "UTC",
  },
  {
    name: "weekday nearest the 15th, UTC",
    aws: "cron(30 3 15W * ? *)",
    croner: "30 3 15W * *",
    timezone: "UTC",
  },
];

function ours(c: Case, count: number): Date[] {
  return nextRuns(c.aws, { from: FROM, count, timezone: c.timezone });
}

const instances = new Map<string, Cron>();

/**
 * croner as a user would call it: `timezone` set. `wallClock` instead runs it at UTC offset 0 with
 * no zone (how cron-engine.ts drives it); for UTC cases that is the same answer with no Intl work,
 * so that row shows what our layer (AWS validation, DST mapping, options) costs over the bare engine.
 */
function theirs(c: Case, count: number, wallClock = false): Date[] {
  const key = `${c.name}|${wallClock}`;
  let cron = instances.get(key);
  if (!cron) {
    const zone = wallClock ? { utcOffset: 0 } : { timezone: c.timezone };
    cron = new Cron(c.croner, { ...zone, paused: true });
    instances.set(key, cron);
  }
  return cron.nextRuns(count, FROM);
}

/** The first 60 runs of both sides agree, or the case is not a fair comparison. */
function checkEquivalent(c: Case, wallClock = false): void {
  const a = ours(c, 60).map((d) => d.toISOString());
  const b = theirs(c, 60, wallClock).map((d) => d.toISOString());
  const i = a.findIndex((x, k) => x !== b[k]);
  if (i >= 0 || a.length !== b.length) {
    throw new Error(`${c.name}: ${c.aws} and croner "${c.croner}" disagree at run ${i}: ${a[i]} vs ${b[i]}`);
  }
}

export async function runScheduleSuite(opts: { quick: boolean }): Promise<SuiteResult> {
  const machine = machineInfo();
  const rows: Row[] = [];
  const budget = opts.quick ? { maxMs: 1_500, minRounds: 6 } : { maxMs: 5_000 };
  for (const c of CASES) {
    for (const wallClock of c.timezone === "UTC" ? [false, true] : [false]) {
      checkEquivalent(c, wallClock);
      const baseline = wallClock ? "croner, utcOffset 0" : `croner, timezone ${c.timezone}`;
      const comparison = await compare(
        { name: baseline, fn: () => theirs(c, COUNT, wallClock), units: COUNT },
        { name: "@retrain/schedule", fn: () => ours(c, COUNT), units: COUNT },
        budget,
      );
      rows.push({
        case: wallClock ? `${c.name} (bare engine)` : c.name,
        unit: "runs/s",
        subject: "@retrain/schedule",
        baseline,
        comparison,
        show: "throughput",
        note: `${c.aws} ↔ croner "${c.croner}", ${COUNT} runs per call, same 60 first runs checked`,
      });
    }
  }
  return { suite: "schedule", machine, rows, extra: { count: COUNT, from: FROM.toISOString() } };
}
