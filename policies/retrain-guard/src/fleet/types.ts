/** Resource types the fleet hygiene policies read (@pulumi/aws v7 tokens). */
export const INSTANCE_TYPE = "aws:ec2/instance:Instance";
export const LAUNCH_TEMPLATE_TYPE = "aws:ec2/launchTemplate:LaunchTemplate";
export const EBS_VOLUME_TYPE = "aws:ebs/volume:Volume";
export const SECURITY_GROUP_TYPE = "aws:ec2/securityGroup:SecurityGroup";
export const SECURITY_GROUP_RULE_TYPE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const VPC_INGRESS_RULE_TYPE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

/** Human name of a resource for messages: `Instance "gpu-a10g-0"`. */
export function label(type: string, name: string): string {
  return `${type.split(":").pop()} "${name}"`;
}
