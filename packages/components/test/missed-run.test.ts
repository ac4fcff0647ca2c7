import { windowSchema } from "@retrain/config";
import { describe, expect, it } from "vitest";
import {
  clearRunsCache,
  longestGapSeconds,
  planMissedRunAlarm,
  uncachedLongestGapSeconds,
} from "../src/scheduling/missed-run.js";

const H = 3600;
const window = (w: Record<string, unknown>) =>
  windowSchema.parse({
    name: "retrain",
    pool: "a10g",
    durationHours: 2,
    tasks: [{ name: "train", command: "true", timeoutSeconds: 3600 }],
    ...w,
  });
const FROM = new Date("2026-12-01T00:00:00Z");

describe("planMissedRunAlarm", () => {
  it.each([
    // [title, window, expected]
    [
      "daily UTC: 24 h + 2 h run + 1 h",
      { schedule: "cron(0 2 * * ? *)" },
      { kind: "single", periodSeconds: 27 * H },
    ],
    ["every 6 hours", { schedule: "rate(6 hours)" }, { kind: "single", periodSeconds: 9 * H }],
    [
      "weeknights in New York: the fall-back weekend makes Friday→Monday 73 h",
      { schedule: "cron(0 1 ? * MON-FRI *)", timezone: "America/New_York", durationHours: 3, cutoffHours: 1 },
      { kind: "single", periodSeconds: 77 * H },
    ],
    [
      "weekly: more than CloudWatch's 7 days, so a composite with a 'started recently' alarm",
      { schedule: "cron(0 4 ? * SUN *)", timezone: "Europe/Berlin", durationHours: 3, cutoffHours: 1 },
      { kind: "composite", periodSeconds: 7 * 24 * H, startedPeriodSeconds: 4 * H },
    ],
    [
      "an association's run is its task timeout",
      { schedule: "cron(30 2 ? * * *)", mode: "association" },
      { kind: "single", periodSeconds: 26 * H },
    ],
    ["once: nothing to miss", { schedule: "at(2027-01-01T00:00:00)" }, { kind: "none" }],
    ["disabled", { schedule: "cron(0 2 * * ? *)", enabled: false }, { kind: "none" }],
    [
      "monthly: runs further apart than any alarm looks back, so watched from each start",
      { schedule: "cron(0 2 1 * ? *)" },
      { kind: "after-start", startedPeriodSeconds: 3 * H, periodSeconds: 6 * H },
    ],
    [
      "weekly with a 24 h window: the composite's started alarm looks back 25 h",
      { schedule: "cron(0 4 ? * SUN *)", durationHours: 24 },
      { kind: "composite", startedPeriodSeconds: 25 * H, periodSeconds: 7 * 24 * H },
    ],
    [
      "every second Tuesday (offset): 4-5 weeks apart",
      { schedule: "cron(0 3 ? * TUE#2 *)", offsetDays: 2, durationHours: 4 },
      { kind: "after-start", startedPeriodSeconds: 5 * H, periodSeconds: 10 * H },
    ],
    [
      "weekly association: no start event to exclude the run, so no alarm",
      { schedule: "cron(0 2 ? * SUN *)", mode: "association" },
      { kind: "none", reason: expect.stringMatching(/7\.0 days apart; .*an association has no start event/) },
    ],
    [
      "monthly association: no start event to watch from",
      { schedule: "cron(0 2 1 * ? *)", mode: "association" },
      { kind: "none", reason: expect.stringMatching(/up to 3\d\.0 days apart/) },
    ],
  ])("%s", (_title, w, expected) => {
    expect(planMissedRunAlarm(window(w), FROM)).toMatchObject(expected);
  });

  it("never asks CloudWatch for more than 7 days or a period that is not whole minutes", () => {
    for (const schedule of [
      "rate(2 hours)",
      "rate(1 day)",
      "rate(3 days)",
      "cron(0 2 ? * MON,THU *)",
      "cron(15 3 ? * SAT *)",
    ]) {
      const plan = planMissedRunAlarm(window({ schedule }), FROM);
      if (plan.kind === "none") continue;
      expect(plan.periodSeconds).toBeLessThanOrEqual(604_800);
      expect(plan.periodSeconds % 60).toBe(0);
      if (plan.kind === "single") expect(plan.periodSeconds).toBeGreaterThan(plan.maxGapSeconds);
    }
  });

  it("measures the longest gap, not the usual one", () => {
    expect(longestGapSeconds(window({ schedule: "cron(0 2 ? * MON,THU *)" }), FROM)).toBe(4 * 24 * H);
  });
});

describe("longestGapSeconds remembers the runs per schedule", () => {
  const schedules: Record<string, unknown>[] = [
    { schedule: "cron(0 2 * * ? *)" },
    { schedule: "cron(0 1 ? * MON-FRI *)", timezone: "America/New_York" },
    { schedule: "cron(30 2 ? * SUN *)", timezone: "Europe/Berlin" },
    { schedule: "cron(0 2 ? * MON,THU *)", timezone: "Australia/Lord_Howe" },
    {
      schedule: "cron(0/30 * * * ? *)",
      mode: "association",
      tasks: [{ name: "train", command: "true", timeoutSeconds: 1200 }],
    },
    { schedule: "cron(0 0/3 ? * MON-FRI *)", timezone: "Europe/London" },
    { schedule: "cron(0 2 1 * ? *)", timezone: "Pacific/Auckland" },
    { schedule: "cron(0 3 ? * TUE#2 *)", offsetDays: 2 },
    { schedule: "cron(0 2 * * ? *)", startDate: "2026-12-03T00:00:00Z" },
    { schedule: "cron(0 2 * * ? *)", startDate: "2027-11-20T00:00:00Z" },
    { schedule: "cron(30 2 ? * * *)", mode: "association" },
    { schedule: "cron(0 2 29 2 ? *)" },
    { schedule: "rate(6 hours)" },
    { schedule: "rate(3 days)", startDate: "2026-11-01T00:00:00Z" },
  ];
  // A later `from` within the reuse time slices the first walk; one past it walks again. Around a DST
  // change of the zones above too (Europe: 2027-03-28, America: 2027-03-14).
  const froms = [
    "2026-12-01T00:00:00Z",
    "2026-12-01T00:00:00.001Z",
    "2026-12-01T00:04:59.999Z",
    "2026-12-01T00:59:59Z",
    "2026-12-01T01:00:00.001Z",
    "2026-12-01T02:00:00Z",
    "2027-03-28T00:30:00Z",
    "2027-03-28T01:00:00Z",
    "2027-03-28T01:30:00Z",
  ].map((d) => new Date(d));
  it.each(schedules)("%o: identical to walking the runs every time", (w) => {
    clearRunsCache();
    const win = window(w);
    for (const from of froms) expect(longestGapSeconds(win, from)).toBe(uncachedLongestGapSeconds(win, from));
    // And in reverse order (an earlier `from` than the remembered walk's walks again).
    for (const from of [...froms].reverse())
      expect(longestGapSeconds(win, from)).toBe(uncachedLongestGapSeconds(win, from));
  });
});
