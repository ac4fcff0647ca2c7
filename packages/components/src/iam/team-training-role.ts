import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TAG_KEYS } from "@retrain/config";
import { awsContext } from "../aws-context.js";

/** Artifact bucket prefixes of a team: its runs and models (read/write) and datasets (read only). */
export const teamPrefixes = (team: string) =>
  ({
    runs: `runs/${team}/`,
    models: `models/${team}/`,
    datasets: `datasets/${team}/`,
  }) as const;

/** Prefix of the log streams a team's run may write in the environment's run log group. */
export const teamLogStreamPrefix = (team: string): string => `teams/${team}/`;

export interface TeamTrainingRoleArgs {
  /** IAM role name, `retrain-<env>-team-<team>`. */
  roleName: string;
  team: string;
  /** The instance role: the only principal that may assume this role (the document's root side). */
  instanceRoleArn: pulumi.Input<string>;
  artifactBucket: pulumi.Input<string>;
  /** The run log group; the team writes only streams under {@link teamLogStreamPrefix}. */
  logGroupName: pulumi.Input<string>;
  tags?: pulumi.Input<Record<string, string>>;
}

/**
 * The credentials one team's run gets: the root side of the training document assumes this role and
 * hands the short-lived session to the run. It reaches only the team's own bucket prefixes and log
 * streams; another team's data, Parameter Store and every other API stay out of reach.
 */
export class TeamTrainingRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: TeamTrainingRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:iam:TeamTrainingRole", name, {}, opts);
    const { accountId, partition, region } = awsContext(this);

    // The account as principal, narrowed to the instance role by aws:PrincipalArn: a role ARN as
    // Principal is stored as the role's unique id, and a replaced instance role would silently lose
    // the trust (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles).
    const trust = aws.iam.getPolicyDocumentOutput(
      {
        statements: [
          {
            sid: "OnlyTheInstanceRole",
            actions: ["sts:AssumeRole"],
            principals: [
              { type: "AWS", identifiers: [pulumi.interpolate`arn:${partition}:iam::${accountId}:root`] },
            ],
            conditions: [{ test: "ArnEquals", variable: "aws:PrincipalArn", values: [args.instanceRoleArn] }],
          },
        ],
      },
      { parent: this },
    );
    this.role = new aws.iam.Role(
      name,
      {
        name: args.roleName,
        description: `Credentials of team ${args.team}'s training runs: its own prefixes and log streams only`,
        assumeRolePolicy: trust.json,
        // Assumed from the instance role's session: role chaining caps a session at one hour anyway.
        maxSessionDuration: 3600,
        tags: pulumi.output(args.tags).apply((t) => ({ ...t, [TAG_KEYS.team]: args.team })),
      },
      { parent: this },
    );

    const bucketArn = pulumi.interpolate`arn:${partition}:s3:::${args.artifactBucket}`;
    const p = teamPrefixes(args.team);
    const streams = pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:${args.logGroupName}:log-stream:${teamLogStreamPrefix(args.team)}*`;
    const permissions = aws.iam.getPolicyDocumentOutput(
      {
        statements: [
          {
            sid: "ReadWriteOwnRunsAndModels",
            actions: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
            resources: [
              pulumi.interpolate`${bucketArn}/${p.runs}*`,
              pulumi.interpolate`${bucketArn}/${p.models}*`,
            ],
          },
          {
            sid: "ReadOwnDatasets",
            actions: ["s3:GetObject"],
            resources: [pulumi.interpolate`${bucketArn}/${p.datasets}*`],
          },
          {
            // ListBucket is a bucket action: s3:prefix keeps the listing inside the team's prefixes.
            sid: "ListOwnPrefixesOnly",
            actions: ["s3:ListBucket"],
            resources: [bucketArn],
            conditions: [
              {
                test: "StringLike",
                variable: "s3:prefix",
                values: [`${p.runs}*`, `${p.models}*`, `${p.datasets}*`],
              },
            ],
          },
          {
            sid: "WriteOwnLogStreams",
            actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
            resources: [streams],
          },
        ],
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-permissions`,
      { name: "retrain-team-run", role: this.role.name, policy: permissions.json },
      { parent: this },
    );

    this.roleArn = this.role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
