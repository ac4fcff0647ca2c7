/** The account, partition and region a component's ARNs are built from, read through invokes. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AwsContext {
  accountId: pulumi.Output<string>;
  /** `aws`, `aws-cn`, `aws-us-gov`: ARNs are never hard-coded to the commercial partition. */
  partition: pulumi.Output<string>;
  region: pulumi.Output<string>;
}

/** The token whose provider answers the three invokes (all three are `aws:index` functions). */
const INVOKE_TOKEN = "aws:index/getCallerIdentity:getCallerIdentity";

/**
 * One context per program run and AWS provider: the invokes depend on nothing else, and the iam
 * stack builds one component per team (three invokes each, with their Outputs, made that stack's
 * memory grow by a third per team for the same three answers). Keyed by the run's stack resource,
 * so a context never outlives its run (the plan runs many programs in one process).
 */
const contexts = new WeakMap<pulumi.Resource, Map<pulumi.ProviderResource | undefined, AwsContext>>();

export function awsContext(parent: pulumi.Resource): AwsContext {
  const stack = pulumi.runtime.getStackResource();
  const provider = parent.getProvider(INVOKE_TOKEN);
  const known = stack ? contexts.get(stack) : undefined;
  const cached = known?.get(provider);
  if (cached) return cached;
  const opts = { parent };
  const context: AwsContext = {
    accountId: aws.getCallerIdentityOutput({}, opts).accountId,
    partition: aws.getPartitionOutput({}, opts).partition,
    region: aws.getRegionOutput({}, opts).region,
  };
  if (stack) contexts.set(stack, (known ?? new Map()).set(provider, context));
  return context;
}
