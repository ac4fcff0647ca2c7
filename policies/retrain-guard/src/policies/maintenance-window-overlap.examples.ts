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
/** A window target as the scheduling program registers it: one pool of one fleet. */
const poolTarget = (name: string, windowName: string, env: string, pool: string): ExampleResource => ({
  type: "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
  name,
  props: {
    windowId: UNKNOWN,
    resourceType: "INSTANCE",
    targets: [
      { key: "tag:retrain:pool", values: [pool] },
      { key: "tag:retrain:fleet", values: [`retrain-${env}`] },
    ],
  },
  propertyDependencies: { windowId: [windowName] },
});
/** One window with its pool target (the repository's registry: prod/a10g is vision's only). */
const onPool = (schedule: string, extra: Record<string, unknown> = {}, env = "prod", pool = "a10g") => [
  window("w", schedule, extra),
  poolTarget("w-pool", "w", env, pool),
];
/** As the scheduling program builds it: a cron association waits for its first time. */
const association = (
  name: string,
  scheduleExpression: string,
  extra: Record<string, unknown> = scheduleExpression.startsWith("cron(")
    ? { applyOnlyAtCronInterval: true }
    : {},
  env = "prod",
  pool = "a10g",
): ExampleResource => ({
  type: "aws:ssm/association:Association",
  name,
  props: {
    ...extra,
    name: `retrain-${env}-vision-train`,
    scheduleExpression,
    targets: [
      { key: "tag:retrain:pool", values: [pool] },
      { key: "tag:retrain:fleet", values: [`retrain-${env}`] },
    ],
  },
});
/** Pack config marking prod/a10g shared, as if the registry granted it to a second team. */
const shared = { sharedPools: ["prod/a10g"] };

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
    // Whenever the check runs, a June-only window first runs after a 4-week horizon for most of the
    // year (or within it, in May and June): either way its overlap with the other is found.
    title: "two windows of a later season overlapping then, compared from the season's first run",
    resources: [
      window("june-early", "cron(0 4 ? JUN SUN *)"),
      window("june-late", "cron(0 5 ? JUN SUN *)"),
      target("early-t", "june-early", "a10g"),
      target("late-t", "june-late", "a10g"),
    ],
    violations: [
      /MaintenanceWindow "june-late" and "june-early" both target tag:retrain:pool=a10g and are open at the same time/,
    ],
  },
  {
    title: "a later season's window beside a weekly one at another hour",
    resources: [
      window("june", "cron(0 4 ? JUN SUN *)", hourLong),
      window("weekly", "cron(0 6 ? * SUN *)", hourLong),
      target("june-t", "june", "a10g"),
      target("weekly-t", "weekly", "a10g"),
    ],
    violations: [],
  },
  {
    title: "back to back in Berlin: the spring-forward Sunday, beyond the horizon, makes them overlap",
    resources: [
      window("first", "cron(0 1 ? * SUN *)"),
      window("second", "cron(0 4 ? * SUN *)"),
      target("f-t", "first", "a10g"),
      target("s-t", "second", "a10g"),
    ],
    violations: [
      /MaintenanceWindow "second" and "first" both target tag:retrain:pool=a10g and are open at the same time 1 time\(s\) in the next 53 weeks \(none in the next 4\), first from 2027-03-28T02:00:00.000Z/,
    ],
  },
  {
    title: "a monthly run on the 1st meets a weekly Sunday window months ahead",
    resources: [
      window("weekly", "cron(0 4 ? * SUN *)", { scheduleTimezone: "UTC" }),
      window("monthly", "cron(0 5 1 * ? *)", { scheduleTimezone: "UTC", duration: 2, cutoff: 0 }),
      target("w-t", "weekly", "a10g"),
      target("m-t", "monthly", "a10g"),
    ],
    violations: [/"monthly" and "weekly" both target .* in the next 53 weeks/],
  },
  {
    title: "a window and an association of the stack on the same pool, every night",
    resources: [
      window("nightly", "cron(0 2 ? * * *)", { scheduleTimezone: "UTC" }),
      target("n-t", "nightly", "a10g"),
      association("refresh", "cron(30 2 ? * * *)", {
        applyOnlyAtCronInterval: true,
        parameters: { executionTimeout: "3600" },
      }),
    ],
    violations: [
      /Association "refresh" and MaintenanceWindow "nightly" both target tag:retrain:pool=a10g and are open at the same time 28 time\(s\) in the next 4 weeks/,
    ],
  },
  {
    title: "an association after a window's end does not clash",
    resources: [
      window("nightly", "cron(0 2 ? * * *)", { scheduleTimezone: "UTC" }),
      target("n-t", "nightly", "a10g"),
      association("refresh", "cron(0 6 ? * * *)", {
        applyOnlyAtCronInterval: true,
        parameters: { executionTimeout: "3600" },
      }),
    ],
    violations: [],
  },
  {
    title: "two windows on different pools of one fleet share the fleet tag, not the instances",
    resources: [
      window("a", "cron(0 4 ? * SUN *)"),
      window("b", "cron(0 4 ? * SUN *)"),
      poolTarget("a-t", "a", "prod", "a10g"),
      poolTarget("b-t", "b", "prod", "l4"),
    ],
    violations: [],
  },
  {
    // The cron one runs only in 2099, so no sweep pairs them whenever the example runs: the finding
    // is the rate beside it, which the deploy time would place.
    title: "a rate() window beside a cron window on a pool only its own team holds",
    resources: [
      window("weekly", "cron(0 4 ? * SUN 2099)"),
      window("eval", "rate(7 days)", { duration: 1, cutoff: 0 }),
      target("w-t", "weekly", "a10g"),
      target("e-t", "eval", "a10g"),
    ],
    violations: [
      /MaintenanceWindow "eval": schedule "rate\(7 days\)" is a rate beside MaintenanceWindow "weekly"/,
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
    // In UTC: in Berlin the spring-forward Sunday makes 01:00 + 3 h end at 05:00 CEST, past 04:00.
    title: "back to back windows touch but do not overlap",
    resources: [
      window("first", "cron(0 1 ? * SUN *)", { scheduleTimezone: "UTC" }),
      window("second", "cron(0 4 ? * SUN *)", { scheduleTimezone: "UTC" }),
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
      /MaintenanceWindow "a": schedule "rate\(7 days\)" is a rate beside MaintenanceWindow "b" on tag:retrain:pool=a10g: AWS anchors a rate schedule/,
      /MaintenanceWindow "b": schedule "rate\(7 days\)" is a rate beside MaintenanceWindow "a"/,
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
    violations: [
      /open at the same time 28 time\(s\) in the next 4 weeks/,
      /MaintenanceWindow "a": schedule "rate\(1 day\)" is a rate beside MaintenanceWindow "b"/,
      /MaintenanceWindow "b": schedule "rate\(1 day\)" is a rate beside MaintenanceWindow "a"/,
    ],
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
  {
    title: "a rate() window on a pool only its own team holds",
    resources: onPool("rate(7 days)", { scheduleTimezone: undefined }),
    violations: [],
  },
  {
    title: "a rate() window on a shared pool: its runs depend on the deploy time",
    resources: onPool("rate(7 days)", { scheduleTimezone: undefined }),
    config: shared,
    violations: [
      /MaintenanceWindow "w": schedule "rate\(7 days\)" is a rate on pool a10g of prod, which the pack config \(maintenance-window-overlap.sharedPools\) lists as shared: AWS anchors a rate schedule at the time it is created or updated.*Fix: use a cron so the clash check can see when it runs/,
    ],
  },
  {
    title: "a rate() window with a past startDate on a shared pool (AWS replaces it with the deploy time)",
    resources: onPool("rate(1 day)", { scheduleTimezone: undefined, startDate: "2020-01-01T00:00:00Z" }),
    config: shared,
    violations: [/MaintenanceWindow "w": schedule "rate\(1 day\)" is a rate on pool a10g of prod/],
  },
  {
    title: "a disabled rate() window on a shared pool does not run",
    resources: onPool("rate(7 days)", { scheduleTimezone: undefined, enabled: false }),
    config: shared,
    violations: [],
  },
  {
    title: "a cron window on a shared pool",
    resources: onPool("cron(0 4 ? * SUN *)"),
    config: shared,
    violations: [],
  },
  {
    title:
      "a rate() window on the same pool name of another environment (another fleet) is not on the shared pool",
    resources: onPool("rate(7 days)", { scheduleTimezone: undefined }, "dev"),
    config: shared,
    violations: [],
  },
  {
    title: "a rate() association on a shared pool",
    resources: [association("daily", "rate(1 day)")],
    config: shared,
    violations: [
      /Association "daily": scheduleExpression "rate\(1 day\)" is a rate on pool a10g of prod.*Fix: use a cron/,
    ],
  },
  {
    title: "a cron association on a shared pool",
    resources: [association("weekly", "cron(0 4 ? * SUN *)")],
    config: shared,
    violations: [],
  },
  {
    title: "a window on a shared pool first running in a later year: the clash check cannot see it yet",
    resources: onPool("cron(0 4 ? * SUN 2099)"),
    config: shared,
    violations: [
      /MaintenanceWindow "w" on pool a10g of prod, which the pack config .* lists as shared, first runs at 2099-01-0\dT03:00:00.000Z \(schedule "cron\(0 4 \? \* SUN 2099\)"\), after the clash check's lookahead of 53 weeks \(until \S+\), so the cross-team clash check cannot see it yet\. Fix: add it to the stack only within 53 weeks of its first run/,
    ],
  },
  {
    title: "a window on a shared pool with a future startDate",
    resources: onPool("cron(0 4 ? * SUN *)", { startDate: "2099-01-01T00:00:00Z" }),
    config: shared,
    violations: [
      /first runs at 2099-01-04T03:00:00.000Z .*startDate 2099-01-01T00:00:00Z.*cannot see it yet/,
    ],
  },
  {
    title: "a one-off at() on a shared pool far ahead",
    resources: onPool("at(2099-06-01T04:00:00)"),
    config: shared,
    violations: [/MaintenanceWindow "w" on pool a10g of prod.*first runs at 2099-06-01T02:00:00.000Z/],
  },
  {
    title: "a later year is fine on a pool only its own team holds",
    resources: onPool("cron(0 4 ? * SUN 2099)"),
    violations: [],
  },
  {
    title: "a first run beyond the 4-week horizon but within the clash check's 53-week lookahead",
    resources: onPool("cron(0 4 ? * SUN *)", {
      startDate: new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    }),
    config: shared,
    violations: [],
  },
  {
    title: "a seasonal window first running months ahead (June only, whenever the check runs)",
    resources: onPool("cron(0 4 ? JUN SUN *)"),
    config: shared,
    violations: [],
  },
  {
    title: "a startDate 400 days ahead is beyond the lookahead",
    resources: onPool("cron(0 4 ? * SUN *)", {
      startDate: new Date(Date.now() + 400 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    }),
    config: shared,
    violations: [/after the clash check's lookahead of 53 weeks/],
  },
  {
    title: "a one-time association in a later year on a shared pool",
    resources: [association("later", "at(2099-01-04T04:00:00)")],
    config: shared,
    violations: [
      /Association "later": scheduleExpression "at\(2099-01-04T04:00:00\)" on pool a10g of prod, .*right after each create or update/,
    ],
  },
  {
    title: "a target unknown during preview is judged at up, when it is known",
    resources: [
      window("w", "rate(7 days)", { scheduleTimezone: undefined }),
      { ...poolTarget("w-pool", "w", "prod", "a10g"), props: { windowId: UNKNOWN, targets: UNKNOWN } },
    ],
    config: shared,
    violations: [],
  },
  {
    title: "a cron association without applyOnlyAtCronInterval on a shared pool also runs at deploy time",
    resources: [association("weekly", "cron(0 4 ? * SUN *)", {})],
    config: shared,
    violations: [
      /Association "weekly": scheduleExpression "cron\(0 4 \? \* SUN \*\)" on pool a10g of prod, .* without applyOnlyAtCronInterval: .*Fix: set applyOnlyAtCronInterval to true/,
    ],
  },
  {
    title: "a cron association with applyOnlyAtCronInterval false on a shared pool",
    resources: [association("weekly", "cron(0 4 ? * SUN *)", { applyOnlyAtCronInterval: false })],
    config: shared,
    violations: [/Association "weekly": .*without applyOnlyAtCronInterval/],
  },
  {
    title: "a cron association without applyOnlyAtCronInterval on a pool only its own team holds",
    resources: [association("weekly", "cron(0 4 ? * SUN *)", {})],
    violations: [],
  },
  {
    title: "an at() association on a shared pool also runs at deploy time, flag or not",
    resources: [association("once", "at(2027-03-01T04:00:00)", { applyOnlyAtCronInterval: true })],
    config: shared,
    violations: [
      /Association "once": scheduleExpression "at\(2027-03-01T04:00:00\)" on pool a10g of prod, .*right after each create or update .*Fix: use a maintenance window for a one-time run/,
    ],
  },
  {
    title: "an at() association on a pool only its own team holds",
    resources: [association("once", "at(2027-03-01T04:00:00)", {})],
    violations: [],
  },
  {
    title: "applyOnlyAtCronInterval unknown during preview is judged at up",
    resources: [association("weekly", "cron(0 4 ? * SUN *)", { applyOnlyAtCronInterval: UNKNOWN })],
    config: shared,
    violations: [],
  },
];
