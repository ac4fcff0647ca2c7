import { expect, describe as group, it } from "vitest";
import { parseSchedule, ScheduleError, type ScheduleKind, tryParseSchedule } from "../src/index.js";

/** `^` marks where the error must point; it is removed to get the expression. */
function marked(text: string): { expression: string; position: number } {
  const position = text.indexOf("^");
  if (position < 0) throw new Error(`test case without ^ marker: ${text}`);
  return { expression: text.slice(0, position) + text.slice(position + 1), position };
}

const valid: [string, ScheduleKind?][] = [
  ["cron(0 4 ? * SUN *)"],
  ["cron(0 16 ? * TUE *)"],
  ["cron(0 10 * * ? *)"],
  ["cron(15 12 * * ? *)"],
  ["cron(0 18 ? * MON-FRI *)"],
  ["cron(0 8 1 * ? *)"],
  ["cron(0/15 * * * ? *)"],
  ["cron(0/5 8-17 ? * MON-FRI *)"],
  ["cron(*/5 * * * ? *)"],
  ["cron(30 23 ? * TUE#3 *)"],
  ["cron(0 0 ? * THU#2 *)"],
  ["cron(0 2 L * ? *)"],
  ["cron(15 10 ? * 6L *)"],
  ["cron(0 9 15W * ? *)"],
  ["cron(0 9 1W * ? *)"],
  ["cron(0 4 ? * L *)"],
  ["cron(0 0 ? 1/3 THU#3 *)"],
  ["cron(0 4 ? JAN,APR,JUL,OCT MON 2025-2030)"],
  ["cron(0 4 ? * 1-7 *)"],
  ["cron(0 4 ? * 7 2199)"],
  ["cron(0 4 1-15/2 * ? 1970)"],
  ["cron(0,30 8 1,15 * ? *)"],
  ["cron(58 0,23 * * ? *)"],
  ["rate(1 minute)"],
  ["rate(5 minutes)"],
  ["rate(1 hour)"],
  ["rate(12 hours)"],
  ["rate(1 day)"],
  ["rate(7 days)"],
  ["at(2025-07-07T15:55:00)"],
  ["at(2024-02-29T23:59:59)"],
  ["cron(0/30 * * * ? *)", "association"],
  ["cron(0 2 ? * SUN *)", "association"],
  ["cron(0 2 ? * SUN 2027)", "maintenance-window"],
  ["rate(30 minutes)", "association"],
  ["rate(30 days)", "association"],
  ["rate(743 hours)", "association"],
  ["at(2025-07-07T15:55:00)", "association"],
];

const invalid: [string, RegExp, ScheduleKind?][] = [
  ["^", /expected cron\(\.\.\.\), rate\(\.\.\.\) or at\(\.\.\.\)/],
  ["^ cron(0 4 ? * SUN *)", /whitespace/],
  ["^CRON(0 4 ? * SUN *)", /lower case/],
  ["^0 4 * * *", /expected cron/],
  ["cron(0 4 ? * SUN *^", /expected \) to close cron\(/],
  ["cron(0 4 ? * SUN *)^ ", /unexpected text after cron/],
  ["cron(0 4 * * ?^)", /6 fields .* found 5; Unix 5-field cron is not accepted/],
  ["cron(0 0 4 ? * SUN ^*)", /found 7; AWS cron has no seconds field/],
  ["cron(^)", /needs 6 fields/],
  ["cron(^60 4 ? * SUN *)", /minutes must be 0-59, found 60/],
  ["cron(0 ^24 ? * SUN *)", /hours must be 0-23, found 24/],
  ["cron(0 4 ^32 * ? *)", /day-of-month must be 1-31, found 32/],
  ["cron(0 4 ^0 * ? *)", /day-of-month must be 1-31, found 0/],
  ["cron(0 4 1 ^13 ? *)", /month must be 1-12, found 13/],
  ["cron(0 4 1 ^0 ? *)", /month must be 1-12, found 0/],
  ["cron(0 4 ? * ^0 *)", /day-of-week must be 1-7 \(1 = SUN \.\.\. 7 = SAT\).*found 0/],
  ["cron(0 4 ? * ^8 *)", /day-of-week must be 1-7.*found 8/],
  ["cron(0 4 ? * 2-^8 *)", /day-of-week must be 1-7.*found 8/],
  ["cron(0 4 ? * SUN ^1969)", /year must be 1970-2199, found 1969/],
  ["cron(0 4 ? * SUN ^2200)", /year must be 1970-2199, found 2200/],
  ["cron(0 4 ^* * SUN *)", /exactly one of day-of-month and day-of-week must be \?; use \? in day-of-month/],
  ["cron(0 4 1 * ^SUN *)", /exactly one of day-of-month and day-of-week must be \?; use \? in day-of-week/],
  ["cron(0 4 ^* * * *)", /exactly one of day-of-month and day-of-week must be \?/],
  ["cron(0 4 ? * ^? *)", /only one of day-of-month and day-of-week may be \?/],
  ["cron(^? 4 * * ? *)", /\? is allowed only in day-of-month and day-of-week/],
  ["cron(0 4 ? ^? * *)", /\? is allowed only in day-of-month and day-of-week/],
  ["cron(0 4 ? * ^L2 *)", /L must stand alone in day-of-week/],
  ["cron(0 4 ? * 2^L,3 *)", /L must stand alone in day-of-week/],
  ["cron(0 4 ^LW * ? *)", /L must stand alone in day-of-month/],
  ["cron(0 4 1,^L * ? *)", /L must stand alone in day-of-month/],
  ["cron(0 4 15^W,16 * ? *)", /W must stand alone in day-of-month/],
  ["cron(0 4 ^32W * ? *)", /day-of-month must be 1-31, found 32/],
  ["cron(0 4 ? * 3^#1,6#3 *)", /# must be the only expression in day-of-week/],
  ["cron(0 4 ? * 3#^6 *)", /must be 1-5/],
  ["cron(0 4 ? * ^9#2 *)", /day-of-week must be 1-7/],
  ["cron(0 ^L * * ? *)", /names are not allowed in hours|unexpected/],
  ["cron(0 4 ? * MON^/2 *)", /\/ is not allowed in day-of-week/],
  ["cron(0/^0 * * * ? *)", /increment after \/ in minutes must be 1-59/],
  ["cron(0/^x * * * ? *)", /expected a whole number after \//],
  ["cron(0 4 ? ^JUL-JAN * *)", /runs backwards/],
  ["cron(0 4 ? ^FOO * *)", /unknown month name "FOO"; use JAN-DEC/],
  ["cron(0 4 ? * ^FUN *)", /unknown day-of-week name "FUN"; use SUN-SAT/],
  ["cron(^MON 4 ? * * *)", /names are not allowed in minutes/],
  ["cron(0 4 ? * SUN^% *)", /unexpected "%" in day-of-week/],
  ["cron(0,^ 4 ? * SUN *)", /expected a value in minutes/],
  ["cron(0 4 ? * 2-^ *)", /expected a value in day-of-week/],
  ["cron(^0/4 * * * ? *)", /fires every 4 minutes.*at most every 5 minutes/],
  ["cron(^0,3 * * * ? *)", /fires every 3 minutes/],
  ["cron(^0,57 * * * ? *)", /fires every 3 minutes/],
  ["cron(^* 4 ? * SUN *)", /fires every 1 minute /],
  ["cron(^0/15 * * * ? *)", /an association may run at most every 30 minutes/, "association"],
  ["cron(0 2 ? ^JAN SUN *)", /associations do not support specifying months/, "association"],
  ["cron(0 2 1 ^1-6 ? *)", /associations do not support specifying months/, "association"],
  [
    "cron(0 2 ? * SUN ^2027)",
    /documents no year for an association's cron; use \* in the year field/,
    "association",
  ],
  ["cron(0 2 ? * SUN ^2027-2030)", /documents no year for an association/, "association"],
  ["cron(0 2 ? * SUN ^*/2)", /documents no year for an association/, "association"],
  ["rate(^0 minutes)", /above 0, found 0/],
  ["rate(^ minutes)", /needs a whole number/],
  ["rate(^-5 minutes)", /needs a whole number/],
  ["rate(5^)", /expected a space and a unit/],
  ["rate(5 ^ minutes)", /exactly one space between the number and the unit/],
  ["cron(0 ^ 4 ? * SUN *)", /exactly one space/],
  ["cron(^ 0 4 ? * SUN *)", /exactly one space, with none after cron\( or before \)/],
  ["cron(0 4 ? * SUN *^ )", /exactly one space/],
  // A tab is no separator: five fields.
  ["cron(0 4 ? * SUN\t*^)", /6 fields/],
  ["rate(1 ^hours)", /singular unit for 1: rate\(1 hour\)/],
  ["rate(1 ^minutes)", /singular unit for 1: rate\(1 minute\)/],
  ["rate(2 ^hour)", /plural unit .*: rate\(2 hours\)/],
  ["rate(2 ^day)", /plural unit .*: rate\(2 days\)/],
  ["rate(5 ^weeks)", /expected a unit: minutes, hours or days/],
  ["rate(5 ^Minutes)", /expected a unit/],
  ["rate(^29 minutes)", /at least 30 minutes/, "association"],
  ["rate(^31 days)", /below 31 days/, "association"],
  ["rate(^744 hours)", /below 31 days/, "association"],
  ["at(2025-02-^29T00:00:00)", /day of at\(\.\.\.\) must be 01-28/],
  ["at(2025-04-^31T00:00:00)", /must be 01-30/],
  ["at(2025-^13-01T00:00:00)", /month of at\(\.\.\.\) must be 01-12/],
  ["at(2025-01-01T^24:00:00)", /hour .* 00-23/],
  ["at(2025-01-01T00:^60:00)", /minutes .* 00-59/],
  ["at(2025-01-01T00:00:^60)", /seconds .* 00-59/],
  ["at(2025-01-01^ 00:00:00)", /yyyy-mm-ddThh:mm:ss/],
  ["at(2025-01-01T00:00^)", /yyyy-mm-ddThh:mm:ss/],
  ["at(^1969-12-31T23:59:59)", /year of at\(\.\.\.\) must be 1970-2199/],
];

group("parseSchedule: AWS rules", () => {
  it.each(valid)("accepts %s (%s)", (expression, kind) => {
    const result = tryParseSchedule(expression, { kind: kind ?? "maintenance-window" });
    expect(result).toMatchObject({ ok: true, schedule: { expression } });
  });

  it.each(invalid)("rejects %s", (text, message, kind) => {
    const { expression, position } = marked(text);
    const result = tryParseSchedule(expression, { kind: kind ?? "maintenance-window" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(message);
    expect({ position: result.error.position, expression: result.error.expression }).toEqual({
      position,
      expression,
    });
  });

  it("throws a ScheduleError with position and expression", () => {
    let caught: unknown;
    try {
      parseSchedule("cron(0 4 ? * 0 *)");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScheduleError);
    expect(caught).toMatchObject({ position: 13, expression: "cron(0 4 ? * 0 *)", name: "ScheduleError" });
  });

  it("builds the AST of the seed schedule with AWS day numbering", () => {
    const s = parseSchedule("cron(0 4 ? * SUN *)");
    expect(s.type).toBe("cron");
    if (s.type !== "cron") return;
    expect(s.minutes.values).toEqual([0]);
    expect(s.hours.values).toEqual([4]);
    expect(s.dayOfMonth.items).toEqual([{ type: "any" }]);
    expect(s.dayOfWeek.values).toEqual([1]);
    expect(s.dayOfWeek.position).toBe(13);
    expect(s.year.values).toHaveLength(2199 - 1970 + 1);
  });

  it("reads month and day names, steps and the special day forms", () => {
    const s = parseSchedule("cron(0/20 9-17/4 ? JAN,MAR-APR TUE#3 2025/10)");
    if (s.type !== "cron") throw new Error("expected cron");
    expect(s.minutes.values).toEqual([0, 20, 40]);
    expect(s.hours.values).toEqual([9, 13, 17]);
    expect(s.month.values).toEqual([1, 3, 4]);
    expect(s.dayOfWeek.items).toEqual([{ type: "nthWeekdayOfMonth", weekday: 3, nth: 3 }]);
    expect(s.year.values.slice(0, 3)).toEqual([2025, 2035, 2045]);
    const last = parseSchedule("cron(0 4 ? * 6L *)");
    if (last.type !== "cron") throw new Error("expected cron");
    expect(last.dayOfWeek.items).toEqual([{ type: "lastWeekdayOfMonth", weekday: 6 }]);
    const w = parseSchedule("cron(0 4 15W * ? *)");
    if (w.type !== "cron") throw new Error("expected cron");
    expect(w.dayOfMonth.items).toEqual([{ type: "nearestWeekday", day: 15 }]);
  });

  it("gives rate its interval and keeps at() as written", () => {
    expect(parseSchedule("rate(2 hours)")).toMatchObject({
      type: "rate",
      value: 2,
      unit: "hours",
      intervalMs: 7_200_000,
    });
    expect(parseSchedule("rate(1 day)")).toMatchObject({ unit: "days", intervalMs: 86_400_000 });
    expect(parseSchedule("at(2025-07-07T15:55:00)")).toMatchObject({
      type: "at",
      dateTime: "2025-07-07T15:55:00",
    });
  });

  it("defaults to the maintenance-window kind", () => {
    expect(tryParseSchedule("rate(5 minutes)").ok).toBe(true);
    expect(tryParseSchedule("rate(5 minutes)", { kind: "association" }).ok).toBe(false);
  });
});
