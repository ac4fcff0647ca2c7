import { describe, expect, it } from "vitest";
import { describeClash, findClashes, type WindowRuns } from "../src/clashes.js";

const H = 3_600_000;
const t0 = Date.parse("2026-11-30T00:00:00Z");

/** Weekly runs at `hour` UTC for `weeks` weeks, each `duration` hours long. */
function weekly(hour: number, duration: number, weeks = 4, dayOffset = 0) {
  return Array.from({ length: weeks }, (_, w) => {
    const start = new Date(t0 + (w * 7 + dayOffset) * 24 * H + hour * H);
    return { start, end: new Date(start.getTime() + duration * H) };
  });
}

function win(
  team: string,
  window: string,
  occurrences: WindowRuns["occurrences"],
  extra: Partial<WindowRuns> = {},
): WindowRuns {
  return {
    team,
    stackId: `scheduling/${team}`,
    environment: "prod",
    window,
    pool: "a10g",
    timezone: "UTC",
    occurrences,
    ...extra,
  };
}

describe("findClashes", () => {
  const cases: { name: string; windows: WindowRuns[]; clashes: number; overlaps?: number[] }[] = [
    {
      name: "disjoint runs on one pool",
      windows: [win("a", "w", weekly(1, 2)), win("b", "w", weekly(4, 2))],
      clashes: 0,
    },
    {
      name: "touching runs ([start, end) intervals) do not clash",
      windows: [win("a", "w", weekly(1, 3)), win("b", "w", weekly(4, 2))],
      clashes: 0,
    },
    {
      name: "overlapping runs of two teams on one pool",
      windows: [win("a", "w", weekly(1, 3)), win("b", "w", weekly(3, 2))],
      clashes: 1,
      overlaps: [4],
    },
    {
      name: "the same team's windows are the policy pack's business, not a cross-team clash",
      windows: [win("a", "x", weekly(1, 3)), win("a", "y", weekly(2, 2))],
      clashes: 0,
    },
    {
      name: "different pools never clash",
      windows: [win("a", "w", weekly(1, 3)), win("b", "w", weekly(1, 3), { pool: "l4" })],
      clashes: 0,
    },
    {
      name: "same pool name in different environments never clash",
      windows: [win("a", "w", weekly(1, 3)), win("b", "w", weekly(1, 3), { environment: "dev" })],
      clashes: 0,
    },
    {
      name: "three teams on one pool: every pair that overlaps",
      windows: [win("a", "w", weekly(1, 4)), win("b", "w", weekly(2, 4)), win("c", "w", weekly(5, 1))],
      clashes: 2,
      overlaps: [4, 4],
    },
    {
      name: "a daily window against a weekly one overlaps once a week",
      windows: [
        win(
          "a",
          "daily",
          Array.from({ length: 28 }, (_, d) => weekly(2, 1, 1, d)[0]!),
        ),
        win("b", "weekly", weekly(1, 3)),
      ],
      clashes: 1,
      overlaps: [4],
    },
  ];

  it.each(cases)("$name", ({ windows, clashes, overlaps }) => {
    const found = findClashes(windows);
    expect(found).toHaveLength(clashes);
    if (overlaps) expect(found.map((c) => c.overlapCount)).toEqual(overlaps);
    for (const c of found) {
      expect(c.a.team).not.toBe(c.b.team);
      expect(c.overlaps).toHaveLength(c.overlapCount);
      expect(c.firstOverlap).toEqual(c.overlaps[0]);
      expect(c.beyondHorizon).toBeUndefined();
    }
  });

  // `later`: the runs after a 4-week horizon that buildScheduleView adds for windows on shared pools.
  const after = (hour: number, duration: number, fromWeek: number, weeks = 1) =>
    weekly(hour, duration, fromWeek + weeks).slice(fromWeek);
  const beyond: {
    name: string;
    windows: WindowRuns[];
    found: { beyondHorizon: boolean; overlapCount: number; first: string }[];
  }[] = [
    {
      name: "no overlap in the horizon, one after it: a clash beyond the horizon",
      windows: [
        win("a", "w", weekly(1, 3), { later: after(1, 3, 30) }),
        win("b", "season", [], { later: after(2, 2, 30) }),
      ],
      found: [{ beyondHorizon: true, overlapCount: 0, first: "2027-06-28T02:00:00.000Z" }],
    },
    {
      name: "only the runs just after the horizon overlap",
      windows: [
        win("a", "w", [weekly(1, 3)[3]!], { later: after(1, 3, 4) }),
        win("b", "late", [], { later: after(2, 2, 4) }),
      ],
      found: [{ beyondHorizon: true, overlapCount: 0, first: "2026-12-28T02:00:00.000Z" }],
    },
    {
      name: "an overlap in the horizon: one clash with the horizon's count, later runs not added",
      windows: [
        win("a", "w", weekly(1, 3), { later: after(1, 3, 4, 20) }),
        win("b", "w", weekly(2, 2), { later: after(2, 2, 4, 20) }),
      ],
      found: [{ beyondHorizon: false, overlapCount: 4, first: "2026-11-30T02:00:00.000Z" }],
    },
    {
      name: "later runs of one team's windows are not a cross-team clash",
      windows: [win("a", "x", [], { later: after(1, 3, 10) }), win("a", "y", [], { later: after(2, 2, 10) })],
      found: [],
    },
    {
      name: "later runs that never meet",
      windows: [
        win("a", "w", weekly(1, 2), { later: after(1, 2, 4, 40) }),
        win("b", "w", [], { later: after(5, 2, 4, 40) }),
      ],
      found: [],
    },
  ];
  it.each(beyond)("$name", ({ windows, found }) => {
    const clashes = findClashes(windows);
    expect(
      clashes.map((c) => ({
        beyondHorizon: c.beyondHorizon === true,
        overlapCount: c.overlapCount,
        first: new Date(c.firstOverlap.start).toISOString(),
      })),
    ).toEqual(found);
    for (const c of clashes.filter((x) => x.beyondHorizon)) {
      expect(c.overlaps).toEqual([]);
      expect(c.a.firstRun.start.utc <= c.firstOverlap.start).toBe(true);
      expect(describeClash(c)).toContain("(after the horizon)");
    }
  });

  it("reports the first overlap in UTC and each team's first clashing run in its own zone", () => {
    const [clash] = findClashes([
      win("vision", "weekly-retrain", weekly(3, 3), { timezone: "Europe/Berlin" }),
      win("nlp", "nightly", weekly(5, 2), { timezone: "America/New_York" }),
    ]);
    expect(clash).toBeDefined();
    expect(clash!.firstOverlap).toEqual({ start: "2026-11-30T05:00:00Z", end: "2026-11-30T06:00:00Z" });
    expect(clash!.a.team).toBe("vision");
    expect(clash!.a.firstRun.start.utc).toBe("2026-11-30T03:00:00Z");
    // 03:00 UTC is 04:00 in Berlin in winter (UTC+1), 05:00 UTC is 00:00 in New York (UTC-5).
    expect(clash!.a.firstRun.start.local).toMatch(/^2026-11-30 04:00 /);
    expect(clash!.b.firstRun.start.local).toMatch(/^2026-11-30 00:00 /);
    const text = describeClash(clash!);
    for (const part of [
      "vision/weekly-retrain",
      "nlp/nightly",
      "a10g",
      "prod",
      "2026-11-30T05:00:00Z",
      "2026-11-30 04:00",
    ]) {
      expect(text).toContain(part);
    }
  });

  it("is the same whatever order the windows come in, up to which side is a or b", () => {
    const ws = [win("a", "w", weekly(1, 4)), win("b", "w", weekly(2, 4)), win("c", "w", weekly(3, 4))];
    const key = (c: ReturnType<typeof findClashes>[number]) =>
      `${[c.a.team, c.b.team].sort().join("+")}@${c.firstOverlap.start}x${c.overlapCount}`;
    const forward = findClashes(ws).map(key).sort();
    const backward = findClashes([...ws].reverse())
      .map(key)
      .sort();
    expect(backward).toEqual(forward);
    expect(forward).toHaveLength(3);
  });
});
