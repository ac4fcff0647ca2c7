import { expect, describe as group, it } from "vitest";
import { nextRuns, ScheduleError } from "../src/index.js";

const iso = (dates: Date[]) => dates.map((d) => d.toISOString().replace(":00.000Z", "Z"));
const runs = (expr: string, from: string, opts: Omit<Parameters<typeof nextRuns>[1], "from"> = {}) =>
  iso(nextRuns(expr, { ...opts, from: new Date(from) }));

group("nextRuns: the seed schedule", () => {
  it("runs Sundays 04:00 Berlin time, 03:00Z in winter and 02:00Z after the clocks go forward", () => {
    expect(
      runs("cron(0 4 ? * SUN *)", "2025-03-20T00:00:00Z", { timezone: "Europe/Berlin", count: 3 }),
    ).toEqual(["2025-03-23T03:00Z", "2025-03-30T02:00Z", "2025-04-06T02:00Z"]);
    expect(
      runs("cron(0 4 ? * SUN *)", "2025-10-18T00:00:00Z", { timezone: "Europe/Berlin", count: 2 }),
    ).toEqual(["2025-10-19T02:00Z", "2025-10-26T03:00Z"]);
  });

  it("defaults to 5 runs in UTC, strictly after from", () => {
    expect(runs("cron(0 4 ? * SUN *)", "2025-01-05T04:00:00Z")).toEqual([
      "2025-01-12T04:00Z",
      "2025-01-19T04:00Z",
      "2025-01-26T04:00Z",
      "2025-02-02T04:00Z",
      "2025-02-09T04:00Z",
    ]);
    expect(runs("cron(0 4 ? * SUN *)", "2025-01-05T03:59:59.999Z", { count: 1 })).toEqual([
      "2025-01-05T04:00Z",
    ]);
  });
});

// EventBridge Scheduler's rule: a wall time in the spring-forward gap is skipped, a wall time in the
// fall-back overlap runs once, at its first occurrence.
group("nextRuns: DST gap skipped, overlap once", () => {
  it.each([
    ["America/New_York", "2025-03-08T00:00:00Z", ["2025-03-08T07:30Z", "2025-03-10T06:30Z"]],
    ["Europe/Berlin", "2025-03-29T00:00:00Z", ["2025-03-29T01:30Z", "2025-03-31T00:30Z"]],
    ["Australia/Sydney", "2025-10-03T00:00:00Z", ["2025-10-03T16:30Z", "2025-10-05T15:30Z"]],
  ])("skips 02:30 on the spring-forward day in %s", (timezone, from, expected) => {
    expect(runs("cron(30 2 * * ? *)", from, { timezone, count: 2 })).toEqual(expected);
  });

  it.each([
    [
      "America/New_York",
      "cron(30 1 * * ? *)",
      "2025-11-01T12:00:00Z",
      ["2025-11-02T05:30Z", "2025-11-03T06:30Z"],
    ],
    [
      "Europe/Berlin",
      "cron(30 2 * * ? *)",
      "2025-10-25T12:00:00Z",
      ["2025-10-26T00:30Z", "2025-10-27T01:30Z"],
    ],
    [
      "Australia/Sydney",
      "cron(30 2 * * ? *)",
      "2025-04-05T00:00:00Z",
      ["2025-04-05T15:30Z", "2025-04-06T16:30Z"],
    ],
  ])("runs a repeated wall time once, at its first occurrence, in %s", (timezone, expr, from, expected) => {
    expect(runs(expr, from, { timezone, count: 2 })).toEqual(expected);
  });

  it("does not repeat the fall-back hour for a frequent schedule", () => {
    // 00:30 EDT, 01:00 EDT, 01:30 EDT, [01:00 and 01:30 EST are repeats], 02:00 EST, ...
    expect(
      runs("cron(0/30 * * * ? *)", "2025-11-02T04:00:00Z", { timezone: "America/New_York", count: 6 }),
    ).toEqual([
      "2025-11-02T04:30Z",
      "2025-11-02T05:00Z",
      "2025-11-02T05:30Z",
      "2025-11-02T07:00Z",
      "2025-11-02T07:30Z",
      "2025-11-02T08:00Z",
    ]);
  });

  it("does not run a repeated wall time again when from lies in its second occurrence", () => {
    // from = 01:10 EST (second pass through 01:xx); 01:30 already ran at 01:30 EDT.
    expect(
      runs("cron(30 1 * * ? *)", "2025-11-02T06:10:00Z", { timezone: "America/New_York", count: 1 }),
    ).toEqual(["2025-11-03T06:30Z"]);
  });
});

group("nextRuns: L, W and # forms", () => {
  it.each([
    [
      "cron(0 2 L * ? *)",
      "2025-01-15T00:00:00Z",
      ["2025-01-31T02:00Z", "2025-02-28T02:00Z", "2025-03-31T02:00Z"],
    ],
    [
      "cron(0 2 L * ? *)",
      "2024-02-01T00:00:00Z",
      ["2024-02-29T02:00Z", "2024-03-31T02:00Z", "2024-04-30T02:00Z"],
    ],
    // 2025-02-01 and 2025-03-01 are Saturdays: the nearest weekday inside the month is Monday the 3rd.
    [
      "cron(0 9 1W * ? *)",
      "2025-01-15T00:00:00Z",
      ["2025-02-03T09:00Z", "2025-03-03T09:00Z", "2025-04-01T09:00Z"],
    ],
    // 2025-03-15 is a Saturday (-> Fri 14th), 2025-06-15 a Sunday (-> Mon 16th).
    [
      "cron(0 9 15W 3,6 ? *)",
      "2025-01-01T00:00:00Z",
      ["2025-03-14T09:00Z", "2025-06-16T09:00Z", "2026-03-16T09:00Z"],
    ],
    // 2025-08-31 is a Sunday: W does not cross into September, so Friday the 29th.
    [
      "cron(0 9 31W 5,8 ? *)",
      "2025-01-01T00:00:00Z",
      ["2025-05-30T09:00Z", "2025-08-29T09:00Z", "2026-05-29T09:00Z"],
    ],
    [
      "cron(15 10 ? * 6L *)",
      "2025-01-01T00:00:00Z",
      ["2025-01-31T10:15Z", "2025-02-28T10:15Z", "2025-03-28T10:15Z"],
    ],
    [
      "cron(30 23 ? * TUE#3 *)",
      "2025-01-01T00:00:00Z",
      ["2025-01-21T23:30Z", "2025-02-18T23:30Z", "2025-03-18T23:30Z"],
    ],
    [
      "cron(0 0 ? * 2#5 *)",
      "2025-01-01T00:00:00Z",
      ["2025-03-31T00:00Z", "2025-06-30T00:00Z", "2025-09-29T00:00Z"],
    ],
    [
      "cron(0 4 ? * L *)",
      "2025-01-01T00:00:00Z",
      ["2025-01-04T04:00Z", "2025-01-11T04:00Z", "2025-01-18T04:00Z"],
    ],
    [
      "cron(0 4 ? * 1,7 *)",
      "2025-01-01T00:00:00Z",
      ["2025-01-04T04:00Z", "2025-01-05T04:00Z", "2025-01-11T04:00Z"],
    ],
  ])("%s from %s", (expr, from, expected) => {
    expect(runs(expr, from, { count: 3 })).toEqual(expected);
  });

  it("honours the year field and returns fewer runs when the schedule ends", () => {
    expect(runs("cron(0 4 1 1 ? 2027)", "2025-01-01T00:00:00Z", { count: 3 })).toEqual(["2027-01-01T04:00Z"]);
    expect(runs("cron(0 4 30 2 ? *)", "2025-01-01T00:00:00Z", { count: 3 })).toEqual([]);
  });
});

group("nextRuns: rate, at, offset, start and end dates", () => {
  it("anchors a rate at a future startDate, and at from for a past one (AWS uses the current time)", () => {
    // StartDate in the future: the first run is at StartDate itself.
    expect(
      runs("rate(1 hour)", "2024-12-01T00:00:00Z", { startDate: "2025-01-01T10:00:00Z", count: 2 }),
    ).toEqual(["2025-01-01T10:00Z", "2025-01-01T11:00Z"]);
    // StartDate past: "the current date and time are used as the start date" (CreateMaintenanceWindow).
    expect(
      runs("rate(7 days)", "2025-03-01T00:00:00Z", { startDate: "2025-01-01T10:00:00Z", count: 2 }),
    ).toEqual(runs("rate(7 days)", "2025-03-01T00:00:00Z", { count: 2 }));
    expect(
      runs("rate(7 days)", "2025-03-01T00:00:00Z", { startDate: "2025-01-01T10:00:00Z", count: 2 }),
    ).toEqual(["2025-03-08T00:00Z", "2025-03-15T00:00Z"]);
  });

  it("anchors a rate at from when there is no startDate", () => {
    expect(runs("rate(90 minutes)", "2025-03-01T00:10:00Z", { count: 2 })).toEqual([
      "2025-03-01T01:40Z",
      "2025-03-01T03:10Z",
    ]);
  });

  it("keeps rate(1 day) at 24 hours of elapsed time across DST", () => {
    expect(
      runs("rate(1 day)", "2025-03-29T00:00:00Z", {
        timezone: "Europe/Berlin",
        startDate: "2025-03-29T01:00:00Z",
        count: 3,
      }),
    ).toEqual(["2025-03-29T01:00Z", "2025-03-30T01:00Z", "2025-03-31T01:00Z"]);
  });

  it("stops before endDate (exclusive)", () => {
    expect(
      runs("rate(1 day)", "2025-01-01T00:00:00Z", {
        startDate: "2025-01-01T06:00:00Z",
        endDate: "2025-01-04T06:00:00Z",
        count: 10,
      }),
    ).toEqual(["2025-01-01T06:00Z", "2025-01-02T06:00Z", "2025-01-03T06:00Z"]);
    expect(
      runs("cron(0 4 ? * SUN *)", "2025-01-01T00:00:00Z", {
        startDate: "2025-01-10T00:00:00Z",
        endDate: "2025-01-20T00:00:00Z",
      }),
    ).toEqual(["2025-01-12T04:00Z", "2025-01-19T04:00Z"]);
  });

  it("runs at() once, in the window's zone", () => {
    expect(
      runs("at(2025-07-07T15:55:00)", "2025-03-01T00:00:00Z", { timezone: "America/Los_Angeles" }),
    ).toEqual(["2025-07-07T22:55Z"]);
    expect(
      runs("at(2025-07-07T15:55:00)", "2025-07-07T22:55:00Z", { timezone: "America/Los_Angeles" }),
    ).toEqual([]);
    // In the gap: the time never happens; in the overlap: the first occurrence.
    expect(runs("at(2025-03-09T02:30:00)", "2025-01-01T00:00:00Z", { timezone: "America/New_York" })).toEqual(
      [],
    );
    expect(runs("at(2025-11-02T01:30:00)", "2025-01-01T00:00:00Z", { timezone: "America/New_York" })).toEqual(
      ["2025-11-02T05:30Z"],
    );
  });

  it("shifts each cron date by offsetDays (ScheduleOffset)", () => {
    // Third Tuesdays of 2025: Mar 18, Apr 15, May 20; two days later.
    expect(runs("cron(30 23 ? * TUE#3 *)", "2025-03-01T00:00:00Z", { offsetDays: 2, count: 3 })).toEqual([
      "2025-03-20T23:30Z",
      "2025-04-17T23:30Z",
      "2025-05-22T23:30Z",
    ]);
    // The cron date (Mar 18) is before from, but the shifted run (Mar 20) is after it.
    expect(runs("cron(30 23 ? * TUE#3 *)", "2025-03-19T00:00:00Z", { offsetDays: 2, count: 1 })).toEqual([
      "2025-03-20T23:30Z",
    ]);
  });

  it("rejects bad options and invalid expressions", () => {
    const from = new Date("2025-01-01T00:00:00Z");
    expect(() => nextRuns("cron(0 4 ? * SUN *)", { from, timezone: "Mars/Olympus" })).toThrow(
      /unknown time zone "Mars\/Olympus"/,
    );
    expect(() => nextRuns("rate(1 day)", { from, offsetDays: 2 })).toThrow(/cron\(\.\.\.\) schedules only/);
    expect(() => nextRuns("cron(0 4 ? * SUN *)", { from, offsetDays: 7 })).toThrow(/1-6/);
    expect(() => nextRuns("cron(0 4 * * SUN *)", { from })).toThrow(ScheduleError);
    expect(() => nextRuns("rate(1 day)", { from, startDate: "yesterday" })).toThrow(
      /startDate is not a valid date/,
    );
  });
});
