/** The account, partition and region a component's ARNs are built from, read through invokes. */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface AwsContext {
  accountId: pulumi.Output<string>;
  /** `aws`, `aws-cn`, `aws-us-gov`: ARNs are never hard-coded to the commercial partition. */
  partition: pulumi.Output<string>;
  region: pulumi.Output<string>;
}

export function awsContext(parent: pulumi.Resource): AwsContext {
  const opts = { parent };
  return {
    accountId: aws.getCallerIdentityOutput({}, opts).accountId,
    partition: aws.getPartitionOutput({}, opts).partition,
    region: aws.getRegionOutput({}, opts).region,
  };
}
