/**
 * Window and task rules of a team's config, table-driven: what the AWS provider and API reject, the
 * names the window's own start/stop tasks use, and the time a window's tasks take in order. Every bad
 * row names the key and what is allowed, through the same loader `pnpm plan` uses.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadStackConfig, windowSchema } from "../src/index.js";
import { PROGRAMS, type TempWorkspace, tempWorkspace } from "./support/workspace.js";

let ws: TempWorkspace | undefined;
afterEach(() => ws?.remove());

const FILE = "stacks/scheduling/teams/vision/Pulumi.vision.yaml";

type Obj = Record<string, unknown>;
const task = (extra: Obj = {}): Obj => ({
  name: "retrain",
  command: "python train.py",
  timeoutSeconds: 3600,
  ...extra,
});
const window = (extra: Obj = {}, tasks: Obj[] = [task()]): Obj => ({
  name: "weekly",
  schedule: "cron(0 4 ? * SUN *)",
  durationHours: 3,
  cutoffHours: 1,
  pool: "a10g",
  tasks,
  ...extra,
});

/** The team file with these windows (JSON is YAML). */
const file = (windows: Obj[]) =>
  `config:\n  aws:region: eu-west-1\n  scheduling:team: vision\n  scheduling:environment: prod\n  scheduling:windows: ${JSON.stringify(windows)}\n`;

function load(windows: Obj[]) {
  ws = tempWorkspace(PROGRAMS);
  const abs = ws.write(FILE, file(windows));
  try {
    loadStackConfig(abs, { displayName: FILE });
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.file).toBe(FILE);
    return e.problems;
  }
}

interface Row {
  title: string;
  windows: Obj[];
  /** undefined: valid; else the key and a pattern of the message. */
  error?: [string, RegExp];
}

const ROWS: Row[] = [
  { title: "a 3-character task name", windows: [window({}, [task({ name: "abc" })])] },
  {
    title: "a 2-character task name (SSM task names are 3-128)",
    windows: [window({}, [task({ name: "ab" })])],
    error: ["scheduling:windows[0].tasks[0].name", /task name must be 3-32 characters/],
  },
  {
    title: "a task named start (its resource would be the start automation's URN)",
    windows: [window({ startStopInstances: true }, [task({ name: "start" })])],
    error: [
      "scheduling:windows[0].tasks[0].name",
      /reserved for the window's start\/stop tasks \(start, stop, start-instances, stop-instances\)/,
    ],
  },
  {
    title: "a task named stop-instances (the stop automation's SSM name)",
    windows: [window({}, [task({ name: "stop-instances" })])],
    error: ["scheduling:windows[0].tasks[0].name", /reserved/],
  },
  { title: "a task named starter", windows: [window({}, [task({ name: "starter" })])] },
  {
    // Its failure rule `<window>-failed` would be the team's `command-failed` rule (one URN, one name).
    title: "a window named command (the team's command-failed alert rule)",
    windows: [window({ name: "command" })],
    error: [
      "scheduling:windows[0].name",
      /reserved for the team's alert rules \(command, associations\); choose another/,
    ],
  },
  {
    title: "a window named associations (the team's associations-failed alert rule)",
    windows: [window({ name: "associations" })],
    error: ["scheduling:windows[0].name", /reserved/],
  },
  { title: "a window named commands", windows: [window({ name: "commands" })] },
  {
    title: "two windows whose tasks get one resource name (a + b-c, a-b + c)",
    windows: [
      window({ name: "aa" }, [task({ name: "bb-cc" })]),
      window({ name: "aa-bb", schedule: "cron(0 4 ? * SAT *)" }, [task({ name: "cc" })]),
    ],
    error: [
      "scheduling:windows[1].tasks[0].name",
      /same resource name "aa-bb-cc" as task "bb-cc" of window "aa"/,
    ],
  },
  {
    title: 'maxConcurrency "0" (provider: ^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$)',
    windows: [window({}, [task({ maxConcurrency: "0" })])],
    error: ["scheduling:windows[0].tasks[0].maxConcurrency", /count from 1 or a percentage from 1% to 100%/],
  },
  {
    title: 'maxConcurrency "0%"',
    windows: [window({}, [task({ maxConcurrency: "0%" })])],
    error: ["scheduling:windows[0].tasks[0].maxConcurrency", /0 would run nothing/],
  },
  {
    title: "maxConcurrency 0 as a number",
    windows: [window({}, [task({ maxConcurrency: 0 })])],
    error: ["scheduling:windows[0].tasks[0].maxConcurrency", /count from 1/],
  },
  {
    title: 'maxConcurrency "100%" and maxErrors "0"',
    windows: [window({}, [task({ maxConcurrency: "100%", maxErrors: "0" })])],
  },
  { title: 'maxErrors "0%"', windows: [window({}, [task({ maxErrors: "0%" })])] },
  {
    title: 'maxErrors "01" (leading zero)',
    windows: [window({}, [task({ maxErrors: "01" })])],
    error: ["scheduling:windows[0].tasks[0].maxErrors", /count or a percentage from 0% to 100%/],
  },
  {
    title: 'maxErrors "101%"',
    windows: [window({}, [task({ maxErrors: "101%" })])],
    error: ["scheduling:windows[0].tasks[0].maxErrors", /from 0% to 100%/],
  },
  { title: "a description of 128 characters", windows: [window({ description: "d".repeat(128) })] },
  {
    title: "a description of 129 characters (CreateMaintenanceWindow: 1-128)",
    windows: [window({ description: "d".repeat(129) })],
    error: ["scheduling:windows[0].description", /1-128 characters/],
  },
  {
    title: "an empty description",
    windows: [window({ description: "" })],
    error: ["scheduling:windows[0].description", /1-128 characters/],
  },
  {
    title: "start + tasks + stop that fit (900 + 3600 + 1800 + 600 = 6900 <= 7200 s)",
    windows: [
      window({ startStopInstances: true }, [task(), task({ name: "evaluate", timeoutSeconds: 1800 })]),
    ],
  },
  {
    title: "each task fits, but start + tasks + stop do not (900 + 5400 + 1200 + 600 = 8100 > 7200 s)",
    windows: [
      window({ startStopInstances: true }, [
        task({ timeoutSeconds: 5400 }),
        task({ name: "evaluate", timeoutSeconds: 1200 }),
      ]),
    ],
    error: [
      "scheduling:windows[0].tasks",
      /AWS-StartEC2Instance 900 s \+ retrain 5400 s \+ evaluate 1200 s \+ AWS-StopEC2Instance 600 s = 8100 s, more than it can run \(7200 s = durationHours - cutoffHours\)/,
    ],
  },
  {
    title: "without start/stop, the tasks alone count (5400 + 1800 = 7200 s fits exactly)",
    windows: [window({}, [task({ timeoutSeconds: 5400 }), task({ name: "evaluate", timeoutSeconds: 1800 })])],
  },
  {
    title: "without start/stop, one second over",
    windows: [window({}, [task({ timeoutSeconds: 5400 }), task({ name: "evaluate", timeoutSeconds: 1801 })])],
    error: ["scheduling:windows[0].tasks", /retrain 5400 s \+ evaluate 1801 s = 7201 s/],
  },
  {
    title: "an association has no window to fit into",
    windows: [
      {
        name: "daily",
        mode: "association",
        schedule: "cron(30 2 ? * * *)",
        pool: "a10g",
        tasks: [task({ timeoutSeconds: 86400 })],
      },
    ],
  },
  {
    title: "an association whose run may outlast its interval",
    windows: [
      {
        name: "hourly",
        mode: "association",
        schedule: "rate(1 hour)",
        pool: "a10g",
        tasks: [task({ timeoutSeconds: 14400 })],
      },
    ],
    error: [
      "scheduling:windows[0].tasks[0].timeoutSeconds",
      /longer than the 1 h "rate\(1 hour\)" leaves.*at most 3600/,
    ],
  },
  {
    title: "a window open longer than the gap to its own next start",
    windows: [
      { name: "often", schedule: "cron(0 0/2 ? * * *)", durationHours: 4, pool: "a10g", tasks: [task()] },
    ],
    error: [
      "scheduling:windows[0].durationHours",
      /open 4 h, but "cron\(0 0\/2 \? \* \* \*\)" starts it again after 2 h.*at most 2/,
    ],
  },
  {
    title: "a window as long as its interval",
    windows: [{ name: "often", schedule: "rate(4 hours)", durationHours: 4, pool: "a10g", tasks: [task()] }],
  },
  {
    title: "a daily 24 h window in a zone with daylight saving (23 h once a year)",
    windows: [
      {
        name: "daily",
        schedule: "cron(0 4 ? * * *)",
        timezone: "Europe/Berlin",
        durationHours: 24,
        cutoffHours: 1,
        pool: "a10g",
        tasks: [task()],
      },
    ],
    error: ["scheduling:windows[0].durationHours", /in Europe\/Berlin starts it again after 23 h/],
  },
  {
    title: "the same daily 24 h window in UTC",
    windows: [
      {
        name: "daily",
        schedule: "cron(0 4 ? * * *)",
        durationHours: 24,
        cutoffHours: 1,
        pool: "a10g",
        tasks: [task()],
      },
    ],
  },
  ...associationRows(),
  {
    title: "a one-time association (it would also run at every create and update)",
    windows: [
      {
        name: "once",
        mode: "association",
        schedule: "at(2027-03-01T04:00:00)",
        pool: "a10g",
        tasks: [task({ timeoutSeconds: 3600 })],
      },
    ],
    error: [
      "scheduling:windows[0].schedule",
      /an association with at\(\.\.\.\) would also run when it is created .*use mode: maintenance-window/,
    ],
  },
  {
    title: "a one-time maintenance window",
    windows: [window({ schedule: "at(2027-03-01T04:00:00)" })],
  },
  {
    title: "complianceSeverity on a maintenance window (associations only)",
    windows: [window({ complianceSeverity: "HIGH" })],
    error: ["scheduling:windows[0].complianceSeverity", /applies to associations only/],
  },
  {
    title: "endDate before startDate",
    windows: [window({ startDate: "2027-02-01T00:00:00Z", endDate: "2027-01-01T00:00:00Z" })],
    error: [
      "scheduling:windows[0].endDate",
      /endDate \(2027-01-01T00:00:00Z\) must be after startDate \(2027-02-01T00:00:00Z\)/,
    ],
  },
  {
    title: "endDate equal to startDate, written in another zone",
    windows: [window({ startDate: "2027-01-01T01:00:00+01:00", endDate: "2027-01-01T00:00:00Z" })],
    error: ["scheduling:windows[0].endDate", /must be after startDate/],
  },
  {
    title: "endDate one second after startDate",
    windows: [window({ startDate: "2027-01-01T00:00:00Z", endDate: "2027-01-01T00:00:01Z" })],
  },
];

/** Every maintenance-window key an association would silently drop, set on an association. */
function associationRows(): Row[] {
  const association = (extra: Obj): Obj => ({
    name: "daily",
    mode: "association",
    schedule: "cron(30 2 ? * * *)",
    pool: "a10g",
    tasks: [task()],
    ...extra,
  });
  const dropped: [string, unknown, RegExp][] = [
    ["durationHours", 3, /no duration/],
    ["cutoffHours", 1, /no cutoff/],
    ["enabled", false, /no off switch/],
    ["startStopInstances", true, /no start\/stop tasks/],
    ["offsetDays", 2, /no schedule offset/],
    ["startDate", "2027-01-01T00:00:00Z", /no start date/],
    ["endDate", "2027-01-01T00:00:00Z", /no end date/],
    ["description", "nightly refresh", /no description/],
  ];
  return [
    ...dropped.map(
      ([key, value, message]): Row => ({
        title: `an association with ${key} (dropped by aws.ssm.Association)`,
        windows: [association({ [key]: value })],
        error: [
          `scheduling:windows[0].${key}`,
          new RegExp(`${message.source}.*remove ${key}, or use mode: maintenance-window`),
        ],
      }),
    ),
    {
      title: "an association may spell out the defaults (they change nothing)",
      windows: [association({ durationHours: 2, cutoffHours: 0, enabled: true, startStopInstances: false })],
    },
    {
      title: "an association on weekdays (a cron shape State Manager does not list; a window takes it)",
      windows: [association({ schedule: "cron(0 2 ? * MON-FRI *)" })],
      error: [
        "scheduling:windows[0].schedule",
        /day-of-week "MON-FRI" is none of these.*mode: maintenance-window/,
      ],
    },
    {
      title: "the same cron on a maintenance window",
      windows: [window({ schedule: "cron(0 2 ? * MON-FRI *)" })],
    },
    {
      title: "an association with its complianceSeverity",
      windows: [association({ complianceSeverity: "HIGH" })],
    },
  ];
}

describe("window and task rules (table)", () => {
  it.each(ROWS)("$title", ({ windows, error }) => {
    const problems = load(windows);
    if (!error) {
      expect(problems).toEqual([]);
      return;
    }
    const [key, message] = error;
    expect(problems, JSON.stringify(problems, null, 2)).toContainEqual(
      expect.objectContaining({ key, message: expect.stringMatching(message) }),
    );
  });
});

describe("startDate/endDate: the message says what is allowed", () => {
  it.each([
    [
      "tomorrow",
      'startDate must be an ISO 8601 date-time with a zone, e.g. 2027-01-01T00:00:00Z or 2027-01-01T00:00:00+01:00 (found "tomorrow")',
    ],
    [
      "2027-01-01T00:00:00",
      'startDate must be an ISO 8601 date-time with a zone, e.g. 2027-01-01T00:00:00Z or 2027-01-01T00:00:00+01:00 (found "2027-01-01T00:00:00")',
    ],
    [20270101, "startDate must be an ISO 8601 date-time string with a zone, e.g. 2027-01-01T00:00:00Z"],
  ])("%j", (startDate, message) => {
    const r = windowSchema.shape.startDate.safeParse(startDate);
    expect(r.success ? [] : r.error.issues.map((i) => i.message)).toEqual([message]);
  });

  it.each(["2027-01-01T00:00:00Z", "2027-01-01T00:00:00+01:00"])("accepts %j", (v) => {
    expect(windowSchema.shape.endDate.safeParse(v).success).toBe(true);
  });
});

describe("an out-of-range duration or cutoff is reported on its own key only", () => {
  it.each([
    ["durationHours 0", { durationHours: 0, cutoffHours: 0 }, "durationHours"],
    ["durationHours 25", { durationHours: 25, cutoffHours: 1 }, "durationHours"],
    ["cutoffHours -1", { cutoffHours: -1 }, "cutoffHours"],
    ["cutoffHours equal to durationHours", { durationHours: 3, cutoffHours: 3 }, "cutoffHours"],
  ])("%s: no follow-on task-budget error", (_title, extra, key) => {
    const problems = load([window(extra)]);
    expect(problems.some((p) => p.key === `scheduling:windows[0].${key}`)).toBe(true);
    expect(problems.filter((p) => /durationHours - cutoffHours/.test(p.message))).toEqual([]);
  });
});
