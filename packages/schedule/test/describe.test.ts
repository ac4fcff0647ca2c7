import { expect, describe as group, it } from "vitest";
import { describe } from "../src/index.js";

group("describe", () => {
  it.each([
    ["cron(0 4 ? * SUN *)", "At 04:00 every Sunday (UTC)"],
    ["cron(30 23 ? * TUE#3 *)", "At 23:30 on the third Tuesday of the month (UTC)"],
    ["cron(15 10 ? * 6L *)", "At 10:15 on the last Friday of the month (UTC)"],
    ["cron(0 2 L * ? *)", "At 02:00 on the last day of the month (UTC)"],
    ["cron(0 9 15W * ? *)", "At 09:00 on the weekday nearest day 15 of the month (UTC)"],
    ["cron(0 18 ? * MON-FRI *)", "At 18:00 every Monday through Friday (UTC)"],
    ["cron(0 10 * * ? *)", "At 10:00 every day (UTC)"],
    ["cron(0,30 8 1,15 * ? *)", "At 08:00 and 08:30 on days 1 and 15 of the month (UTC)"],
    ["cron(0/15 * * * ? *)", "Every 15 minutes every day (UTC)"],
    [
      "cron(5/10 9-17 ? * MON *)",
      "Every 10 minutes starting at minute 5 during hours 09 through 17 every Monday (UTC)",
    ],
    ["cron(0 9-17 ? * MON-FRI *)", "At minute 0 past hours 09 through 17 every Monday through Friday (UTC)"],
    [
      "cron(0 0 ? 1/3 THU#3 *)",
      "At 00:00 on the third Thursday of the month, in January, April, July and October (UTC)",
    ],
    ["cron(0 4 1 1 ? 2027-2029)", "At 04:00 on day 1 of the month, in January, in 2027 through 2029 (UTC)"],
    ["rate(1 hour)", "Every hour"],
    ["rate(30 minutes)", "Every 30 minutes"],
    ["rate(7 days)", "Every 7 days"],
    ["at(2025-07-07T15:55:00)", "Once at 2025-07-07 15:55:00 (UTC)"],
  ])("%s", (expr, sentence) => {
    expect(describe(expr)).toBe(sentence);
  });

  it("names the zone the wall-clock times are in", () => {
    expect(describe("cron(0 4 ? * SUN *)", { timezone: "Europe/Berlin" })).toBe(
      "At 04:00 every Sunday (Europe/Berlin time)",
    );
  });

  it("throws on an invalid expression", () => {
    expect(() => describe("cron(0 4 ? * 0 *)")).toThrow(/day-of-week must be 1-7/);
  });
});
