import { describe, expect, it } from "vitest";
import { ASSOCIATION_CRON_SHAPES } from "../src/association-shapes.js";
import { tryParseSchedule } from "../src/index.js";

/** `^` marks where the error must point; it is removed to get the expression. */
function marked(text: string): { expression: string; position: number } {
  const position = text.indexOf("^");
  return { expression: text.slice(0, position) + text.slice(position + 1), position };
}

/** Each of the reference's association cron examples, and the other spellings of its shapes. */
const good: [string, string][] = [
  ["cron(0/30 * * * ? *)", "every 30 minutes (the reference's example)"],
  ["cron(*/30 * * * ? *)", "every 30 minutes, from *"],
  ["cron(0,30 * * * ? *)", "every 30 minutes, as a list"],
  ["cron(15/30 * * * ? *)", "every 30 minutes at :15 and :45"],
  ["cron(0 0/1 * * ? *)", "every hour (the reference's example)"],
  ["cron(5 * * * ? *)", "every hour at :05"],
  ["cron(0 0/2 * * ? *)", "every 2 hours"],
  ["cron(0 1/2 * * ? *)", "every 2 hours from 01:00"],
  ["cron(0 0/4 * * ? *)", "every 4 hours"],
  ["cron(0 */8 * * ? *)", "every 8 hours"],
  ["cron(0 0,12 * * ? *)", "every 12 hours, as a list"],
  ["cron(15 13 ? * * *)", "every day at 13:15"],
  ["cron(15 13 * * ? *)", "every day, open day-of-week"],
  ["cron(15 13 ? * MON *)", "every Monday"],
  ["cron(0 2 ? * 1 *)", "every Sunday, by number"],
  ["cron(30 23 ? * TUE#3 *)", "the third Tuesday"],
  ["cron(0 0 ? * THU#2 *)", "the second Thursday"],
  ["cron(0 0 ? * 3L *)", "the last Tuesday"],
  ["cron(0 2 L * ? *)", "the last day of the month"],
  ["cron(0 2 15 * ? *)", "day 15 of every month"],
];

/** Crons a maintenance window takes and the association list does not name. */
const bad: [string, RegExp][] = [
  ["cron(0 ^0/3 * * ? *)", /every 30 minutes, every 1, 2, 4, 8, 12 hours or at one time a day/],
  ["cron(0 ^0/6 * * ? *)", /hours "0\/6"/],
  ["cron(0 ^9,17 * * ? *)", /none of these/],
  ["cron(0 ^8-17 * * ? *)", /none of these/],
  ["cron(^0/30 8 * * ? *)", /none of these/],
  ["cron(0 ^0,6,12,18 * * ? *)", /none of these/],
  ["cron(0 2 ? * ^MON-FRI *)", /day-of-week "MON-FRI" is none of these/],
  ["cron(0 2 ? * ^MON,THU *)", /day-of-week "MON,THU"/],
  ["cron(0 2 ^1,15 * ? *)", /day-of-month "1,15" is none of these/],
  ["cron(0 2 ^1/3 * ? *)", /day-of-month "1\/3"/],
  ["cron(0 2 ^15W * ? *)", /day-of-month "15W"/],
  ["cron(0 ^0/4 ? * MON *)", /runs once that day, at one minute and hour/],
  ["cron(^0/30 * ? * TUE#3 *)", /runs once that day/],
];

describe("association cron shapes (AWS's Systems Manager cron reference, associations)", () => {
  it.each(good)("accepts %s (%s) for an association", (expression) => {
    expect(tryParseSchedule(expression, { kind: "association" })).toMatchObject({ ok: true });
  });

  it.each(bad)("refuses %s for an association, where a window takes it", (text, message) => {
    const { expression, position } = marked(text);
    expect(tryParseSchedule(expression, { kind: "maintenance-window" }).ok).toBe(true);
    const result = tryParseSchedule(expression, { kind: "association" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(message);
    expect(result.error.message).toMatch(/use a rate\(\.\.\.\) or mode: maintenance-window/);
    expect(result.error.position).toBe(position);
  });

  it("quotes, for every shape, an example that State Manager runs", () => {
    for (const shape of ASSOCIATION_CRON_SHAPES) {
      expect(tryParseSchedule(shape.example, { kind: "association" }), shape.name).toMatchObject({
        ok: true,
      });
    }
    const refusal = tryParseSchedule("cron(0 0/3 * * ? *)", { kind: "association" });
    if (refusal.ok) throw new Error("every 3 hours is not an association shape");
    for (const shape of ASSOCIATION_CRON_SHAPES) expect(refusal.error.message).toContain(shape.example);
  });
});
