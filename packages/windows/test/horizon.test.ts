/** The clash check's range: the horizon, a lookahead of 53 weeks, and a lookahead past a late first run. */
import { describe, expect, it } from "vitest";
import { CLASH_LOOKAHEAD_WEEKS, clashLookahead, horizon, splitAtHorizon, WEEK_MS } from "../src/horizon.js";

const from = new Date("2026-12-01T00:00:00Z");
const weeks = (n: number) => new Date(from.getTime() + n * WEEK_MS);

describe("clashLookahead", () => {
  it.each<[string, number, Date | undefined, Date]>([
    ["a 4-week horizon reaches 53 weeks", 4, undefined, weeks(CLASH_LOOKAHEAD_WEEKS)],
    ["a 52-week horizon too", 52, undefined, weeks(53)],
    ["a first run inside the horizon changes nothing", 4, weeks(3.5), weeks(53)],
    ["a first run just after the horizon reaches a lookahead past it", 4, weeks(4), weeks(57)],
    ["a first run in week 40 reaches week 93", 4, weeks(40), weeks(93)],
    ["a first run in week 53 reaches week 106", 4, weeks(53), weeks(106)],
    ["a later first run is capped at two lookaheads", 4, weeks(80), weeks(106)],
  ])("%s", (_name, horizonWeeks, latest, to) => {
    const r = clashLookahead(horizon(from, horizonWeeks), latest);
    expect(r.from).toEqual(from);
    expect(r.to).toEqual(to);
  });
});

describe("splitAtHorizon", () => {
  const run = (week: number) => ({ start: weeks(week), end: weeks(week + 0.01) });
  it.each<[string, number[], number[], number[]]>([
    ["all in the horizon", [0, 1, 3], [0, 1, 3], []],
    ["some after it (a run starting at its end is after)", [1, 4, 9], [1], [4, 9]],
    ["none in it", [5, 6], [], [5, 6]],
    ["no runs", [], [], []],
  ])("%s", (_name, starts, inside, after) => {
    const { occurrences, later } = splitAtHorizon(starts.map(run), weeks(4));
    expect(occurrences.map((o) => o.start)).toEqual(inside.map(weeks));
    expect(later.map((o) => o.start)).toEqual(after.map(weeks));
  });
});
