import { UNKNOWN } from "@retrain/config/unknown";
import type { PolicyExample } from "../examples.js";

const WINDOW = "aws:ssm/maintenanceWindow:MaintenanceWindow";
const window = (name: string, props: Record<string, unknown>) => ({
  type: WINDOW,
  name,
  props: {
    schedule: "cron(0 4 ? * SUN *)",
    scheduleTimezone: "Europe/Berlin",
    duration: 3,
    cutoff: 1,
    ...props,
  },
});
/** As the scheduling program builds it: the task's timeoutSeconds in parameters.executionTimeout. */
const association = (
  name: string,
  scheduleExpression: string,
  parameters: unknown = { commandBase64: "cHl0aG9uIHRyYWluLnB5", executionTimeout: "6000" },
) => ({
  type: "aws:ssm/association:Association",
  name,
  // null: no parameters at all.
  props: { name: "retrain-run", scheduleExpression, ...(parameters === null ? {} : { parameters }) },
});

export const examples: PolicyExample[] = [
  { title: "weekly 3 h window with a 1 h cutoff", resources: [window("weekly", {})], violations: [] },
  {
    title: "rate(7 days) window",
    resources: [window("rate", { schedule: "rate(7 days)", scheduleTimezone: undefined })],
    violations: [],
  },
  {
    title: "duration above the default maximum of 4 h",
    resources: [window("long", { duration: 5 })],
    violations: [/MaintenanceWindow "long": duration is 5 h, above the maximum of 4 h/],
  },
  {
    title: "5 h is fine when maxDurationHours is 6",
    resources: [window("long", { duration: 5 })],
    config: { maxDurationHours: 6 },
    violations: [],
  },
  {
    title: "cutoff equal to duration",
    resources: [window("cut", { duration: 3, cutoff: 3 })],
    violations: [/cutoff is 3 h, not below the duration of 3 h/],
  },
  {
    title: "cron with both day fields set is invalid under AWS rules",
    resources: [window("both-days", { schedule: "cron(0 4 * * SUN *)" })],
    violations: [
      /schedule "cron\(0 4 \* \* SUN \*\)" is not valid for a maintenance window: .*\(at character \d+\)/,
    ],
  },
  {
    title: "every 10 minutes is more often than the 60-minute minimum",
    resources: [window("busy", { schedule: "cron(0/10 * * * ? *)", duration: 1, cutoff: 0 })],
    violations: [
      /fires as often as every 10 minutes, more often than the allowed minimum interval of 60 minutes/,
    ],
  },
  {
    title: "a lower minimum interval allows an association every 30 minutes (20-minute runs)",
    resources: [association("busy", "cron(0/30 * * * ? *)", { executionTimeout: "1200" })],
    config: { minIntervalMinutes: 30 },
    violations: [],
  },
  {
    title: "the same association under the default 60-minute minimum",
    resources: [association("busy", "cron(0/30 * * * ? *)", { executionTimeout: "1200" })],
    violations: [
      /Association "busy": scheduleExpression "cron\(0\/30 .* more often than the allowed minimum interval of 60 minutes/,
    ],
  },
  {
    title: "offset without cron",
    resources: [window("offset", { schedule: "rate(7 days)", scheduleOffset: 2 })],
    violations: [/scheduleOffset is 2 days but schedule "rate\(7 days\)" is not a cron expression/],
  },
  {
    title: "offset with cron",
    resources: [window("offset-cron", { schedule: "cron(0 4 ? * TUE#2 *)", scheduleOffset: 2 })],
    violations: [],
  },
  {
    title: "an unknown time zone",
    resources: [window("tz", { scheduleTimezone: "Mars/Olympus_Mons" })],
    violations: [/cannot be evaluated in time zone "Mars\/Olympus_Mons"/],
  },
  {
    title: "a time zone in the wrong case (the runtime resolves it, SSM takes the raw text)",
    resources: [window("tz-case", { scheduleTimezone: "europe/berlin" })],
    violations: [/scheduleTimezone: time zone "europe\/berlin" must be spelled exactly .*"Europe\/Berlin"/],
  },
  {
    title: "a zone abbreviation instead of an IANA name",
    resources: [window("tz-abbrev", { scheduleTimezone: "CET" })],
    violations: [/scheduleTimezone: "CET" is not an IANA time zone such as Europe\/Berlin or UTC/],
  },
  {
    title: "a current IANA name and a backward link",
    resources: [
      window("tz-kolkata", { scheduleTimezone: "Asia/Kolkata" }),
      window("tz-link", { scheduleTimezone: "US/Pacific", schedule: "cron(0 6 ? * MON *)" }),
    ],
    violations: [],
  },
  {
    title: "values unknown during preview are not judged",
    resources: [window("later", { schedule: UNKNOWN, duration: UNKNOWN, cutoff: UNKNOWN })],
    violations: [],
  },
  { title: "daily association", resources: [association("daily", "rate(1 day)")], violations: [] },
  {
    title: "association rate below AWS's 30-minute minimum",
    resources: [association("fast", "rate(15 minutes)")],
    violations: [
      /Association "fast": scheduleExpression "rate\(15 minutes\)" is not valid for an association/,
    ],
  },
  {
    title: "association cron with a year or a month (forms State Manager does not document)",
    resources: [
      association("yearly", "cron(0 4 ? * SUN 2099)"),
      association("june", "cron(0 4 ? JUN SUN *)"),
    ],
    violations: [
      /Association "yearly": scheduleExpression "cron\(0 4 \? \* SUN 2099\)" is not valid for an association.*use \* in the year field/,
      /Association "june": scheduleExpression .* is not valid for an association.*months/,
    ],
  },
  {
    title: "association cron outside State Manager's list of shapes (a window may take it)",
    resources: [
      association("weekdays", "cron(0 2 ? * MON-FRI *)"),
      association("every-3h", "cron(0 0/3 * * ? *)"),
      association("patch-tuesday", "cron(30 23 ? * TUE#2 *)"),
      window("weekdays-window", { schedule: "cron(0 2 ? * MON-FRI *)" }),
    ],
    violations: [
      /Association "weekdays": scheduleExpression "cron\(0 2 \? \* MON-FRI \*\)" is not valid for an association: .*day-of-week "MON-FRI" is none of these/,
      /Association "every-3h": scheduleExpression .* is not valid for an association: .*every 30 minutes, every 1, 2, 4, 8, 12 hours/,
    ],
  },
  {
    title: "4 h is exactly the default maximum duration",
    resources: [window("four", { duration: 4 })],
    violations: [],
  },
  {
    title: "cutoff one hour below the duration",
    resources: [window("cut", { duration: 3, cutoff: 2 })],
    violations: [],
  },
  {
    title: "an invalid schedule names the character at fault (1-based: the day-of-month *)",
    resources: [window("both-days", { schedule: "cron(0 4 * * SUN *)" })],
    violations: [/exactly one of day-of-month and day-of-week must be \?.*\(at character 10\)\. Fix:/],
  },
  {
    title: "hourly is exactly the 60-minute minimum interval",
    resources: [window("hourly", { schedule: "cron(0 * ? * * *)", duration: 1, cutoff: 0 })],
    violations: [],
  },
  {
    title: "the reported interval is the schedule's own (30 days under a 35-day minimum)",
    resources: [window("monthly", { schedule: "rate(30 days)", scheduleTimezone: undefined })],
    config: { minIntervalMinutes: 50_400 },
    violations: [
      /fires as often as every 43200 minutes, more often than the allowed minimum interval of 50400 minutes/,
    ],
  },
  {
    title: "a 1-day offset without cron",
    resources: [window("offset", { schedule: "rate(7 days)", scheduleOffset: 1 })],
    violations: [/scheduleOffset is 1 days but schedule "rate\(7 days\)" is not a cron expression/],
  },
  {
    title: "an endDate already past: the window never runs again",
    resources: [window("ended", { endDate: "2020-01-01T00:00:00Z" })],
    violations: [
      /MaintenanceWindow "ended": schedule "cron\(0 4 \? \* SUN \*\)" never runs again: its endDate 2020-01-01T00:00:00Z has passed\. Fix: move endDate/,
    ],
  },
  {
    title: "a disabled window may have ended",
    resources: [window("ended", { endDate: "2020-01-01T00:00:00Z", enabled: false })],
    violations: [],
  },
  {
    title: "a far endDate leaves runs ahead",
    resources: [window("bounded", { startDate: "2020-01-01T00:00:00Z", endDate: "2099-01-01T00:00:00Z" })],
    violations: [],
  },
  {
    title: "a Sunday window active only from a Monday to the Tuesday",
    resources: [
      window("span", {
        scheduleTimezone: "UTC",
        startDate: "2099-01-12T00:00:00Z",
        endDate: "2099-01-13T00:00:00Z",
      }),
    ],
    violations: [
      /never runs again: no run falls between startDate 2099-01-12T00:00:00Z and endDate 2099-01-13/,
    ],
  },
  {
    title: "an endDate before the startDate",
    resources: [window("reversed", { startDate: "2099-02-01T00:00:00Z", endDate: "2099-01-01T00:00:00Z" })],
    violations: [/endDate 2099-01-01T00:00:00Z is not after its startDate 2099-02-01T00:00:00Z/],
  },
  {
    title: "a one-off at() in the past",
    resources: [window("once", { schedule: "at(2020-01-01T04:00:00)" })],
    violations: [
      /schedule "at\(2020-01-01T04:00:00\)" never runs again: it runs once, and that time is past/,
    ],
  },
  {
    title: "a one-off at() ahead",
    resources: [window("once", { schedule: "at(2099-01-01T04:00:00)" })],
    violations: [],
  },
  {
    title: "a cron naming a date that does not exist (February 30)",
    resources: [window("feb30", { schedule: "cron(0 4 30 2 ? *)" })],
    violations: [/never runs again: the expression has no run after now/],
  },
  {
    title: "a cron in a past year",
    resources: [window("old", { schedule: "cron(0 4 ? * SUN 2020)" })],
    violations: [/never runs again/],
  },
  {
    title: "dates with a zone offset",
    resources: [
      window("offset-zone", { startDate: "2020-01-01T00:00:00+01:00", endDate: "2099-01-01T00:00:00-05:00" }),
    ],
    violations: [],
  },
  {
    title: "scheduleOffset 1 moves the Sunday run into a Monday-only span",
    resources: [
      window("offset-one", {
        scheduleTimezone: "UTC",
        scheduleOffset: 1,
        startDate: "2099-01-12T00:00:00Z",
        endDate: "2099-01-13T00:00:00Z",
      }),
    ],
    violations: [],
  },
  {
    title: "scheduleOffset 6 moves the Sunday run into a Saturday-only span",
    resources: [
      window("offset-six", {
        scheduleTimezone: "UTC",
        scheduleOffset: 6,
        startDate: "2099-01-17T00:00:00Z",
        endDate: "2099-01-18T00:00:00Z",
      }),
    ],
    violations: [],
  },
  {
    title: "scheduleOffset 7 is the provider's to refuse (provider constraints), not judged here",
    resources: [window("offset-seven", { scheduleOffset: 7 })],
    violations: [],
  },
  {
    title: "an association whose one-off at() is past",
    resources: [association("once", "at(2020-01-01T00:00:00)")],
    violations: [/Association "once": scheduleExpression "at\(2020-01-01T00:00:00\)" never runs again/],
  },
  {
    title: "an endDate past, and a startDate that is not ISO 8601: both said",
    resources: [window("both", { startDate: "soon", endDate: "2020-01-01T00:00:00Z" })],
    violations: [
      /startDate "soon" is not an ISO 8601 date-time/,
      /never runs again: its endDate 2020-01-01T00:00:00Z has passed/,
    ],
  },
  {
    title: "a startDate that is not ISO 8601 fails closed",
    resources: [window("odd", { startDate: "next monday" })],
    violations: [/startDate "next monday" is not an ISO 8601 date-time with a zone/],
  },
  {
    title: "an endDate without a zone fails closed",
    resources: [window("odd", { endDate: "2099-01-01T00:00:00" })],
    violations: [/endDate "2099-01-01T00:00:00" is not an ISO 8601 date-time with a zone/],
  },
  {
    title: "scheduleOffset 0 is no offset, also with rate",
    resources: [window("no-offset", { schedule: "rate(7 days)", scheduleOffset: 0 })],
    violations: [],
  },
  {
    title: "association whose run may take 48 h every day holds a shared pool for good",
    resources: [association("hog", "rate(1 day)", { commandBase64: "eA==", executionTimeout: "172800" })],
    violations: [
      /Association "hog": scheduleExpression "rate\(1 day\)" starts again 24 h after a run at times, but its run may last parameters.executionTimeout = 172800 s/,
      /Association "hog": parameters.executionTimeout is 172800 s \(48 h\), above the maximum of 4 h \(14400 s\)/,
    ],
  },
  {
    title: "window open 4 h, started every 2 h: the next run starts while the last is open",
    resources: [
      window("overlaps", { schedule: "cron(0 0/2 ? * * *)", duration: 4, scheduleTimezone: "UTC" }),
    ],
    violations: [
      /MaintenanceWindow "overlaps": schedule "cron\(0 0\/2 \? \* \* \*\)" starts again 2 h after a run at times, but the window is open 4 h/,
    ],
  },
  {
    title: "window open exactly as long as its interval (rate(4 hours), 4 h)",
    resources: [
      window("back-to-back", { schedule: "rate(4 hours)", duration: 4, scheduleTimezone: undefined }),
    ],
    violations: [],
  },
  {
    title: "every 4 h on Berlin's wall clock is 3 h across the spring-forward night: a 4 h window overlaps",
    resources: [window("dst", { schedule: "cron(0 0/4 ? * * *)", duration: 4 })],
    violations: [/MaintenanceWindow "dst": schedule "cron\(0 0\/4 .* starts again 3 h after a run/],
  },
  {
    title: "a disabled window is still judged for overlapping its own runs (enabling it must not break)",
    resources: [
      window("off", { schedule: "rate(1 hour)", duration: 2, enabled: false, scheduleTimezone: undefined }),
    ],
    violations: [/MaintenanceWindow "off": schedule "rate\(1 hour\)" starts again 1 h after a run/],
  },
  {
    title: "association run of 4 h every hour: three runs in four fail on the host lock",
    resources: [association("hourly", "rate(1 hour)", { executionTimeout: "14400" })],
    violations: [
      /Association "hourly": scheduleExpression "rate\(1 hour\)" starts again 1 h after a run at times, but its run may last parameters.executionTimeout = 14400 s/,
    ],
  },
  {
    title: "association run of 1 h every hour",
    resources: [association("hourly", "rate(1 hour)", { executionTimeout: 3600 })],
    violations: [],
  },
  {
    title: "association run of exactly the maximum (4 h = 14400 s)",
    resources: [association("four", "cron(0 4 ? * SUN *)", { executionTimeout: "14400" })],
    violations: [],
  },
  {
    title: "association run of 14401 s, one second above the maximum",
    resources: [association("over", "cron(0 4 ? * SUN *)", { executionTimeout: "14401" })],
    violations: [/Association "over": parameters.executionTimeout is 14401 s/],
  },
  {
    title: "association run of 6 h is fine when maxDurationHours is 6",
    resources: [association("six", "rate(1 day)", { executionTimeout: 21600 })],
    config: { maxDurationHours: 6 },
    violations: [],
  },
  {
    title: "association without executionTimeout fails closed (the document's default is not visible)",
    resources: [association("bare", "rate(1 day)", { commandBase64: "eA==" })],
    violations: [/Association "bare": it sets no parameters.executionTimeout.*fails closed/],
  },
  {
    title: "association without parameters fails closed",
    resources: [association("none", "rate(1 day)", null)],
    violations: [/Association "none": it sets no parameters.executionTimeout/],
  },
  {
    title: "association executionTimeout unknown during preview is judged at up, not now",
    resources: [association("later", "rate(1 day)", { commandBase64: "eA==", executionTimeout: UNKNOWN })],
    violations: [],
  },
  {
    title: "association parameters unknown during preview are judged at up, not now",
    resources: [association("later", "rate(1 day)", UNKNOWN)],
    violations: [],
  },
  {
    title: "association parameters unknown during preview: the known schedule is still judged",
    resources: [association("later-fast", "rate(15 minutes)", UNKNOWN)],
    violations: [
      /Association "later-fast": scheduleExpression "rate\(15 minutes\)" is not valid for an association/,
    ],
  },
  {
    title: "known parameters without executionTimeout fail closed, other values unknown or not",
    resources: [association("bare-later", "rate(1 day)", { commandBase64: UNKNOWN })],
    violations: [/Association "bare-later": it sets no parameters.executionTimeout.*fails closed/],
  },
  {
    title: "association executionTimeout that is not a number fails closed",
    resources: [association("odd", "rate(1 day)", { executionTimeout: ["600"] })],
    violations: [/Association "odd": parameters.executionTimeout \["600"\] is not a number of seconds/],
  },
];
