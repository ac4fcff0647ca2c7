import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface TrainingArtifactsArgs {
  /** S3 bucket name (globally unique). */
  bucketName: pulumi.Input<string>;
  /** CloudWatch Logs group receiving the output of every training command, e.g. `/retrain/prod/runs`. */
  logGroupName: string;
  /** Days the log group keeps events. */
  logRetentionDays: number;
  tags?: pulumi.Input<Record<string, string>>;
}

/**
 * Where training runs leave their traces: a private, encrypted, versioned bucket (objects owned by
 * the bucket owner, public access blocked) and a log group with a retention.
 */
export class TrainingArtifacts extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly logGroupArn: pulumi.Output<string>;

  constructor(name: string, args: TrainingArtifactsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:iam:TrainingArtifacts", name, {}, opts);
    const child = { parent: this };
    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: args.bucketName, tags: args.tags }, child);
    const bucket = this.bucket.id;
    new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      child,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
      },
      child,
    );
    new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket, versioningConfiguration: { status: "Enabled" } },
      child,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: args.logGroupName, retentionInDays: args.logRetentionDays, tags: args.tags },
      child,
    );

    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.logGroupName = logGroup.name;
    this.logGroupArn = logGroup.arn;
    this.registerOutputs({ bucketName: this.bucketName, logGroupName: this.logGroupName });
  }
}
