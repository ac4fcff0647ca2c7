/**
 * The names of the AWS endpoint services the fleet reaches privately. Most are
 * `com.amazonaws.<region>.<service>`, but in the two China regions some services are published as
 * `cn.com.amazonaws.<region>.<service>` (sts among them; ssm, ssmmessages, ec2messages, logs and the
 * s3 gateway keep `com.amazonaws`): CreateVpcEndpoint refuses the other spelling. Only the services
 * the project uses are listed; AWS's own list is `aws ec2 describe-vpc-endpoint-services` in the
 * region (AWS CDK keeps the same exceptions, aws-ec2/lib/vpc-endpoint.ts, for its interface endpoints).
 * Written by hand: no maintained library publishes these names.
 */
const CHINA_PREFIXED: Readonly<Record<string, readonly string[]>> = {
  "cn-north-1": ["sts"],
  "cn-northwest-1": ["sts"],
};

/** The endpoint service name of `service` (an interface or gateway endpoint) in `region`. */
export function endpointServiceName(region: string, service: string): string {
  const prefix = CHINA_PREFIXED[region]?.includes(service) ? "cn.com.amazonaws" : "com.amazonaws";
  return `${prefix}.${region}.${service}`;
}

/**
 * The region and service of an AWS endpoint service name (`com.amazonaws.<region>.<service>` or
 * `cn.com.amazonaws.<region>.<service>`), undefined for another name (a PrivateLink service,
 * `com.amazonaws.vpce.<region>.vpce-svc-...`).
 */
export function parseEndpointServiceName(name: string): { region: string; service: string } | undefined {
  const m = /^(?:cn\.)?com\.amazonaws\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.(.+)$/.exec(name);
  return m?.[1] && m[2] ? { region: m[1], service: m[2] } : undefined;
}
