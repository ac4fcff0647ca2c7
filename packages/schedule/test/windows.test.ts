import { expect, describe as group, it } from "vitest";
import { minimumIntervalMs, type WindowSchedule, windowOccurrences } from "../src/index.js";

const span = (xs: { start: Date; end: Date }[]) =>
  xs.map((i) => `${i.start.toISOString().slice(0, 16)}/${i.end.toISOString().slice(11, 16)}`);
const march = { from: new Date("2025-03-01T00:00:00Z"), to: new Date("2025-04-01T00:00:00Z") };
const seed: WindowSchedule = { schedule: "cron(0 4 ? * SUN *)", timezone: "Europe/Berlin", durationHours: 3 };

group("windowOccurrences", () => {
  it("gives [start, start + duration) for every run in the range, across DST", () => {
    expect(span(windowOccurrences(seed, march))).toEqual([
      "2025-03-02T03:00/06:00",
      "2025-03-09T03:00/06:00",
      "2025-03-16T03:00/06:00",
      "2025-03-23T03:00/06:00",
      "2025-03-30T02:00/05:00",
    ]);
  });

  it.each([
    ["an interval { start, end }", { start: march.from, end: march.to }],
    ["ISO texts with an offset", { from: "2025-03-01T00:00:00Z", to: "2025-04-01T02:00:00+02:00" }],
    ["bare dates (UTC)", { from: "2025-03-01", to: "2025-04-01" }],
    ["epoch milliseconds", { from: march.from.getTime(), to: march.to.getTime() }],
  ])("takes the range as %s, the same as { from, to } of Dates", (_title, range) => {
    expect(windowOccurrences(seed, range)).toEqual(windowOccurrences(seed, march));
  });

  it.each([
    [
      "a local time (no offset)",
      { from: "2025-03-01T00:00:00", to: march.to },
      /range\.from must be .*with an offset/,
    ],
    ["an invalid Date", { from: march.from, to: new Date("nope") }, /range\.to must be a valid Date/],
    ["neither from/to nor start/end", { begin: march.from }, /range must be \{ from, to \}/],
    ["no range", undefined, /range must be \{ from, to \}/],
  ])("refuses %s with a RangeError naming the key", (_title, range, message) => {
    expect(() => windowOccurrences(seed, range as never)).toThrow(RangeError);
    expect(() => windowOccurrences(seed, range as never)).toThrow(message);
  });

  it("includes a window that started before the range and is still open, not one that just closed", () => {
    const open = { from: new Date("2025-03-02T05:59:00Z"), to: new Date("2025-03-03T00:00:00Z") };
    expect(span(windowOccurrences(seed, open))).toEqual(["2025-03-02T03:00/06:00"]);
    const closed = { from: new Date("2025-03-02T06:00:00Z"), to: new Date("2025-03-03T00:00:00Z") };
    expect(windowOccurrences(seed, closed)).toEqual([]);
  });

  it("applies offsetDays, startDate and endDate", () => {
    const w: WindowSchedule = {
      schedule: "cron(30 23 ? * TUE#3 *)",
      durationHours: 2,
      offsetDays: 2,
      endDate: "2025-05-01T00:00:00Z",
    };
    const range = { from: new Date("2025-03-01T00:00:00Z"), to: new Date("2025-07-01T00:00:00Z") };
    expect(span(windowOccurrences(w, range))).toEqual(["2025-03-20T23:30/01:30", "2025-04-17T23:30/01:30"]);
    const late = { ...seed, startDate: "2025-03-20T00:00:00Z" };
    expect(windowOccurrences(late, march)).toHaveLength(2);
  });

  it("anchors a rate window at a future startDate, and at the range start for a past one", () => {
    const range = { from: new Date("2025-03-01T00:00:00Z"), to: new Date("2025-03-02T00:00:00Z") };
    const at = (startDate: string): WindowSchedule => ({
      schedule: "rate(12 hours)",
      durationHours: 1,
      startDate,
    });
    expect(span(windowOccurrences(at("2025-03-01T06:00:00Z"), range))).toEqual([
      "2025-03-01T06:00/07:00",
      "2025-03-01T18:00/19:00",
    ]);
    // A past StartDate: AWS uses the current time instead, as for a window without one.
    expect(span(windowOccurrences(at("2025-02-27T06:00:00Z"), range))).toEqual([
      "2025-03-01T00:00/01:00",
      "2025-03-01T12:00/13:00",
    ]);
    expect(windowOccurrences(at("2025-02-27T06:00:00Z"), range)).toEqual(
      windowOccurrences({ schedule: "rate(12 hours)", durationHours: 1 }, range),
    );
  });
});

group("minimumIntervalMs", () => {
  const from = new Date("2025-01-01T00:00:00Z");
  const MIN = 60_000;
  it.each([
    ["rate(2 hours)", "UTC", 120 * MIN],
    ["at(2025-07-07T15:55:00)", "UTC", Number.POSITIVE_INFINITY],
    ["cron(0 4 ? * SUN *)", "UTC", 7 * 24 * 60 * MIN],
    // The spring-forward week is an hour short.
    ["cron(0 4 ? * SUN *)", "Europe/Berlin", (7 * 24 - 1) * 60 * MIN],
    ["cron(0/5 * * * ? *)", "UTC", 5 * MIN],
    ["cron(0 9,17 ? * MON-FRI *)", "UTC", 8 * 60 * MIN],
    ["cron(1,59 1,3 * * ? *)", "UTC", 58 * MIN],
    // 01:59 EST and 03:01 EDT are 2 minutes apart on the spring-forward night.
    ["cron(1,59 1,3 * * ? *)", "America/New_York", 2 * MIN],
  ])("%s in %s", (expr, timezone, expected) => {
    expect(minimumIntervalMs(expr, { timezone, from })).toBe(expected);
  });
});
