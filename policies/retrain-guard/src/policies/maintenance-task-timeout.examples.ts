import { type ExampleResource, type PolicyExample, UNKNOWN } from "../examples.js";

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
  extra: Partial<ExampleResource> = {},
): ExampleResource => ({
  type: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
  name,
  props: {
    windowId: UNKNOWN,
    taskType: "RUN_COMMAND",
    taskArn: "retrain-run",
    taskInvocationParameters: { runCommandParameters },
  },
  ...extra,
});

export const maintenanceTaskTimeoutExamples: PolicyExample[] = [
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
    title: "executionTimeout document parameter too long (window found by id)",
    resources: [
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
    title: "a task whose window cannot be found is not judged",
    resources: [window("a"), window("b"), task("t", { timeoutSeconds: 99999 })],
    violations: [],
  },
];
