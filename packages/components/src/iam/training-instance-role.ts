import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../aws-context.js";

export interface TrainingInstanceRoleArgs {
  /** Role and instance profile name, e.g. `retrain-prod-training-instance`. */
  roleName: string;
  /** Artifact bucket name. */
  artifactBucket: pulumi.Input<string>;
  /** The log group the SSM agent streams command output to. */
  logGroupName: pulumi.Input<string>;
  /**
   * Prefix of the project's SSM documents (`retrain-<env>-`): associations make the agent fetch
   * their document, and only these may be fetched.
   */
  documentNamePrefix: string;
  /** Name prefix of the team training roles (`retrain-<env>-team-`): the only roles it may assume. */
  teamRoleNamePrefix: string;
  tags?: pulumi.Input<Record<string, string>>;
}

/** Key prefix the SSM agent writes command output under (tasks set `runs/<team>/<window>/<task>`). */
export const AGENT_OUTPUT_PREFIX = "runs/";

/**
 * The role of the GPU instances, used only by root (the metadata service answers root only): what
 * the SSM agent needs, the agent's command output to S3 and CloudWatch, and assuming the team
 * training roles. Nothing a team run needs: the run gets its team role's session instead.
 *
 * The agent's part is a scoped copy of AmazonSSMManagedInstanceCore (v2,
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html)
 * without Parameter Store (ssm:GetParameter/GetParameters), Inventory (PutInventory), Patch Manager
 * (GetDeployablePatchSnapshotForInstance), Distributor (GetManifest, PutConfigurePackageResult) and
 * ListAssociations; documents limited to the project's own.
 */
export class TrainingInstanceRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly roleArn: pulumi.Output<string>;
  readonly instanceProfileName: pulumi.Output<string>;

  constructor(name: string, args: TrainingInstanceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:iam:TrainingInstanceRole", name, {}, opts);
    const child = { parent: this };
    const { accountId, partition, region } = awsContext(this);

    const trust = aws.iam.getPolicyDocumentOutput(
      {
        statements: [
          {
            sid: "Ec2Instances",
            actions: ["sts:AssumeRole"],
            principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }],
          },
        ],
      },
      child,
    );
    this.role = new aws.iam.Role(
      name,
      {
        name: args.roleName,
        description:
          "GPU training instances of the retraining fleet (root side: SSM agent, team role hand-off)",
        assumeRolePolicy: trust.json,
        tags: args.tags,
      },
      child,
    );

    const ssm = (resource: string) =>
      pulumi.interpolate`arn:${partition}:ssm:${region}:${accountId}:${resource}`;
    const bucketArn = pulumi.interpolate`arn:${partition}:s3:::${args.artifactBucket}`;
    const logGroupArn = pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:${args.logGroupName}`;
    const agent = aws.iam.getPolicyDocumentOutput(
      {
        statements: [
          {
            // The managed node reporting itself and its associations: AmazonSSMManagedInstanceCore's
            // first statement, in AWS's own form ("*"; the agent names only its own node and the
            // associations SSM hands it, and AWS documents no narrower resource for these calls).
            sid: "ManagedNode",
            actions: [
              "ssm:UpdateInstanceInformation",
              "ssm:ListInstanceAssociations",
              "ssm:DescribeAssociation",
              "ssm:UpdateInstanceAssociationStatus",
              "ssm:PutComplianceItems",
            ],
            resources: ["*"],
          },
          {
            sid: "ProjectDocumentsOnly",
            actions: ["ssm:GetDocument", "ssm:DescribeDocument"],
            resources: [ssm(`document/${args.documentNamePrefix}*`)],
          },
          {
            // Run Command and Session channels; these actions have no resource type ("*" only).
            sid: "AgentChannels",
            actions: [
              "ssmmessages:CreateControlChannel",
              "ssmmessages:CreateDataChannel",
              "ssmmessages:OpenControlChannel",
              "ssmmessages:OpenDataChannel",
              "ec2messages:AcknowledgeMessage",
              "ec2messages:DeleteMessage",
              "ec2messages:FailMessage",
              "ec2messages:GetEndpoint",
              "ec2messages:GetMessages",
              "ec2messages:SendReply",
            ],
            resources: ["*"],
          },
          {
            // Command output (outputS3KeyPrefix runs/<team>/...): the agent uploads with
            // PutObject(+Acl) and reads the bucket's encryption first:
            // https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html
            sid: "AgentOutputToS3",
            actions: ["s3:PutObject", "s3:PutObjectAcl", "s3:AbortMultipartUpload"],
            resources: [pulumi.interpolate`${bucketArn}/${AGENT_OUTPUT_PREFIX}*`],
          },
          { sid: "ReadBucketEncryption", actions: ["s3:GetEncryptionConfiguration"], resources: [bucketArn] },
          {
            sid: "AgentOutputToCloudWatch",
            actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
            resources: [pulumi.interpolate`${logGroupArn}:log-stream:*`],
          },
          {
            // The group's ARN in both forms AWS uses (DescribeLogGroups returns it with ":*").
            sid: "FindLogStreams",
            actions: ["logs:DescribeLogStreams"],
            resources: [logGroupArn, pulumi.interpolate`${logGroupArn}:*`],
          },
          // No resource type exists for this action; the agent calls it before streaming.
          { sid: "FindLogGroup", actions: ["logs:DescribeLogGroups"], resources: ["*"] },
          {
            // The document's root side hands each run its team's session; no TagSession or
            // SetSourceIdentity, which the hand-off does not use.
            sid: "AssumeTeamRolesOnly",
            actions: ["sts:AssumeRole"],
            resources: [
              pulumi.interpolate`arn:${partition}:iam::${accountId}:role/${args.teamRoleNamePrefix}*`,
            ],
          },
        ],
      },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-agent`,
      { name: "retrain-instance-root", role: this.role.name, policy: agent.json },
      child,
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { name: args.roleName, role: this.role.name, tags: args.tags },
      child,
    );

    this.roleArn = this.role.arn;
    this.instanceProfileName = profile.name;
    this.registerOutputs({ roleArn: this.roleArn, instanceProfileName: this.instanceProfileName });
  }
}
