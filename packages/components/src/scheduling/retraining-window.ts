import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resourceName, TAG_KEYS, type WindowConfig } from "@retrain/config";
import { documentParameterList } from "./training-document-content.js";

/** Task priorities: lower runs first, equal ones run in parallel. */
export const TASK_PRIORITIES = {
  startInstances: 1,
  /** The team's tasks run one after another from here, in the order of the config. */
  firstTask: 10,
  /** Stop runs last: above every team task. */
  stopInstancesAtLeast: 100,
} as const;

export interface RetrainingWindowArgs {
  team: string;
  environment: string;
  /** The window as validated from the team's config. */
  window: WindowConfig;
  /** The team's Command document (TrainingCommandDocument). */
  documentName: pulumi.Input<string>;
  /** The document version the tasks run, pinned (TrainingCommandDocument.documentVersion), never `$DEFAULT`. */
  documentVersion: pulumi.Input<string>;
  /**
   * Role SSM assumes for every task (IAM stack export): it sends the command and starts the
   * start/stop automations, passing them the pool's role below.
   */
  serviceRoleArn: pulumi.Input<string>;
  /**
   * The pool's start/stop automation role (IAM stack `startStopRoleArns[pool]`): the runbooks'
   * `AutomationAssumeRole`, allowed to start/stop this pool's instances only. Required when the
   * window starts and stops instances.
   */
  startStopRoleArn?: pulumi.Input<string | undefined>;
  /** The pool's tag (fleet output `targetTag`), targeted as `tag:<key>`. */
  poolTag: pulumi.Input<{ key: string; value: string }>;
  /** Value of the `retrain:fleet` tag, so a same-named pool of another fleet is never hit. */
  fleetTagValue: string;
  /** Log group receiving command output (IAM stack export). */
  logGroupName: pulumi.Input<string>;
  /** Bucket receiving command output under `runs/<team>/<window>/<task>/` (IAM stack export). */
  artifactBucket: pulumi.Input<string>;
  tags?: Record<string, string>;
}

/**
 * One window of a team: the maintenance window (schedule, zone, duration, cutoff, offset), its
 * target (the pool's instances by tag, never instance ids), a RUN_COMMAND task per configured task,
 * and optionally AUTOMATION tasks that start the pool before and stop it after.
 */
export class RetrainingWindow extends pulumi.ComponentResource {
  readonly windowId: pulumi.Output<string>;
  readonly windowName: pulumi.Output<string>;
  readonly targetId: pulumi.Output<string>;

  constructor(name: string, args: RetrainingWindowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:scheduling:RetrainingWindow", name, {}, opts);
    const child = { parent: this };
    const w = args.window;
    const label = `${args.team}/${w.name}`;

    const window = new aws.ssm.MaintenanceWindow(
      name,
      {
        name: resourceName("maintenanceWindow", args.environment, args.team, w.name),
        description: w.description ?? `Retraining window ${label} on pool ${w.pool}`,
        schedule: w.schedule,
        scheduleTimezone: w.timezone,
        duration: w.durationHours,
        cutoff: w.cutoffHours,
        ...(w.offsetDays !== undefined ? { scheduleOffset: w.offsetDays } : {}),
        ...(w.startDate !== undefined ? { startDate: w.startDate } : {}),
        ...(w.endDate !== undefined ? { endDate: w.endDate } : {}),
        enabled: w.enabled,
        allowUnassociatedTargets: false,
        tags: args.tags,
      },
      child,
    );

    const poolTag = pulumi.output(args.poolTag);
    // The pool's instances in this fleet, by their tags.
    const poolInstances = [
      { key: poolTag.apply((t) => `tag:${t.key}`), values: [poolTag.apply((t) => t.value)] },
      { key: `tag:${TAG_KEYS.fleet}`, values: [args.fleetTagValue] },
    ];
    const target = new aws.ssm.MaintenanceWindowTarget(
      `${name}-pool`,
      {
        windowId: window.id,
        name: `${w.pool}-pool`,
        description: `Instances of pool ${w.pool} in fleet ${args.fleetTagValue}`,
        resourceType: "INSTANCE",
        targets: poolInstances,
      },
      child,
    );
    const targets = [{ key: "WindowTargetIds", values: [target.id] }];
    // The start/stop automations get a target of their own on the same instances: their
    // per-instance invocations also end in SUCCESS, and the event names only the window and the
    // window target, so on one shared target they would count as a run that trained (missed-run
    // metric) though the training task never succeeded.
    const powerTargets = w.startStopInstances
      ? [
          {
            key: "WindowTargetIds",
            values: [
              new aws.ssm.MaintenanceWindowTarget(
                `${name}-power`,
                {
                  windowId: window.id,
                  name: `${w.pool}-power`,
                  description: `Instances of pool ${w.pool} in fleet ${args.fleetTagValue}, for start/stop`,
                  resourceType: "INSTANCE",
                  targets: poolInstances,
                },
                child,
              ).id,
            ],
          },
        ]
      : targets;

    const startStopRole = pulumi.output(args.startStopRoleArn).apply((arn) => {
      if (w.startStopInstances && !arn) {
        throw new Error(
          `window "${label}" starts and stops pool "${w.pool}", but the IAM stack of ${args.environment} has no start/stop role for it (startStopRoleArns): allow start/stop there (iam:allowStartStop) and grant the pool in the tenant registry`,
        );
      }
      return arn ?? "";
    });
    const automation = (document: "AWS-StartEC2Instance" | "AWS-StopEC2Instance", priority: number) =>
      new aws.ssm.MaintenanceWindowTask(
        `${name}-${document === "AWS-StartEC2Instance" ? "start" : "stop"}`,
        {
          windowId: window.id,
          name: document === "AWS-StartEC2Instance" ? "start-instances" : "stop-instances",
          description: `${document === "AWS-StartEC2Instance" ? "Start" : "Stop"} the pool's instances`,
          taskType: "AUTOMATION",
          taskArn: document,
          priority,
          serviceRoleArn: args.serviceRoleArn,
          // Every instance of the pool, whatever happens to one of them.
          maxConcurrency: "100%",
          maxErrors: "100%",
          targets: powerTargets,
          taskInvocationParameters: {
            automationParameters: {
              documentVersion: "$DEFAULT",
              parameters: [
                { name: "InstanceId", values: ["{{RESOURCE_ID}}"] },
                { name: "AutomationAssumeRole", values: [startStopRole] },
              ],
            },
          },
        },
        child,
      );

    if (w.startStopInstances) automation("AWS-StartEC2Instance", TASK_PRIORITIES.startInstances);
    w.tasks.forEach((task, i) => {
      new aws.ssm.MaintenanceWindowTask(
        `${name}-${task.name}`,
        {
          windowId: window.id,
          name: task.name,
          description: `Retraining task ${label}/${task.name}`,
          taskType: "RUN_COMMAND",
          taskArn: args.documentName,
          priority: TASK_PRIORITIES.firstTask + i,
          serviceRoleArn: args.serviceRoleArn,
          maxConcurrency: task.maxConcurrency,
          maxErrors: task.maxErrors,
          cutoffBehavior: "CONTINUE_TASK",
          targets,
          taskInvocationParameters: {
            runCommandParameters: {
              documentVersion: args.documentVersion,
              comment: `retrain ${label}/${task.name}`.slice(0, 100),
              timeoutSeconds: task.timeoutSeconds,
              outputS3Bucket: args.artifactBucket,
              outputS3KeyPrefix: `runs/${args.team}/${w.name}/${task.name}`,
              cloudwatchConfig: { cloudwatchLogGroupName: args.logGroupName, cloudwatchOutputEnabled: true },
              parameters: documentParameterList({
                command: task.command,
                executionTimeout: task.timeoutSeconds,
              }),
            },
          },
        },
        child,
      );
    });
    if (w.startStopInstances) {
      automation(
        "AWS-StopEC2Instance",
        Math.max(TASK_PRIORITIES.stopInstancesAtLeast, TASK_PRIORITIES.firstTask + w.tasks.length),
      );
    }

    this.windowId = window.id;
    this.windowName = window.name;
    this.targetId = target.id;
    this.registerOutputs({ windowId: this.windowId, windowName: this.windowName, targetId: this.targetId });
  }
}
