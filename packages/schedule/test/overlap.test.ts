/** The one overlap sweep: two windows' shared intervals, and the pairs of many windows that overlap. */

import { expect, describe as group, it } from "vitest";
import type { WindowSchedule } from "../src/index.js";
import { MAX_KEPT_OVERLAPS, overlappingRuns, overlaps } from "../src/overlap.js";

const span = (xs: { start: Date; end: Date }[]) =>
  xs.map((i) => `${i.start.toISOString().slice(0, 16)}/${i.end.toISOString().slice(11, 16)}`);
const march = { from: new Date("2025-03-01T00:00:00Z"), to: new Date("2025-04-01T00:00:00Z") };
const seed: WindowSchedule = { schedule: "cron(0 4 ? * SUN *)", timezone: "Europe/Berlin", durationHours: 3 };

group("overlaps", () => {
  const early: WindowSchedule = { schedule: "cron(0 5 ? * SUN *)", timezone: "UTC", durationHours: 2 };

  it("returns the shared intervals in order; touching windows do not clash", () => {
    // Berlin 04:00-07:00 is 03:00-06:00Z in winter (clash 05:00-06:00Z) and 02:00-05:00Z in summer (touching).
    const clashes = span(overlaps(seed, early, march));
    expect(clashes).toEqual([
      "2025-03-02T05:00/06:00",
      "2025-03-09T05:00/06:00",
      "2025-03-16T05:00/06:00",
      "2025-03-23T05:00/06:00",
    ]);
    expect(span(overlaps(early, seed, march))).toEqual(clashes);
  });

  it("finds nothing for windows on different days", () => {
    const monday: WindowSchedule = {
      schedule: "cron(0 4 ? * MON *)",
      timezone: "Europe/Berlin",
      durationHours: 3,
    };
    expect(overlaps(seed, monday, march)).toEqual([]);
  });

  it("reports each clash of a frequent window with a long one", () => {
    const hourly: WindowSchedule = { schedule: "cron(0 * * * ? *)", durationHours: 1 };
    const range = { from: new Date("2025-03-02T00:00:00Z"), to: new Date("2025-03-03T00:00:00Z") };
    expect(span(overlaps(seed, hourly, range))).toEqual([
      "2025-03-02T03:00/04:00",
      "2025-03-02T04:00/05:00",
      "2025-03-02T05:00/06:00",
    ]);
  });
});

group("overlappingRuns", () => {
  const at = (h: number, hours: number) => ({
    start: new Date(Date.UTC(2025, 2, 1, h)),
    end: new Date(Date.UTC(2025, 2, 1, h + hours)),
  });

  it("pairs only the owners the predicate admits, each pair once, lower owner first", () => {
    const runs = [[at(0, 3)], [at(1, 3)], [at(2, 3)]];
    const all = overlappingRuns(runs);
    expect(all.map((p) => [p.a, p.b, p.overlaps.length])).toEqual([
      [0, 1, 1],
      [0, 2, 1],
      [1, 2, 1],
    ]);
    const calls: [number, number][] = [];
    const some = overlappingRuns(runs, (a, b) => {
      calls.push([a, b]);
      return a === 0;
    });
    expect(some.map((p) => [p.a, p.b])).toEqual([
      [0, 1],
      [0, 2],
    ]);
    expect(calls.every(([a, b]) => a < b)).toBe(true);
  });

  it("never pairs an owner with itself; touching runs do not overlap", () => {
    expect(overlappingRuns([[at(0, 5), at(1, 1)]])).toEqual([]);
    expect(overlappingRuns([[at(0, 2)], [at(2, 2)]])).toEqual([]);
  });

  it("gives the first overlap's runs and every overlap, earliest first", () => {
    const [pair] = overlappingRuns([[at(0, 2), at(10, 2)], [at(1, 10)]]);
    expect(span([pair!.first.a, pair!.first.b])).toEqual([
      "2025-03-01T00:00/02:00",
      "2025-03-01T01:00/11:00",
    ]);
    expect(span(pair!.overlaps)).toEqual(["2025-03-01T01:00/02:00", "2025-03-01T10:00/11:00"]);
  });

  it("counts every overlap of a pair but keeps only the first MAX_KEPT_OVERLAPS (memory stays bounded)", () => {
    // One long run against 1,500 short ones inside it: 1,500 overlaps.
    const short = Array.from({ length: 1500 }, (_, i) => at(i, 1));
    const [pair] = overlappingRuns([[at(0, 2000)], short]);
    expect(pair?.count).toBe(1500);
    expect(pair?.overlaps).toHaveLength(MAX_KEPT_OVERLAPS);
    expect(span(pair!.overlaps.slice(0, 2))).toEqual(["2025-03-01T00:00/01:00", "2025-03-01T01:00/02:00"]);
  });
});
