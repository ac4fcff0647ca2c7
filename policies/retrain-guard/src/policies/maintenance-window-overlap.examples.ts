import { type ExampleResource, type PolicyExample, UNKNOWN } from "../examples.js";

const window = (name: string, schedule: string, extra: Record<string, unknown> = {}): ExampleResource => ({
  type: "aws:ssm/maintenanceWindow:MaintenanceWindow",
  name,
  props: { schedule, scheduleTimezone: "Europe/Berlin", duration: 3, cutoff: 1, ...extra },
});
const target = (name: string, windowName: string, pool: string): ExampleResource => ({
  type: "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
  name,
  props: {
    windowId: UNKNOWN,
    resourceType: "INSTANCE",
    targets: [{ key: "tag:retrain:pool", values: [pool] }],
  },
  propertyDependencies: { windowId: [windowName] },
});

export const maintenanceWindowOverlapExamples: PolicyExample[] = [
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
];
