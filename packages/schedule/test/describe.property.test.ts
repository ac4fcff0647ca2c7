/**
 * describe() round-trip, stated precisely: the description of a valid expression is a function of
 * the expression (deterministic), and it determines what runs: two expressions with the same
 * description have the same runs (checked on their next 40 runs from a fixed instant). So a
 * reviewer reading two equal sentences can trust that the schedules are the same. The converse does
 * not hold and is not claimed: `MON-FRI` and `2-6` both read "Monday through Friday".
 *
 * Expressions are drawn from small, overlapping field vocabularies so that equal descriptions
 * happen often (`0,30` / `0/30` / `*\/30`, `MON-FRI` / `2-6`, `JAN-JUN` / `1-6`...).
 */
import fc from "fast-check";
import { expect, it, describe as suite } from "vitest";
import { describe, nextRuns, ScheduleError, tryParseSchedule } from "../src/index.js";

const FROM = new Date("2026-03-01T00:00:00Z");

const minutes = fc.constantFrom(
  "0",
  "30",
  "0,30",
  "0/30",
  "*/30",
  "0-30/30",
  "15,45",
  "15/30",
  "0,15,30,45",
  "0/15",
);
const hours = fc.constantFrom("4", "4,5", "4-5", "0/12", "0,12", "*/12", "22", "*");
const days = fc.constantFrom(
  "? * SUN",
  "? * 1",
  "? * MON-FRI",
  "? * 2-6",
  "? * MON,TUE,WED,THU,FRI",
  "? * 6L",
  "? * 6#2",
  "? * FRI#2",
  "1 * ?",
  "L * ?",
  "15W * ?",
  "1,15 * ?",
  "1-2 * ?",
  "* * ?",
  "? * *",
);
const months = fc.constantFrom("*", "1-6", "JAN-JUN", "1,2,3,4,5,6", "JAN,JUL");
const years = fc.constantFrom("*", "2026-2030", "2026,2027,2028,2029,2030");

const cron = fc.tuple(minutes, hours, days, months, years).map(([mi, h, d, mo, y]) => {
  const [dom, month, dow] = d.split(" ") as [string, string, string];
  return `cron(${mi} ${h} ${dom} ${month === "*" ? mo : month} ${dow} ${y})`;
});
const rate = fc
  .tuple(fc.constantFrom(1, 2, 12, 24, 30, 60), fc.constantFrom("minute", "hour", "day"))
  .map(([n, unit]) => `rate(${n} ${unit}${n === 1 ? "" : "s"})`);
const expression = fc.oneof(cron, rate).filter((e) => tryParseSchedule(e).ok);
const zone = fc.constantFrom("UTC", "Europe/Berlin", "America/New_York");

const runs = (e: string, timezone: string) =>
  nextRuns(e, { from: FROM, count: 40, timezone, startDate: FROM }).map((d) => d.toISOString());

suite("describe round-trip", () => {
  it("is deterministic", () => {
    fc.assert(
      fc.property(expression, zone, (e, timezone) => {
        expect(describe(e, { timezone })).toBe(describe(e, { timezone }));
      }),
      { numRuns: 200 },
    );
  });

  it("equal descriptions mean equal runs", () => {
    let collisions = 0;
    fc.assert(
      fc.property(expression, expression, zone, (a, b, timezone) => {
        if (describe(a, { timezone }) !== describe(b, { timezone })) return;
        collisions++;
        expect(runs(b, timezone), `"${describe(a, { timezone })}": ${a} vs ${b}`).toEqual(runs(a, timezone));
      }),
      // 2000 runs gave 23-41 collisions (30 samples): too close to the bound below to never flake.
      // 5000 give about 75, so the bound holds whatever the seed.
      { numRuns: 5000 },
    );
    // The vocabularies are small on purpose: the implication must have been exercised.
    expect(collisions).toBeGreaterThan(20);
  });

  it("the same schedule in different zones is described differently", () => {
    fc.assert(
      fc.property(
        cron.filter((e) => tryParseSchedule(e).ok),
        (e) => {
          expect(describe(e, { timezone: "Europe/Berlin" })).not.toBe(describe(e, { timezone: "UTC" }));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("describes every valid expression and rejects invalid ones with a ScheduleError", () => {
    const anyText = fc.oneof(
      expression,
      fc.string({
        unit: fc.constantFrom(..."cronate() 0123456789*?/,-LW#MONSUNJAN".split("")),
        maxLength: 30,
      }),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        if (tryParseSchedule(text).ok) expect(describe(text)).toMatch(/\S/);
        else expect(() => describe(text)).toThrow(ScheduleError);
      }),
      { numRuns: 500 },
    );
  });
});
