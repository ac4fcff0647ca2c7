import { describe, nextRuns, overlaps, parseSchedule, windowOccurrences } from "@retrain/schedule";

const t = (e, o = {}) => {
  try {
    const s = parseSchedule(e, o);
    return "OK " + s.type;
  } catch (x) {
    return `ERR@${x.position}: ${x.message}`;
  }
};
for (const [e, o] of [
  ["cron(*/3 * ? * * *)"],
  ["cron(0/5 * ? * * *)"],
  ["cron(0 4 ? * 2L *)"],
  ["cron(0 4 ? * L *)"],
  ["cron(0 4 LW * ? *)"],
  ["cron(0 4 L-2 * ? *)"],
  ["cron(0 4 ? * 2#5 *)"],
  ["cron(0 4 ? * 2#6 *)"],
  ["cron(0 4 ? * SUN 1969)"],
  ["cron(0 4 ? * SUN 2200)"],
  ["cron(0 4 ? * SUN 2199)"],
  ["cron(0 4 ? ? SUN *)"],
  ["cron(? 4 ? * SUN *)"],
  ["cron(0 4 ? * sun *)"],
  ["cron(0 4 ? * 8 *)"],
  ["cron(0 24 ? * * *)"],
  ["cron(60 4 ? * * *)"],
  ["cron(0 4 31 2 ? *)"],
  ["cron(0 4 5W * ? *)"],
  ["cron(0 4 1,15 * ? *)"],
  ["rate(0 hours)"],
  ["rate(1 minute)"],
  ["rate(1 day)"],
  ["rate(30 minutes)", { kind: "association" }],
  ["rate(29 minutes)", { kind: "association" }],
  ["rate(31 days)", { kind: "association" }],
  ["rate(30 days)", { kind: "association" }],
  ["at(2025-13-01T00:00:00)"],
  ["at(2025-02-29T00:00:00)"],
  ["at(2025-06-01T00:00:00)", { kind: "association" }],
  ["cron(0 4 ? * SUN *)", { kind: "association" }],
  ["RATE(1 hour)"],
  ["cron(0 4 ? * SUN * )"],
  ["rate(1 week)"],
  ["cron(0 4 ? JAN-MAR SUN *)"],
  ["cron(0 4 ? * MON-FRI *)"],
  ["cron(0 4 ? * FRI-MON *)"],
])
  console.log(e.padEnd(30), JSON.stringify(o || {}), t(e, o));
const f = (e, from, tz, n = 3) =>
  console.log(
    e,
    tz,
    from,
    nextRuns(e, { from: new Date(from), count: n, timezone: tz }).map((d) => d.toISOString()),
  );
f("cron(30 2 ? * * *)", "2025-03-08T00:00:00Z", "America/New_York");
f("cron(30 1 ? * * *)", "2025-11-01T00:00:00Z", "America/New_York");
f("cron(30 2 ? * * *)", "2025-03-29T00:00:00Z", "Europe/Berlin");
f("cron(30 2 ? * * *)", "2025-10-25T00:00:00Z", "Europe/Berlin");
f("cron(30 2 ? * * *)", "2025-10-04T00:00:00Z", "Australia/Sydney");
f("cron(30 2 ? * * *)", "2025-04-05T00:00:00Z", "Australia/Sydney");
f("rate(1 day)", "2025-01-01T00:00:00Z", "UTC");
f("cron(0 4 ? * SUN *)", "2025-01-01T00:00:00Z", undefined);
console.log(
  describe("cron(0 4 ? * SUN *)"),
  "|",
  describe("rate(6 hours)"),
  "|",
  describe("at(2025-07-07T15:55:00)"),
  "|",
  describe("cron(0/15 9-17 ? * MON-FRI *)"),
);
const r = { from: new Date("2025-01-01T00:00:00Z"), to: new Date("2025-01-15T00:00:00Z") };
console.log(
  windowOccurrences(
    { schedule: "cron(0 4 ? * SUN *)", timezone: "Europe/Berlin", durationHours: 3, cutoffHours: 1 },
    r,
  ),
);
console.log(
  overlaps(
    { schedule: "cron(0 4 ? * SUN *)", timezone: "Europe/Berlin", durationHours: 3 },
    { schedule: "cron(0 5 ? * SUN *)", timezone: "Europe/Berlin", durationHours: 2 },
    r,
  ),
);
try {
  console.log(
    windowOccurrences({ schedule: "cron(0 4 ? * SUN *)", durationHours: 3 }, { start: r.from, end: r.to }),
  );
} catch (e) {
  console.log("start/end range:", e.message);
}
