import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeGap, minimumIntervalMs, selfOverlapGapMs, tryParseSchedule } from "../src/index.js";

const H = 3_600_000;
const FROM = new Date("2027-01-04T00:00:00Z");

describe("selfOverlapGapMs", () => {
  it.each([
    // expression, zone, hold (h), shortest gap (h) when a run is still open at the next start
    ["cron(0 0/2 ? * * *)", "UTC", 4, 2],
    ["cron(0 0/2 ? * * *)", "UTC", 2, undefined],
    ["rate(1 hour)", "UTC", 4, 1],
    ["rate(4 hours)", "UTC", 4, undefined],
    ["cron(0 4 ? * * *)", "UTC", 24, undefined],
    ["cron(0 4 ? * * *)", "UTC", 23, undefined],
    // A daily window in a DST zone is 23 h from its next start once a year (spring forward).
    ["cron(0 4 ? * * *)", "Europe/Berlin", 24, 23],
    ["cron(0 4 ? * * *)", "Europe/Berlin", 23, undefined],
    // Every 4 h on the wall clock is 3 h across the spring-forward night.
    ["cron(0 0/4 ? * * *)", "Europe/Berlin", 4, 3],
    ["cron(0 0/4 ? * * *)", "UTC", 4, undefined],
    // Two times a day, 20 h apart and then 4 h: the 4 h gap counts.
    ["cron(0 2,22 ? * * *)", "UTC", 6, 4],
    // 23:00 on Friday, 01:00 on Saturday: 2 h across midnight.
    ["cron(0 1,23 ? * FRI-SAT *)", "UTC", 3, 2],
    // Weekdays only at 04:00: never closer than a day.
    ["cron(0 4 ? * MON-FRI *)", "UTC", 24, undefined],
    // The 31st and the 1st follow each other.
    ["cron(0 20 31,1 * ? *)", "UTC", 12, undefined],
    ["cron(0 20 1,31 * ? *)", "UTC", 24, undefined],
    ["cron(0 22 L * ? *)", "UTC", 24, undefined],
    // 22:00 on the 31st (or the 30th of a 30-day month), 02:00 on the 1st.
    ["cron(0 2,22 1,31 * ? *)", "UTC", 5, 4],
    ["cron(0 2,22 1,30 * ? *)", "UTC", 5, 4],
    // Saturday 22:00, Sunday 02:00.
    ["cron(0 2,22 ? * SUN,SAT *)", "UTC", 5, 4],
    ["at(2027-03-01T04:00:00)", "UTC", 24, undefined],
  ])("%s in %s, open %i h: %s", (expr, timezone, holdH, gapH) => {
    const gap = selfOverlapGapMs(expr, holdH * H, { kind: "maintenance-window", timezone, from: FROM });
    expect(gap === undefined ? undefined : gap / H).toBe(gapH);
  });

  it("sees a gap across midnight on consecutive days of the month", () => {
    // 22:00 on the 1st, 02:00 on the 2nd.
    expect(selfOverlapGapMs("cron(0 2,22 1-2 * ? *)", 5 * H, { timezone: "UTC", from: FROM })).toBe(4 * H);
  });

  it("answers exactly as the full walk over a year of runs, for any cron, zone and hold", () => {
    // The structural bound only skips the walk: it must never say "no overlap" where the walk finds one.
    const list = (max: number, count: number) =>
      fc.uniqueArray(fc.integer({ min: 0, max }), { minLength: 1, maxLength: count }).map((v) => v.join(","));
    const days = fc.oneof(
      fc.constant("* ?"),
      list(6, 3).map(
        (v) =>
          `? ${v
            .split(",")
            .map((d) => Number(d) + 1)
            .join(",")}`,
      ),
      list(27, 3).map(
        (v) =>
          `${v
            .split(",")
            .map((d) => Number(d) + 1)
            .join(",")} ?`,
      ),
      fc.constantFrom("L ?", "15W ?", "? 6L", "? 2#1", "28-31 ?", "1,30 ?", "? 1-7"),
    );
    fc.assert(
      fc.property(
        list(59, 3),
        list(23, 4),
        days,
        fc.constantFrom(
          "UTC",
          "Europe/Berlin",
          "America/New_York",
          "Australia/Lord_Howe",
          "Antarctica/Troll",
        ),
        fc.integer({ min: 1, max: 24 }),
        (minutes, hours, dayFields, timezone, holdH) => {
          const expr = `cron(${minutes} ${hours} ${dayFields.split(" ")[0]} * ${dayFields.split(" ")[1]} *)`;
          fc.pre(tryParseSchedule(expr, { kind: "maintenance-window" }).ok);
          const options = { kind: "maintenance-window" as const, timezone, from: FROM };
          const exact = minimumIntervalMs(expr, options);
          expect(selfOverlapGapMs(expr, holdH * H, options)).toBe(exact < holdH * H ? exact : undefined);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("describeGap", () => {
  it.each([
    [30 * 60_000, "30 min"],
    [H, "1 h"],
    [23 * H, "23 h"],
    [1.5 * H, "1.5 h"],
  ])("%i ms: %s", (ms, text) => {
    expect(describeGap(ms)).toBe(text);
  });
});
