import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstRunAfter, nextRuns, noUpcomingRun } from "../src/index.js";

const FROM = new Date("2026-06-01T00:00:00Z");

interface Row {
  title: string;
  expr: string;
  opts?: { startDate?: string; endDate?: string; timezone?: string; kind?: "association" };
  /** undefined: a run is ahead; else the field to change and a pattern of the reason. */
  none?: ["schedule" | "startDate" | "endDate", RegExp];
}

const ROWS: Row[] = [
  { title: "a weekly cron", expr: "cron(0 4 ? * SUN *)" },
  { title: "a rate", expr: "rate(7 days)" },
  { title: "an at() ahead", expr: "at(2026-06-02T00:00:00)" },
  {
    title: "an at() ahead in its zone (03:30 Berlin is 01:30Z)",
    expr: "at(2026-06-01T03:30:00)",
    opts: { timezone: "Europe/Berlin" },
  },
  {
    title: "an at() that is past once read in its zone (01:30 Berlin is 23:30Z the day before)",
    expr: "at(2026-06-01T01:30:00)",
    opts: { timezone: "Europe/Berlin" },
    none: ["schedule", /runs once, and that time is past/],
  },
  { title: "an at() in the past", expr: "at(2020-01-01T00:00:00)", none: ["schedule", /runs once/] },
  {
    // 2027-03-28 02:30 does not exist in Berlin (02:00 CET → 03:00 CEST): never "past".
    title: "an at() in the spring-forward gap of its zone",
    expr: "at(2027-03-28T02:30:00)",
    opts: { timezone: "Europe/Berlin" },
    none: [
      "schedule",
      /at 2027-03-28T02:30:00 in Europe\/Berlin, a wall-clock time that does not exist there/,
    ],
  },
  {
    title: "the same at() in UTC runs",
    expr: "at(2027-03-28T02:30:00)",
  },
  {
    title: "a cron in a past year",
    expr: "cron(0 4 ? * SUN 2020)",
    none: ["schedule", /no run after now \(2026-06-01T00:00:00Z\)/],
  },
  { title: "February 30", expr: "cron(0 0 30 2 ? *)", none: ["schedule", /a date that does not exist/] },
  {
    title: "an endDate in the past",
    expr: "cron(0 4 ? * SUN *)",
    opts: { endDate: "2026-05-01T00:00:00Z" },
    none: ["endDate", /its endDate 2026-05-01T00:00:00Z has passed/],
  },
  {
    title: "an endDate exactly now (exclusive)",
    expr: "rate(1 hour)",
    opts: { endDate: "2026-06-01T00:00:00Z" },
    none: ["endDate", /has passed/],
  },
  {
    title: "an endDate before the startDate",
    expr: "rate(1 hour)",
    opts: { startDate: "2026-07-02T00:00:00Z", endDate: "2026-07-01T00:00:00Z" },
    none: ["endDate", /endDate 2026-07-01T00:00:00Z is not after its startDate 2026-07-02T00:00:00Z/],
  },
  {
    title: "a one-day span on a Monday for a Sunday window",
    expr: "cron(0 4 ? * SUN *)",
    opts: { startDate: "2026-06-08T00:00:00Z", endDate: "2026-06-09T00:00:00Z" },
    none: [
      "endDate",
      /no run falls between startDate 2026-06-08T00:00:00Z and endDate 2026-06-09T00:00:00Z: the first is 2026-06-14T04:00:00Z/,
    ],
  },
  {
    title: "an endDate before the next Sunday",
    expr: "cron(0 4 ? * SUN *)",
    opts: { endDate: "2026-06-03T00:00:00Z" },
    none: [
      "endDate",
      /between now \(2026-06-01T00:00:00Z\) and endDate 2026-06-03T00:00:00Z: the first is 2026-06-07/,
    ],
  },
  {
    title: "a span that holds one Sunday",
    expr: "cron(0 4 ? * SUN *)",
    opts: { startDate: "2026-06-08T00:00:00Z", endDate: "2026-06-15T00:00:00Z" },
  },
  {
    title: "a startDate after the at() time",
    expr: "at(2026-06-05T00:00:00)",
    opts: { startDate: "2026-06-10T00:00:00Z" },
    none: ["startDate", /every run is before its startDate 2026-06-10T00:00:00Z/],
  },
  {
    title: "a startDate after the cron's last year",
    expr: "cron(0 4 ? * SUN 2026)",
    opts: { startDate: "2027-01-01T00:00:00Z" },
    none: ["startDate", /before its startDate/],
  },
];

describe("noUpcomingRun (table)", () => {
  it.each(ROWS)("$title", ({ expr, opts, none }) => {
    const got = noUpcomingRun(expr, { from: FROM, ...opts });
    if (!none) {
      expect(got).toBeUndefined();
      return;
    }
    expect(got?.field).toBe(none[0]);
    expect(got?.reason).toMatch(none[1]);
  });

  it("throws on an invalid expression, as nextRuns does", () => {
    expect(() => noUpcomingRun("cron(0 4 * * SUN *)", { from: FROM })).toThrow();
    expect(() => noUpcomingRun("rate(1 day)", { from: FROM, endDate: "soon" })).toThrow(/endDate/);
  });
});

describe("firstRunAfter", () => {
  it("is nextRuns' first run, for any start and end", () => {
    const day = 86_400_000;
    const exprs = ["cron(0 4 ? * SUN *)", "rate(3 days)", "cron(15 */6 * * ? *)", "at(2026-07-01T12:00:00)"];
    fc.assert(
      fc.property(
        fc.constantFrom(...exprs),
        fc.option(fc.integer({ min: -60, max: 60 }), { nil: undefined }),
        fc.option(fc.integer({ min: -60, max: 90 }), { nil: undefined }),
        (expr, startDays, endDays) => {
          const opts = {
            from: FROM,
            ...(startDays === undefined ? {} : { startDate: new Date(FROM.getTime() + startDays * day) }),
            ...(endDays === undefined ? {} : { endDate: new Date(FROM.getTime() + endDays * day) }),
          };
          const first = nextRuns(expr, { ...opts, count: 1 })[0]?.getTime();
          expect(firstRunAfter(expr, opts)).toBe(first);
          // A reason exactly when there is no run.
          expect(noUpcomingRun(expr, opts) === undefined).toBe(first !== undefined);
        },
      ),
      { numRuns: 300 },
    );
  });
});
