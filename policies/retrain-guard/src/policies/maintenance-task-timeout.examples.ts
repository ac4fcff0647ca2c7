import { UNKNOWN } from "@retrain/config/unknown";
import type { ExampleResource, PolicyExample } from "../examples.js";

const window = (
  name: string,
  duration = 3,
  cutoff = 1,
  extra: Partial<ExampleResource> = {},
): ExampleResource => ({
  type: "aws:ssm/maintenanceWindow:MaintenanceWindow",
  name,
  props: { schedule: "cron(0 4 ? * SUN *)", duration, cutoff, id: `${name}-id` },
  ...extra,
});
const task = (
  name: string,
  runCommandParameters: Record<string, unknown>,
  { props, ...extra }: Partial<ExampleResource> = {},
): ExampleResource => ({
  type: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
  name,
  props: {
    windowId: UNKNOWN,
    taskType: "RUN_COMMAND",
    taskArn: "retrain-run",
    taskInvocationParameters: { runCommandParameters },
    ...props,
  },
  ...extra,
});

/** Run Command parameters of a task that runs (and waits for delivery) at most `seconds`. */
const timed = (seconds: number): Record<string, unknown> => ({
  timeoutSeconds: seconds,
  parameters: [{ name: "executionTimeout", values: [String(seconds)] }],
});

/** Extra task props: a priority. */
const withPriority = (priority: number): Record<string, unknown> => ({ priority });
const automation = (name: string, runbook: string, priority: number): ExampleResource => ({
  type: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
  name,
  props: { windowId: UNKNOWN, taskType: "AUTOMATION", taskArn: runbook, priority },
  propertyDependencies: { windowId: ["w"] },
});

export const examples: PolicyExample[] = [
  {
    title: "timeout within duration − cutoff (window found through windowId's dependency)",
    resources: [
      window("w"),
      task("t", { timeoutSeconds: 6000 }, { propertyDependencies: { windowId: ["w"] } }),
    ],
    violations: [],
  },
  {
    title: "timeoutSeconds longer than the window can run",
    resources: [
      window("w"),
      task("t", { timeoutSeconds: 8000 }, { propertyDependencies: { windowId: ["w"] } }),
    ],
    violations: [
      /MaintenanceWindowTask "t": taskInvocationParameters\.runCommandParameters\.timeoutSeconds is 8000 s, longer than its window "w" can run it \(duration 3 h − cutoff 1 h = 7200 s\)/,
    ],
  },
  {
    title: "executionTimeout document parameter too long (window found by id among several)",
    resources: [
      window("other", 4, 0),
      window("w"),
      {
        ...task("t", {
          parameters: [
            { name: "commands", values: ["train"] },
            { name: "executionTimeout", values: ["9000"] },
          ],
        }),
        props: {
          windowId: "w-id",
          taskInvocationParameters: {
            runCommandParameters: {
              parameters: [
                { name: "commands", values: ["train"] },
                { name: "executionTimeout", values: ["9000"] },
              ],
            },
          },
        },
      },
    ],
    violations: [/parameters\[1\] \(executionTimeout\) is 9000 s/],
  },
  {
    title: "window found as the only window under the same component",
    resources: [
      window("w", 2, 1, { parent: "component" }),
      task("t", { timeoutSeconds: 3601 }, { parent: "component" }),
    ],
    violations: [/3601 s, longer than its window "w"/],
  },
  {
    title: "a task whose window cannot be found is held to the longest window allowed (4 h = 14400 s)",
    resources: [window("a"), window("b"), task("t", { timeoutSeconds: 99999 })],
    violations: [
      /MaintenanceWindowTask "t": taskInvocationParameters\.runCommandParameters\.timeoutSeconds is 99999 s and its window is not in this stack, so it is held to the longest window the pack allows \(maxDurationHours 4 h = 14400 s\)/,
    ],
  },
  {
    title: "a task alone in its stack (window in another stack) within the longest window allowed",
    resources: [task("t", { timeoutSeconds: 14400 })],
    violations: [],
  },
  {
    title: "a task alone in its stack, one second over the longest window allowed",
    resources: [task("t", { timeoutSeconds: 14401 })],
    violations: [/MaintenanceWindowTask "t": .*14401 s and its window is not in this stack/],
  },
  {
    title: "a task alone in its stack with a 48 h executionTimeout",
    resources: [task("t", { parameters: [{ name: "executionTimeout", values: ["172800"] }] })],
    violations: [/parameters\[0\] \(executionTimeout\) is 172800 s and its window is not in this stack/],
  },
  {
    title: "a task alone in its stack: the bound follows maxDurationHours",
    resources: [task("t", { timeoutSeconds: 21600 })],
    config: { maxDurationHours: 6 },
    violations: [],
  },
  {
    title:
      "a window whose duration is unknown during preview: its task is held to the longest window allowed",
    resources: [
      window("w", UNKNOWN as unknown as number),
      task("t", { timeoutSeconds: 20000 }, { propertyDependencies: { windowId: ["w"] } }),
    ],
    violations: [/20000 s and its window "w" has no known duration/],
  },
  {
    title: "a timeout of exactly duration − cutoff fits",
    resources: [
      window("w"),
      task("t", { timeoutSeconds: 7200 }, { propertyDependencies: { windowId: ["w"] } }),
    ],
    violations: [],
  },
  {
    title: "one second over duration − cutoff does not",
    resources: [
      window("w"),
      task("t", { timeoutSeconds: 7201 }, { propertyDependencies: { windowId: ["w"] } }),
    ],
    violations: [
      /timeoutSeconds is 7201 s, longer than its window "w" can run it \(duration 3 h − cutoff 1 h = 7200 s\)/,
    ],
  },
  {
    // AWS requires Cutoff < Duration: duration − 1 leaves the tasks the least time (fail closed).
    title: "a cutoff unknown during preview is taken as duration − 1 h: one hour is available",
    resources: [
      { ...window("w"), props: { schedule: "cron(0 4 ? * SUN *)", duration: 3, cutoff: UNKNOWN } },
      task("fits", { timeoutSeconds: 3600 }, { propertyDependencies: { windowId: ["w"] } }),
      task("over", { timeoutSeconds: 3601 }, { propertyDependencies: { windowId: ["w"] } }),
    ],
    violations: [
      /MaintenanceWindowTask "over": .* \(duration 3 h − cutoff unknown in preview, taken as 2 h = 3600 s\)/,
    ],
  },
  {
    // The training document's default executionTimeout (3600 s) applies to a task passing none.
    title: "a task without executionTimeout runs for the document's default, 3600 s",
    resources: [
      window("w", 2, 1),
      task("t", { timeoutSeconds: 600 }, { propertyDependencies: { windowId: ["w"] } }),
    ],
    violations: [],
  },
  {
    title: "two tasks without executionTimeout add up at the default and overrun a 1 h window",
    resources: [
      window("w", 2, 1),
      task(
        "a",
        { timeoutSeconds: 600 },
        { props: { priority: 1 }, propertyDependencies: { windowId: ["w"] } },
      ),
      task(
        "b",
        { timeoutSeconds: 600 },
        { props: { priority: 2 }, propertyDependencies: { windowId: ["w"] } },
      ),
    ],
    violations: [/MaintenanceWindow "w": its tasks in priority order take up to .*7200/],
  },
  {
    title: "a task without executionTimeout in a window shorter than the document's default",
    resources: [
      window("w", 2, 1.5),
      task("t", { timeoutSeconds: 600 }, { propertyDependencies: { windowId: ["w"] } }),
    ],
    violations: [
      /MaintenanceWindowTask "t": .*no executionTimeout: the document's default, 3600 s\) is 3600 s, longer than its window "w" can run it/,
    ],
  },
  {
    title: "timeouts unknown during preview fail closed",
    resources: [
      window("w"),
      task(
        "t",
        { timeoutSeconds: UNKNOWN, parameters: [{ name: "executionTimeout", values: [UNKNOWN] }] },
        { propertyDependencies: { windowId: ["w"] } },
      ),
      task("u", UNKNOWN as unknown as Record<string, unknown>, { propertyDependencies: { windowId: ["w"] } }),
    ],
    violations: [
      /MaintenanceWindowTask "t": taskInvocationParameters\.runCommandParameters\.timeoutSeconds, taskInvocationParameters\.runCommandParameters\.parameters\[0\] \(executionTimeout\) are unknown during preview/,
      /MaintenanceWindowTask "u": taskInvocationParameters\.runCommandParameters is unknown during preview/,
    ],
  },
  {
    title: "other numeric document parameters are not timeouts",
    resources: [
      window("w"),
      task(
        "t",
        {
          parameters: [
            { name: "maxSteps", values: ["50000"] },
            { name: "executionTimeout", values: ["3600"] },
          ],
        },
        { propertyDependencies: { windowId: ["w"] } },
      ),
    ],
    violations: [],
  },
  {
    title: "window found as the only window among the task's dependencies",
    resources: [window("other"), window("w"), task("t", { timeoutSeconds: 9000 }, { dependencies: ["w"] })],
    violations: [/9000 s, longer than its window "w"/],
  },
  {
    title: "tasks in priority order (start, train, evaluate, stop) that fit the window",
    resources: [
      window("w", 4, 1),
      automation("start", "AWS-StartEC2Instance", 1),
      task("train", timed(6000), { propertyDependencies: { windowId: ["w"] }, props: withPriority(10) }),
      task("eval", timed(1200), { propertyDependencies: { windowId: ["w"] }, props: withPriority(11) }),
      automation("stop", "AWS-StopEC2Instance", 100),
    ],
    violations: [],
  },
  {
    title: "each task fits alone, but start + tasks + stop run past the cutoff: the stop task never starts",
    resources: [
      window("w", 3, 1),
      automation("start", "AWS-StartEC2Instance", 1),
      task("train", timed(5400), { propertyDependencies: { windowId: ["w"] }, props: withPriority(10) }),
      task("eval", timed(1200), { propertyDependencies: { windowId: ["w"] }, props: withPriority(11) }),
      automation("stop", "AWS-StopEC2Instance", 100),
    ],
    violations: [
      /MaintenanceWindow "w": its tasks in priority order take up to start \(priority 1\) 900 s \+ train \(priority 10\) 5400 s \+ eval \(priority 11\) 1200 s \+ stop \(priority 100\) 600 s = 8100 s, more than the window can run \(duration 3 h − cutoff 1 h = 7200 s\)/,
    ],
  },
  {
    title: "a start task named by its automation-definition ARN counts as the runbook",
    resources: [
      window("w", 2, 0),
      automation("start", "arn:aws:ssm:eu-west-1::automation-definition/AWS-StartEC2Instance:$DEFAULT", 1),
      task("train", timed(6301), { propertyDependencies: { windowId: ["w"] }, props: withPriority(10) }),
    ],
    violations: [/start \(priority 1\) 900 s \+ train \(priority 10\) 6301 s = 7201 s/],
  },
  {
    title: "tasks of one priority run in parallel: only the longest counts",
    resources: [
      window("w", 3, 1),
      task("a", timed(5000), { propertyDependencies: { windowId: ["w"] }, props: withPriority(10) }),
      task("b", timed(5000), { propertyDependencies: { windowId: ["w"] }, props: withPriority(10) }),
      task("c", timed(2200), { propertyDependencies: { windowId: ["w"] }, props: withPriority(11) }),
    ],
    violations: [],
  },
  {
    title: "tasks of different priorities add up, one second over",
    resources: [
      window("w", 3, 1),
      task("a", timed(5000), { propertyDependencies: { windowId: ["w"] }, props: withPriority(10) }),
      task("c", timed(2201), { propertyDependencies: { windowId: ["w"] }, props: withPriority(11) }),
    ],
    violations: [/MaintenanceWindow "w": .* = 7201 s, more than the window can run/],
  },
];
