import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TAG_KEYS } from "@retrain/config";
import { awsContext } from "../aws-context.js";
import { ssmServiceTrust } from "./ssm-service-trust.js";

/** The AWS-owned runbooks a window runs before and after its tasks, as the pool's automation role. */
export const START_STOP_RUNBOOKS = ["AWS-StartEC2Instance", "AWS-StopEC2Instance"] as const;

export interface StartStopAutomationRoleArgs {
  /** IAM role name, e.g. `retrain-prod-startstop-a10g`. */
  roleName: string;
  /** Value of the `retrain:fleet` tag of the environment's instances. */
  fleetTagValue: pulumi.Input<string>;
  /** The pool whose instances (tag `retrain:pool`) this role may start and stop, and no other. */
  pool: string;
  tags?: pulumi.Input<Record<string, string>>;
}

/**
 * The `AutomationAssumeRole` of one pool's AWS-StartEC2Instance / AWS-StopEC2Instance window tasks:
 * Automation assumes it to call ec2:StartInstances / StopInstances, which it may do only on
 * instances tagged with this environment's fleet and this pool, so one team's stop task can never
 * stop another pool. The maintenance window role only passes it.
 */
export class StartStopAutomationRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: StartStopAutomationRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:iam:StartStopAutomationRole", name, {}, opts);
    const context = awsContext(this);
    const { accountId, partition, region } = context;

    this.role = new aws.iam.Role(
      name,
      {
        name: args.roleName,
        description: `Starts and stops the instances of pool ${args.pool} (AWS-Start/StopEC2Instance)`,
        assumeRolePolicy: ssmServiceTrust(context, this),
        maxSessionDuration: 3600,
        tags: args.tags,
      },
      { parent: this },
    );

    const permissions = aws.iam.getPolicyDocumentOutput(
      {
        statements: [
          {
            // Both runbooks are one aws:changeInstanceState step on {{ InstanceId }}:
            // https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-changestate.html
            sid: "StartStopPoolInstancesOnly",
            actions: ["ec2:StartInstances", "ec2:StopInstances"],
            resources: [pulumi.interpolate`arn:${partition}:ec2:${region}:${accountId}:instance/*`],
            conditions: [
              {
                test: "StringEquals",
                variable: `aws:ResourceTag/${TAG_KEYS.fleet}`,
                values: [args.fleetTagValue],
              },
              { test: "StringEquals", variable: `aws:ResourceTag/${TAG_KEYS.pool}`, values: [args.pool] },
            ],
          },
          {
            // The step waits for the desired state (running: instance and system status OK). The
            // action has no resource type, so "*" is its only form; AWS's AmazonSSMAutomationRole
            // grants it beside Start/StopInstances for the same runbooks.
            sid: "WatchInstanceState",
            actions: ["ec2:DescribeInstanceStatus"],
            resources: ["*"],
          },
        ],
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-permissions`,
      { name: "retrain-start-stop-pool", role: this.role.name, policy: permissions.json },
      { parent: this },
    );

    this.roleArn = this.role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
