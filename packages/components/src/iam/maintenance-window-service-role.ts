import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TAG_KEYS } from "@retrain/config";
import { awsContext } from "../aws-context.js";
import { ssmServiceTrust } from "./ssm-service-trust.js";
import { START_STOP_RUNBOOKS } from "./start-stop-automation-role.js";

export interface MaintenanceWindowServiceRoleArgs {
  /** IAM role name, e.g. `retrain-prod-maintenance-window`. */
  roleName: string;
  /**
   * Prefix of the project-owned SSM Command documents the role may run, e.g. `retrain-prod-`: the
   * role gets `ssm:SendCommand` on `document/<prefix>*` of its account and region only.
   */
  documentNamePrefix: string;
  /** Value of the `retrain:fleet` tag; commands reach only instances carrying it. */
  fleetTagValue: pulumi.Input<string>;
  /** Artifact bucket the commands write their output to (SendCommand authorizes the output bucket). */
  artifactBucket: pulumi.Input<string>;
  /**
   * Name prefix of the per-pool start/stop automation roles (StartStopAutomationRole,
   * `retrain-<env>-startstop-`) the window passes as `AutomationAssumeRole` of AWS-StartEC2Instance /
   * AWS-StopEC2Instance; absent: no start/stop. A prefix, as for the documents, not a list of ARNs:
   * a role's inline policies share 10,240 characters, which a list of every pool's role outgrows
   * (at ≈140 pools; the plan refuses such a policy as AWS would).
   */
  startStopRoleNamePrefix?: string;
  tags?: pulumi.Input<Record<string, string>>;
}

/**
 * The role `ssm.amazonaws.com` assumes to run maintenance window tasks (trust: this account's
 * Systems Manager, `ssmServiceTrust`). It may send the project's command documents to the fleet's
 * instances, start the two AWS-owned start/stop runbooks and pass them the pool's automation role;
 * it cannot start or stop an instance itself.
 *
 * Not granted, on purpose: `tag:GetResources` and `resource-groups:*` of AWS's baseline policy
 * (AmazonSSMMaintenanceWindowRole) serve RESOURCE_GROUP targets, and `ssm:GetParameters` serves
 * task parameters that reference Parameter Store (`{{ssm:name}}`); the project's targets are
 * instances by tag and its parameters are literals
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/configuring-maintenance-window-permissions-console.html).
 */
export class MaintenanceWindowServiceRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly roleArn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: MaintenanceWindowServiceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:iam:MaintenanceWindowServiceRole", name, {}, opts);
    const context = awsContext(this);
    const { accountId, partition, region } = context;
    const ssmArn = (resource: string) =>
      pulumi.interpolate`arn:${partition}:ssm:${region}:${accountId}:${resource}`;
    // AWS-owned documents are authorized on ARNs without an account:
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-identity-based-policies.html
    const awsOwned = (resource: string) => pulumi.interpolate`arn:${partition}:ssm:${region}::${resource}`;
    const instancesArn = pulumi.interpolate`arn:${partition}:ec2:${region}:${accountId}:instance/*`;

    this.role = new aws.iam.Role(
      name,
      {
        name: args.roleName,
        description: "Assumed by SSM to run retraining maintenance window tasks",
        assumeRolePolicy: ssmServiceTrust(context, this),
        maxSessionDuration: 3600,
        tags: args.tags,
      },
      { parent: this },
    );

    const passedToSsm = [
      { test: "StringEquals", variable: "iam:PassedToService", values: ["ssm.amazonaws.com"] },
    ];
    const statements: aws.types.input.iam.GetPolicyDocumentStatementArgs[] = [
      {
        // SendCommand authorizes the document, each instance and the output bucket:
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
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
        conditions: [
          {
            test: "StringEquals",
            variable: `ssm:resourceTag/${TAG_KEYS.fleet}`,
            values: [args.fleetTagValue],
          },
        ],
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
        conditions: passedToSsm,
      },
    ];
    if (args.startStopRoleNamePrefix !== undefined) {
      statements.push(
        {
          // StartAutomationExecution authorizes the definition, the document and the execution it
          // creates (its id is assigned at start, hence automation-execution/*).
          sid: "StartStopAutomations",
          actions: ["ssm:StartAutomationExecution"],
          resources: [
            ...START_STOP_RUNBOOKS.flatMap((runbook) => [
              awsOwned(`automation-definition/${runbook}:*`),
              awsOwned(`document/${runbook}`),
            ]),
            ssmArn("automation-execution/*"),
          ],
        },
        {
          sid: "FollowAutomations",
          actions: ["ssm:GetAutomationExecution"],
          resources: [ssmArn("automation-execution/*")],
        },
        {
          // The runbooks act as the pool's role (AutomationAssumeRole), which the caller must pass.
          sid: "PassPoolStartStopRolesToSsm",
          actions: ["iam:PassRole"],
          resources: [
            pulumi.interpolate`arn:${partition}:iam::${accountId}:role/${args.startStopRoleNamePrefix}*`,
          ],
          conditions: passedToSsm,
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
