import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../aws-context.js";

export interface TrainingInstanceRoleArgs {
  /** Role and instance profile name, e.g. `retrain-prod-training-instance`. */
  roleName: string;
  /** Artifact bucket name. */
  artifactBucket: pulumi.Input<string>;
  /** Key prefixes the instances may write (`runs/` for command output, `models/` for results). */
  writablePrefixes?: string[];
  /** The log group the training commands stream to. */
  logGroupName: pulumi.Input<string>;
  tags?: pulumi.Input<Record<string, string>>;
}

/**
 * The role of the GPU instances: what SSM needs to manage them (AmazonSSMManagedInstanceCore),
 * writing objects under the artifact bucket's prefixes and streams of one log group, nothing else.
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
        description: "GPU training instances of the retraining fleet",
        assumeRolePolicy: trust.json,
        tags: args.tags,
      },
      child,
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-ssm-core`,
      {
        role: this.role.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
      },
      child,
    );

    const bucketArn = pulumi.interpolate`arn:${partition}:s3:::${args.artifactBucket}`;
    const logGroupArn = pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:${args.logGroupName}`;
    const prefixes = args.writablePrefixes ?? ["runs/", "models/"];
    const permissions = aws.iam.getPolicyDocumentOutput(
      {
        statements: [
          {
            sid: "WriteArtifacts",
            actions: ["s3:PutObject", "s3:AbortMultipartUpload"],
            resources: prefixes.map((p) => pulumi.interpolate`${bucketArn}/${p}*`),
          },
          // The SSM agent checks the bucket's encryption before uploading command output.
          { sid: "ReadBucketEncryption", actions: ["s3:GetEncryptionConfiguration"], resources: [bucketArn] },
          {
            sid: "StreamCommandOutput",
            actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            resources: [
              pulumi.interpolate`${logGroupArn}:*`,
              pulumi.interpolate`${logGroupArn}:log-stream:*`,
            ],
          },
          // No resource type exists for this action; the agent calls it before streaming.
          { sid: "FindLogGroup", actions: ["logs:DescribeLogGroups"], resources: ["*"] },
        ],
      },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-artifacts`,
      { name: "retrain-artifacts", role: this.role.name, policy: permissions.json },
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
