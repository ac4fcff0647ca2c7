import { UNKNOWN } from "@retrain/config/unknown";
import type { ExampleResource, PolicyExample } from "../examples.js";

const WINDOW = "aws:ssm/maintenanceWindow:MaintenanceWindow";
const TARGET = "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget";
const TASK = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";
const ACCOUNT = "123456789012";
const role = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;
const WINDOW_ROLE = role("retrain-prod-maintenance-window");

const window = (name: string): ExampleResource => ({
  type: WINDOW,
  name,
  props: { name: `retrain-prod-vision-${name}` },
});
const target = (name: string, windowName: string, pool: string | string[] = "a10g"): ExampleResource => ({
  type: TARGET,
  name,
  props: {
    windowId: UNKNOWN,
    resourceType: "INSTANCE",
    targets: [
      { key: "tag:retrain:pool", values: Array.isArray(pool) ? pool : [pool] },
      { key: "tag:retrain:fleet", values: ["retrain-prod"] },
    ],
  },
  propertyDependencies: { windowId: [windowName] },
});

interface TaskShape {
  runbook?: string;
  targets?: unknown;
  targetDeps?: string[];
  instanceId?: unknown;
  assumeRole?: unknown;
  windowName?: string;
}
/** A start/stop automation task as the RetrainingWindow component registers it. */
function automation(name: string, t: TaskShape = {}): ExampleResource {
  const parameters: { name: string; values: unknown }[] = [];
  if (t.instanceId !== null)
    parameters.push({ name: "InstanceId", values: t.instanceId ?? ["{{RESOURCE_ID}}"] });
  if (t.assumeRole !== null)
    parameters.push({
      name: "AutomationAssumeRole",
      values: t.assumeRole ?? [role("retrain-prod-startstop-a10g")],
    });
  return {
    type: TASK,
    name,
    props: {
      windowId: UNKNOWN,
      taskType: "AUTOMATION",
      taskArn: t.runbook ?? "AWS-StartEC2Instance",
      serviceRoleArn: WINDOW_ROLE,
      targets: t.targets ?? [{ key: "WindowTargetIds", values: [UNKNOWN] }],
      taskInvocationParameters: { automationParameters: { documentVersion: "$DEFAULT", parameters } },
    },
    propertyDependencies: { windowId: [t.windowName ?? "weekly"], targets: t.targetDeps ?? ["weekly-pool"] },
  };
}
const stack = (...tasks: ExampleResource[]) => [window("weekly"), target("weekly-pool", "weekly"), ...tasks];

export const examples: PolicyExample[] = [
  {
    title: "start and stop on the window's own pool target with the pool's start/stop role",
    resources: stack(automation("start"), automation("stop", { runbook: "AWS-StopEC2Instance" })),
    violations: [],
  },
  {
    title: "the role and target unknown during preview are not judged",
    resources: stack(automation("start", { assumeRole: [UNKNOWN], targetDeps: [] })),
    violations: [],
  },
  {
    // A stack policy runs after the update at `up`: an unknown container our program never produces
    // fails closed at preview, as an absent one does.
    title: "the whole invocation parameters unknown during preview fail closed (a stack policy)",
    resources: stack({
      ...automation("start"),
      props: { ...automation("start").props, taskInvocationParameters: UNKNOWN },
    }),
    violations: [
      /MaintenanceWindowTask "start".*InstanceId/,
      /MaintenanceWindowTask "start".*AutomationAssumeRole/,
    ],
  },
  {
    title: "an automation task running another runbook",
    resources: stack(automation("shell", { runbook: "AWS-RunShellScript" })),
    violations: [
      /MaintenanceWindowTask "shell" runs the automation runbook "AWS-RunShellScript"; a window may automate only AWS-StartEC2Instance and AWS-StopEC2Instance/,
    ],
  },
  {
    title: "a look-alike runbook shared from another account, by ARN",
    resources: stack(
      automation("arn", { runbook: "arn:aws:ssm:eu-west-1:999999999999:document/AWS-StartEC2Instance" }),
    ),
    violations: [
      /runs the automation runbook "arn:aws:ssm:eu-west-1:999999999999:document\/AWS-StartEC2Instance"/,
    ],
  },
  {
    title: "the window's service role instead of the pool's start/stop role",
    resources: stack(automation("start", { assumeRole: [WINDOW_ROLE] })),
    violations: [
      /runs with AutomationAssumeRole "arn:aws:iam::123456789012:role\/retrain-prod-maintenance-window", not the start\/stop role of its pool \(retrain-prod-startstop-a10g\)/,
    ],
  },
  {
    title: "another pool's start/stop role",
    resources: stack(automation("start", { assumeRole: [role("retrain-prod-startstop-l4")] })),
    violations: [/not the start\/stop role of its pool \(retrain-prod-startstop-a10g\)/],
  },
  {
    title: "no AutomationAssumeRole: the runbook would run as the window's service role",
    resources: stack(automation("start", { assumeRole: null })),
    violations: [
      /passes no AutomationAssumeRole.*Fix: pass the pool's start\/stop role \(retrain-prod-startstop-a10g\)/,
    ],
  },
  {
    title: "the pool's role name in another account",
    resources: stack(
      automation("start", { assumeRole: [role("retrain-prod-startstop-a10g", "999999999999")] }),
    ),
    violations: [
      /start\/stop role of account 999999999999 while its window's service role is in 123456789012/,
    ],
  },
  {
    title: "another window's target",
    resources: [
      ...stack(automation("start", { targetDeps: ["other-pool"] })),
      window("other"),
      target("other-pool", "other"),
    ],
    violations: [
      /MaintenanceWindowTask "start" targets MaintenanceWindowTarget "other-pool" of MaintenanceWindow "other", not a target of its own window/,
    ],
  },
  {
    title: "instances named directly instead of the window's target",
    resources: stack(
      automation("start", {
        targets: [{ key: "InstanceIds", values: ["i-0123456789abcdef0"] }],
        targetDeps: [],
      }),
    ),
    violations: [/targets key "InstanceIds" instead of the window's own target/],
  },
  {
    title: "no targets and an explicit instance id",
    resources: stack(
      automation("start", { targets: [], targetDeps: [], instanceId: ["i-0123456789abcdef0"] }),
    ),
    violations: [
      /has no targets/,
      /passes InstanceId \["i-0123456789abcdef0"\] instead of \{\{RESOURCE_ID\}\}/,
    ],
  },
  {
    title: "a target spanning two pools cannot have one start/stop role",
    resources: [window("weekly"), target("weekly-pool", "weekly", ["a10g", "l4"]), automation("start")],
    violations: [/targets several pools \(a10g, l4\)/],
  },
  {
    title: "a start/stop role given by name instead of an ARN",
    resources: stack(automation("start", { assumeRole: ["retrain-prod-startstop-a10g"] })),
    violations: [
      /runs with AutomationAssumeRole "retrain-prod-startstop-a10g", not the start\/stop role of its pool \(retrain-prod-startstop-a10g\)/,
    ],
  },
  {
    title: "the start/stop role of the same pool in another environment",
    resources: stack(automation("start", { assumeRole: [role("retrain-dev-startstop-a10g")] })),
    violations: [
      /runs with AutomationAssumeRole "arn:aws:iam::123456789012:role\/retrain-dev-startstop-a10g", not the start\/stop role of its pool \(retrain-prod-startstop-a10g\)/,
    ],
  },
  {
    title: "another window's target named by id",
    resources: [
      ...stack(
        automation("start", { targets: [{ key: "WindowTargetIds", values: ["wt-other"] }], targetDeps: [] }),
      ),
      window("other"),
      { ...target("other-pool", "other"), props: { ...target("other-pool", "other").props, id: "wt-other" } },
    ],
    violations: [
      /MaintenanceWindowTask "start" targets MaintenanceWindowTarget "other-pool" of MaintenanceWindow "other", not a target of its own window/,
    ],
  },
  {
    title: "a window target id that is no target of this stack",
    resources: stack(
      automation("start", {
        targets: [{ key: "WindowTargetIds", values: ["wt-0123456789abcdef0"] }],
        targetDeps: [],
      }),
    ),
    violations: [
      /MaintenanceWindowTask "start" targets window target "wt-0123456789abcdef0", which is no target of this stack/,
    ],
  },
  {
    title: "another runbook is reported once, not also judged as a start/stop task",
    resources: stack(
      automation("shell", { runbook: "AWS-RunShellScript", instanceId: null, assumeRole: null }),
    ),
    violations: [/MaintenanceWindowTask "shell" runs the automation runbook "AWS-RunShellScript"/],
  },
  {
    title: "the target's pool unknown during preview: the role is not judged (at up it is)",
    resources: [window("weekly"), target("weekly-pool", "weekly", [UNKNOWN]), automation("start")],
    violations: [],
  },
  {
    title: "a task and its target naming their window by id (after deployment), among two windows",
    resources: [
      { ...window("weekly"), props: { ...window("weekly").props, id: "mw-weekly" } },
      { ...window("other"), props: { ...window("other").props, id: "mw-other" } },
      {
        ...target("weekly-pool", "weekly"),
        props: { ...target("weekly-pool", "weekly").props, windowId: "mw-weekly" },
        propertyDependencies: {},
      },
      {
        ...automation("start"),
        props: { ...automation("start").props, windowId: "mw-weekly" },
        propertyDependencies: { targets: ["weekly-pool"] },
      },
    ],
    violations: [],
  },
  {
    title: "a task and its target under the window's own component",
    resources: [
      { ...window("weekly"), parent: "weekly-window" },
      { ...target("weekly-pool", "weekly"), parent: "weekly-window", propertyDependencies: {} },
      { ...automation("start"), parent: "weekly-window", propertyDependencies: { targets: ["weekly-pool"] } },
    ],
    violations: [],
  },
  {
    title: "RUN_COMMAND tasks are not this policy's concern",
    resources: [
      ...stack(),
      {
        type: TASK,
        name: "retrain",
        props: {
          windowId: UNKNOWN,
          taskType: "RUN_COMMAND",
          taskArn: "retrain-prod-vision-train",
          targets: [],
        },
        propertyDependencies: { windowId: ["weekly"] },
      },
    ],
    violations: [],
  },
];
