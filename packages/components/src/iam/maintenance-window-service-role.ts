import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TAG_KEYS } from "@retrain/config";
import { awsContext } from "../aws-context.js";

export interface MaintenanceWindowServiceRoleArgs {
  /** IAM role name, e.g. `retrain-prod-maintenance-window`. */
  roleName: string;
  /**
   * Prefix of the project-owned SSM Command documents the role may run, e.g. `retrain-prod-`: the
   * role gets `ssm:SendCommand` on `document/<prefix>*` of its account and region only.
   */
  documentNamePrefix: string;
  /** Value of the `retrain:fleet` tag; commands and start/stop reach only instances carrying it. */
  fleetTagValue: pulumi.Input<string>;
  /** Artifact bucket the commands write their output to (SendCommand authorizes the output bucket). */
  artifactBucket: pulumi.Input<string>;
  /**
   * Allow the AWS-StartEC2Instance / AWS-StopEC2Instance automations (run as this role) to start and
   * stop the fleet's instances before and after a window.
   */
  allowStartStop: boolean;
  tags?: pulumi.Input<Record<string, string>>;
}

/**
 * The role `ssm.amazonaws.com` assumes to run maintenance window tasks. Trust is limited to this
 * account's maintenance windows (and automation executions when start/stop is on) through
 * `aws:SourceAccount` and `aws:SourceArn`; permissions cover only the project's command documents,
 * instances tagged with the fleet, and passing itself to SSM.
 */
export class MaintenanceWindowServiceRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly roleArn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: MaintenanceWindowServiceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:iam:MaintenanceWindowServiceRole", name, {}, opts);
    const { accountId, partition, region } = awsContext(this);
    const ssmArn = (resource: string) =>
      pulumi.interpolate`arn:${partition}:ssm:${region}:${accountId}:${resource}`;
    const instancesArn = pulumi.interpolate`arn:${partition}:ec2:${region}:${accountId}:instance/*`;

    const sourceArns = [
      ssmArn("maintenancewindow/*"),
      ...(args.allowStartStop ? [ssmArn("automation-execution/*")] : []),
    ];
    const trust = aws.iam.getPolicyDocumentOutput(
      {
        statements: [
          {
            sid: "SsmServiceOfThisAccount",
            actions: ["sts:AssumeRole"],
            principals: [{ type: "Service", identifiers: ["ssm.amazonaws.com"] }],
            conditions: [
              { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
              { test: "ArnLike", variable: "aws:SourceArn", values: sourceArns },
            ],
          },
        ],
      },
      { parent: this },
    );

    this.role = new aws.iam.Role(
      name,
      {
        name: args.roleName,
        description: "Assumed by SSM to run retraining maintenance window tasks",
        assumeRolePolicy: trust.json,
        maxSessionDuration: 3600,
        tags: args.tags,
      },
      { parent: this },
    );

    const fleetTag = [
      { test: "StringEquals", variable: `ssm:resourceTag/${TAG_KEYS.fleet}`, values: [args.fleetTagValue] },
    ];
    const ec2FleetTag = [
      { test: "StringEquals", variable: `aws:ResourceTag/${TAG_KEYS.fleet}`, values: [args.fleetTagValue] },
    ];
    const statements: aws.types.input.iam.GetPolicyDocumentStatementArgs[] = [
      {
        sid: "RunProjectDocuments",
        actions: ["ssm:SendCommand"],
        resources: [
          ssmArn(`document/${args.documentNamePrefix}*`),
          pulumi.interpolate`arn:${partition}:s3:::${args.artifactBucket}`,
        ],
      },
      {
        sid: "RunOnFleetInstancesOnly",
        actions: ["ssm:SendCommand"],
        resources: [instancesArn],
        conditions: fleetTag,
      },
      {
        // These actions have no resource type in AWS's authorization reference: "*" is the only form.
        sid: "FollowCommands",
        actions: [
          "ssm:CancelCommand",
          "ssm:GetCommandInvocation",
          "ssm:ListCommandInvocations",
          "ssm:ListCommands",
          "ssm:DescribeInstanceInformation",
          "ec2:DescribeInstanceStatus",
          "ec2:DescribeInstances",
        ],
        resources: ["*"],
      },
      {
        sid: "PassOnlyItselfToSsm",
        actions: ["iam:PassRole"],
        resources: [this.role.arn],
        conditions: [
          { test: "StringEquals", variable: "iam:PassedToService", values: ["ssm.amazonaws.com"] },
        ],
      },
    ];
    if (args.allowStartStop) {
      statements.push(
        {
          sid: "StartStopAutomations",
          actions: ["ssm:StartAutomationExecution"],
          resources: [
            ssmArn("automation-definition/AWS-StartEC2Instance:*"),
            ssmArn("automation-definition/AWS-StopEC2Instance:*"),
            ssmArn("automation-execution/*"),
          ],
        },
        {
          sid: "FollowAutomations",
          actions: ["ssm:GetAutomationExecution"],
          resources: [ssmArn("automation-execution/*")],
        },
        {
          sid: "StartStopFleetInstancesOnly",
          actions: ["ec2:StartInstances", "ec2:StopInstances"],
          resources: [instancesArn],
          conditions: ec2FleetTag,
        },
      );
    }
    const permissions = aws.iam.getPolicyDocumentOutput({ statements }, { parent: this });
    new aws.iam.RolePolicy(
      `${name}-permissions`,
      { name: "retrain-window-tasks", role: this.role.name, policy: permissions.json },
      { parent: this },
    );

    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
    this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName });
  }
}
