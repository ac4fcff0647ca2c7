import { UNKNOWN } from "@retrain/config/unknown";
import type { ExampleResource, PolicyExample } from "../examples.js";

const window = (name: string, schedule: string, extra: Record<string, unknown> = {}): ExampleResource => ({
  type: "aws:ssm/maintenanceWindow:MaintenanceWindow",
  name,
  props: { schedule, scheduleTimezone: "Europe/Berlin", duration: 3, cutoff: 1, ...extra },
});
const target = (name: string, windowName: string, pool: string | string[]): ExampleResource => ({
  type: "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
  name,
  props: {
    windowId: UNKNOWN,
    resourceType: "INSTANCE",
    targets: [{ key: "tag:retrain:pool", values: Array.isArray(pool) ? pool : [pool] }],
  },
  propertyDependencies: { windowId: [windowName] },
});
/** A Run Command task that names its instances itself (no registered window target). */
const task = (
  name: string,
  windowName: string,
  targets: { key: string; values: string[] }[],
): ExampleResource => ({
  type: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
  name,
  props: { windowId: UNKNOWN, taskType: "RUN_COMMAND", taskArn: "retrain-run", targets },
  propertyDependencies: { windowId: [windowName] },
});
/** A window open 1 h with no cutoff, for edges that a 3 h window would blur. */
const hourLong = { duration: 1, cutoff: 0 };

export const examples: PolicyExample[] = [
  {
    title: "two windows on the same pool, 1 h apart, 3 h long",
    resources: [
      window("early", "cron(0 4 ? * SUN *)"),
      window("late", "cron(0 5 ? * SUN *)"),
      target("early-t", "early", "a10g"),
      target("late-t", "late", "a10g"),
    ],
    violations: [
      /MaintenanceWindow "late" and "early" both target tag:retrain:pool=a10g and are open at the same time \d+ time\(s\) in the next 4 weeks, first from \S+ to \S+\. Fix:/,
    ],
  },
  {
    title: "same times on different pools",
    resources: [
      window("a", "cron(0 4 ? * SUN *)"),
      window("b", "cron(0 4 ? * SUN *)"),
      target("a-t", "a", "a10g"),
      target("b-t", "b", "l4"),
    ],
    violations: [],
  },
  {
    title: "same pool on different days",
    resources: [
      window("sun", "cron(0 4 ? * SUN *)"),
      window("wed", "cron(0 4 ? * WED *)"),
      target("sun-t", "sun", "a10g"),
      target("wed-t", "wed", "a10g"),
    ],
    violations: [],
  },
  {
    title: "back to back windows touch but do not overlap",
    resources: [
      window("first", "cron(0 1 ? * SUN *)"),
      window("second", "cron(0 4 ? * SUN *)"),
      target("f-t", "first", "a10g"),
      target("s-t", "second", "a10g"),
    ],
    violations: [],
  },
  {
    title: "a disabled window does not clash",
    resources: [
      window("on", "cron(0 4 ? * SUN *)"),
      window("off", "cron(0 4 ? * SUN *)", { enabled: false }),
      target("on-t", "on", "a10g"),
      target("off-t", "off", "a10g"),
    ],
    violations: [],
  },
  {
    title: "a monthly window is compared over a longer horizon",
    resources: [
      window("monthly", "cron(0 4 ? * SUN#1 *)"),
      window("weekly", "cron(0 5 ? * SUN *)"),
      target("m-t", "monthly", "l4"),
      target("w-t", "weekly", "l4"),
    ],
    config: { horizonWeeks: 8 },
    violations: [/"weekly" and "monthly" both target tag:retrain:pool=l4/],
  },
  {
    title: "windows in different time zones clash at the same instant (13:00 Tokyo is 04:00 UTC)",
    resources: [
      window("tokyo", "cron(0 13 ? * SUN *)", { scheduleTimezone: "Asia/Tokyo" }),
      window("utc", "cron(0 4 ? * SUN *)", { scheduleTimezone: "UTC" }),
      target("tokyo-t", "tokyo", "a10g"),
      target("utc-t", "utc", "a10g"),
    ],
    violations: [/"utc" and "tokyo" both target tag:retrain:pool=a10g/],
  },
  {
    title: "the same wall-clock time in different time zones does not clash",
    resources: [
      window("tokyo", "cron(0 4 ? * SUN *)", { scheduleTimezone: "Asia/Tokyo" }),
      window("utc", "cron(0 4 ? * SUN *)", { scheduleTimezone: "UTC" }),
      target("tokyo-t", "tokyo", "a10g"),
      target("utc-t", "utc", "a10g"),
    ],
    violations: [],
  },
  {
    // 04:00 Berlin is 02:00 UTC in summer time (CEST) and 03:00 UTC in winter (CET): the two windows
    // meet only in summer, which a year's horizon always includes, whenever the check runs.
    title: "a clash only in summer time is found across DST, at the summer-time instant",
    resources: [
      window("berlin", "cron(0 4 ? * SUN *)", hourLong),
      window("utc", "cron(0 2 ? * SUN *)", { ...hourLong, scheduleTimezone: "UTC" }),
      target("berlin-t", "berlin", "a10g"),
      target("utc-t", "utc", "a10g"),
    ],
    config: { horizonWeeks: 52 },
    violations: [
      /"utc" and "berlin" both target tag:retrain:pool=a10g .* in the next 52 weeks, first from \d{4}-\d\d-\d\dT02:00:00\.000Z to \d{4}-\d\d-\d\dT03:00:00\.000Z\./,
    ],
  },
  {
    // rate windows without StartDate start when deployed: both at the start of the horizon.
    title: "two rate(7 days) windows deployed together clash once in a 1-week horizon",
    resources: [
      window("a", "rate(7 days)"),
      window("b", "rate(7 days)"),
      target("a-t", "a", "a10g"),
      target("b-t", "b", "a10g"),
    ],
    config: { horizonWeeks: 1 },
    violations: [
      /"b" and "a" both target tag:retrain:pool=a10g and are open at the same time 1 time\(s\) in the next 1 weeks/,
    ],
  },
  {
    title: "two rate(1 day) windows clash 28 times in the default 4-week horizon",
    resources: [
      window("a", "rate(1 day)"),
      window("b", "rate(1 day)"),
      target("a-t", "a", "a10g"),
      target("b-t", "b", "a10g"),
    ],
    violations: [/open at the same time 28 time\(s\) in the next 4 weeks/],
  },
  {
    // Patch-Tuesday style: 04:00 on the Wednesday after the second Tuesday, when the weekly one runs.
    title: "scheduleOffset moves a monthly window onto a weekly one",
    resources: [
      window("monthly", "cron(0 4 ? * TUE#2 *)", { scheduleOffset: 1 }),
      window("weekly", "cron(0 4 ? * WED *)"),
      target("m-t", "monthly", "a10g"),
      target("w-t", "weekly", "a10g"),
    ],
    config: { horizonWeeks: 6 },
    violations: [/"weekly" and "monthly" both target tag:retrain:pool=a10g and are open at the same time/],
  },
  {
    title: "windows sharing one of several pools clash on that pool",
    resources: [
      window("a", "cron(0 4 ? * SUN *)"),
      window("b", "cron(0 4 ? * SUN *)"),
      target("a-t", "a", ["a10g", "l4"]),
      target("b-t", "b", ["h100", "l4"]),
    ],
    violations: [/"b" and "a" both target tag:retrain:pool=l4 and/],
  },
  {
    title: "targets a task names itself count; WindowTargetIds do not",
    resources: [
      window("a", "cron(0 4 ? * SUN *)"),
      window("b", "cron(0 4 ? * SUN *)"),
      task("a-task", "a", [{ key: "tag:retrain:pool", values: ["a10g"] }]),
      task("b-task", "b", [
        { key: "WindowTargetIds", values: ["target-of-b"] },
        { key: "tag:retrain:pool", values: ["a10g"] },
      ]),
    ],
    violations: [/"b" and "a" both target tag:retrain:pool=a10g and/],
  },
  {
    title: "target values unknown during preview are not compared",
    resources: [
      window("a", "cron(0 4 ? * SUN *)"),
      window("b", "cron(0 4 ? * SUN *)"),
      target("a-t", "a", UNKNOWN),
      target("b-t", "b", UNKNOWN),
    ],
    violations: [],
  },
  {
    title: "a window with an invalid schedule is left to maintenance-window-limits",
    resources: [
      window("bad", "cron(0 4 * * SUN *)"),
      window("good", "cron(0 4 ? * SUN *)"),
      target("bad-t", "bad", "a10g"),
      target("good-t", "good", "a10g"),
    ],
    violations: [],
  },
];
