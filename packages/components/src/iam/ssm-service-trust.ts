import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../aws-context.js";

/**
 * Trust policy of a role Systems Manager assumes (maintenance window tasks, Automation runbooks):
 * `ssm.amazonaws.com`, only on behalf of this account and region. The condition pair is the
 * confused-deputy form AWS documents for Systems Manager, `aws:SourceAccount` plus `aws:SourceArn`
 * `arn:<partition>:ssm:<region>:<account>:*` (the SourceArn of a window task or automation
 * execution is a resource of this account and region):
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/cross-service-confused-deputy-prevention.html
 */
export function ssmServiceTrust(
  { accountId, partition, region }: AwsContext,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  return aws.iam.getPolicyDocumentOutput(
    {
      statements: [
        {
          sid: "SsmServiceOfThisAccount",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["ssm.amazonaws.com"] }],
          conditions: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
            {
              test: "ArnLike",
              variable: "aws:SourceArn",
              values: [pulumi.interpolate`arn:${partition}:ssm:${region}:${accountId}:*`],
            },
          ],
        },
      ],
    },
    { parent },
  ).json;
}
