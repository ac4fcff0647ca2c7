import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../aws-context.js";

export interface RunLogDeliveryPolicyArgs {
  /** Resource policy name, e.g. `retrain-prod-run-logs`. */
  policyName: string;
  /**
   * Log group name prefix the teams' run logs share, e.g. `/aws/events/retrain-prod-`: EventBridge may
   * write only to `<prefix>*-runs` groups of this account and region.
   */
  logGroupPrefix: string;
}

/** The run logs of an environment's teams: `/aws/events/retrain-<env>-<team>-runs`. */
export const runLogGroupPrefix = (environment: string): string => `/aws/events/retrain-${environment}-`;

/**
 * The one CloudWatch Logs resource policy that lets EventBridge write the teams' run events into
 * their run logs. Logs allows only 10 resource policies per account and region
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html),
 * so a policy per team stack would stop deploying at the eleventh team: the environment owns one.
 * EventBridge writes to Logs only through such a policy
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions).
 */
export class RunLogDeliveryPolicy extends pulumi.ComponentResource {
  readonly policyName: pulumi.Output<string | undefined>;

  constructor(name: string, args: RunLogDeliveryPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:iam:RunLogDeliveryPolicy", name, {}, opts);
    const { accountId, partition, region } = awsContext(this);
    const policy = new aws.cloudwatch.LogResourcePolicy(
      name,
      {
        policyName: args.policyName,
        policyDocument: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "TeamRunEventsIntoTheirRunLogs",
              Effect: "Allow",
              Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:${args.logGroupPrefix}*-runs:*`,
            },
          ],
        }),
      },
      { parent: this },
    );
    this.policyName = policy.policyName;
    this.registerOutputs({ policyName: this.policyName });
  }
}
