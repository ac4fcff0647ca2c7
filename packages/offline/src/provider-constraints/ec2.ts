/** EC2: instances, launch templates, security groups, and the network (VPC, subnets, endpoints, routes). */

import { endpointServiceName, parseEndpointServiceName } from "@retrain/config";
import {
  api,
  atMostOne,
  type Constraint,
  type ConstraintContext,
  type ConstraintFinding,
  conflicts,
  type Inputs,
  intRange,
  isSet,
  length,
  oneOf,
  pattern,
  type RegisteredResource,
  rule,
  tf,
} from "./engine.js";

const INSTANCE = tf("ec2/ec2_instance.go");
const LAUNCH_TEMPLATE = tf("ec2/ec2_launch_template.go");
/** ValidLaunchTemplateName: 3-125 characters of `[0-9A-Za-z()./_-]`. */
const LT_NAME = "terraform-provider-aws internal/verify/validate.go (ValidLaunchTemplateName)";
const RUN_INSTANCES = api("https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html");
const SG_API = api("https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html");
const SG_RULE_API = api("https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html");
const VPC_API = api("https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html");
const ENDPOINT_API = api("https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html");
const VOLUME_TYPES = ["standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"];

/** The instance-metadata options block shared by instances and launch templates. */
const metadata = (source: string): Constraint[] => [
  oneOf("metadataOptions.httpTokens", ["optional", "required"], { source, good: "required", bad: "v2" }),
  oneOf("metadataOptions.httpEndpoint", ["enabled", "disabled"], { source, good: "enabled", bad: "on" }),
  oneOf("metadataOptions.instanceMetadataTags", ["enabled", "disabled"], {
    source,
    good: "disabled",
    bad: "off",
  }),
  intRange("metadataOptions.httpPutResponseHopLimit", 1, 64, { source, good: 1, bad: 0 }),
];

/** An IPv4 CIDR with a prefix in [min, max]. */
function cidr(path: string, min: number, max: number, source: string): Constraint {
  return rule(
    path,
    (i) => {
      const v = i[path];
      if (typeof v !== "string") return [];
      const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
      const ok = m?.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= min && Number(m[5]) <= max;
      return ok
        ? []
        : [
            {
              path,
              message: `${path} = ${JSON.stringify(v)}: must be an IPv4 CIDR block from /${min} to /${max}`,
            },
          ];
    },
    { source, phase: "up", good: { [path]: "10.42.0.0/16" }, bad: { [path]: "10.42.0.0/8" } },
  );
}

/**
 * The provider builds an explicit network interface (subnet, public-IP flag, the instance's security
 * groups moved onto it) when an instance sets subnetId together with associatePublicIpAddress,
 * privateIp or secondaryPrivateIps (buildInstanceOpts in ec2/ec2_instance.go).
 */
function providerBuildsInterface(i: Inputs): boolean {
  return (
    isSet(i, "networkInterfaces") ||
    (isSet(i, "subnetId") &&
      (typeof i.associatePublicIpAddress === "boolean" ||
        isSet(i, "privateIp") ||
        isSet(i, "secondaryPrivateIps")))
  );
}

/** The launch template an instance names by id, when it was registered in this run. */
function templateOf(i: Inputs, ctx: ConstraintContext): RegisteredResource | undefined {
  const lt = i.launchTemplate as { id?: unknown } | undefined;
  const id = typeof lt?.id === "string" ? lt.id : undefined;
  const found = id ? ctx.byId(id) : undefined;
  return found?.type === "aws:ec2/launchTemplate:LaunchTemplate" ? found : undefined;
}

const TEMPLATE_ID = "lt-0123456789abcdef0";
const template = (inputs: Inputs): Record<string, RegisteredResource> => ({
  [TEMPLATE_ID]: {
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    name: "pool",
    urn: "urn:pulumi:dev::fleet::aws:ec2/launchTemplate:LaunchTemplate::pool",
    inputs,
  },
});

/**
 * RunInstances with network interfaces must not carry instance-level security groups or subnet
 * (EC2's InvalidParameterCombination; pulumi/pulumi-aws#2506, hashicorp/terraform-provider-aws#32614):
 * the launch template's security groups/subnet count as instance-level when the request (from the
 * instance or the template) has network interfaces.
 */
function interfaceCombination(i: Inputs, ctx: ConstraintContext): ConstraintFinding[] {
  const lt = templateOf(i, ctx);
  if (!lt) return [];
  const t = lt.inputs;
  const out: ConstraintFinding[] = [];
  const templateGroups = isSet(t, "vpcSecurityGroupIds") || isSet(t, "securityGroupNames");
  if (providerBuildsInterface(i) && templateGroups) {
    out.push({
      path: "launchTemplate",
      message:
        `the provider turns subnetId + ${typeof i.associatePublicIpAddress === "boolean" ? "associatePublicIpAddress" : "privateIp"} into a network interface, ` +
        `while launch template "${lt.name}" sets instance-level security groups (vpcSecurityGroupIds/securityGroupNames): ` +
        "EC2 rejects the launch (InvalidParameterCombination: Network interfaces and an instance-level security groups may not be specified on the same request). " +
        "Put the security groups in one place: on the template's networkInterfaces, or on the instance without associatePublicIpAddress",
    });
  }
  if (isSet(t, "networkInterfaces")) {
    const instanceLevel = ["subnetId", "vpcSecurityGroupIds", "securityGroups", "privateIp"].filter((p) =>
      isSet(i, p),
    );
    if (instanceLevel.length > 0)
      out.push({
        path: instanceLevel.join(", "),
        message:
          `launch template "${lt.name}" defines networkInterfaces, so instance-level ${instanceLevel.join(", ")} ` +
          "make EC2 reject the launch (InvalidParameterCombination: Network interfaces and an instance-level subnet ID/security groups may not be specified on the same request). " +
          "Set the subnet and security groups on the template's network interface only",
      });
  }
  return out;
}

export const EC2_CONSTRAINTS: Record<string, Constraint[]> = {
  "aws:ec2/instance:Instance": [
    conflicts(
      "networkInterfaces",
      [
        "associatePublicIpAddress",
        "subnetId",
        "privateIp",
        "secondaryPrivateIps",
        "vpcSecurityGroupIds",
        "securityGroups",
        "ipv6Addresses",
        "ipv6AddressCount",
        "sourceDestCheck",
      ],
      {
        source: INSTANCE,
        good: { networkInterfaces: [{ networkInterfaceId: "eni-1", deviceIndex: 0 }] },
        bad: { networkInterfaces: [{ networkInterfaceId: "eni-1", deviceIndex: 0 }], subnetId: "subnet-1" },
      },
    ),
    conflicts("ipv6AddressCount", ["ipv6Addresses"], {
      source: INSTANCE,
      good: { ipv6AddressCount: 1 },
      bad: { ipv6AddressCount: 1, ipv6Addresses: ["::1"] },
    }),
    atMostOne(["launchTemplate.id", "launchTemplate.name"], {
      source: INSTANCE,
      good: { launchTemplate: { id: TEMPLATE_ID } },
      bad: { launchTemplate: { id: TEMPLATE_ID, name: "pool" } },
    }),
    length("launchTemplate.version", 1, 255, { source: INSTANCE, good: "1", bad: "" }),
    ...metadata(INSTANCE),
    oneOf("rootBlockDevice.volumeType", VOLUME_TYPES, { source: INSTANCE, good: "gp3", bad: "ssd" }),
    oneOf("instanceInitiatedShutdownBehavior", ["stop", "terminate"], {
      source: RUN_INSTANCES,
      phase: "up",
      good: "stop",
      bad: "hibernate",
    }),
    rule("network interface vs launch template", interfaceCombination, {
      source: `${INSTANCE} (buildInstanceOpts), ${RUN_INSTANCES}`,
      phase: "up",
      good: { launchTemplate: { id: TEMPLATE_ID }, subnetId: "subnet-1", vpcSecurityGroupIds: ["sg-1"] },
      bad: { launchTemplate: { id: TEMPLATE_ID }, subnetId: "subnet-1", associatePublicIpAddress: false },
      others: template({ vpcSecurityGroupIds: ["sg-1"] }),
    }),
  ],
  "aws:ec2/launchTemplate:LaunchTemplate": [
    pattern("name", /^[a-zA-Z0-9().\-/_]+$/, "letters, digits and '().-/_'", {
      source: LT_NAME,
      good: "retrain-prod-a10g",
      bad: "retrain prod",
    }),
    length("name", 3, 125, { source: LT_NAME, good: "retrain-prod-a10g", bad: "lt" }),
    length("description", 0, 255, { source: LAUNCH_TEMPLATE, good: "pool a10g", bad: "d".repeat(256) }),
    conflicts("name", ["namePrefix"], {
      source: LAUNCH_TEMPLATE,
      good: { name: "abc" },
      bad: { name: "abc", namePrefix: "ab" },
    }),
    ...metadata(LAUNCH_TEMPLATE),
    oneOf("instanceInitiatedShutdownBehavior", ["stop", "terminate"], {
      source: LAUNCH_TEMPLATE,
      good: "stop",
      bad: "hibernate",
    }),
    oneOf("blockDeviceMappings[].ebs.volumeType", VOLUME_TYPES, {
      source: LAUNCH_TEMPLATE,
      good: "gp3",
      bad: "ssd",
    }),
    conflicts("networkInterfaces", ["vpcSecurityGroupIds", "securityGroupNames"], {
      source: RUN_INSTANCES,
      phase: "up",
      good: { networkInterfaces: [{ securityGroups: ["sg-1"] }] },
      bad: { networkInterfaces: [{ securityGroups: ["sg-1"] }], vpcSecurityGroupIds: ["sg-1"] },
    }),
    rule(
      "userData size",
      (i) =>
        typeof i.userData === "string" && Buffer.from(i.userData, "base64").length > 16 * 1024
          ? [
              {
                path: "userData",
                message: `userData is ${Buffer.from(i.userData, "base64").length} bytes decoded; EC2 allows 16 KB`,
              },
            ]
          : [],
      {
        source: api("https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html"),
        phase: "up",
        good: { userData: Buffer.from("#!/bin/bash\ntrue\n").toString("base64") },
        bad: { userData: Buffer.alloc(16 * 1024 + 1, 65).toString("base64") },
      },
    ),
  ],
  "aws:ec2/securityGroup:SecurityGroup": [
    length("name", 1, 255, {
      source: tf("ec2/vpc_security_group.go"),
      good: "retrain-prod-gpu",
      bad: "n".repeat(256),
    }),
    rule(
      "name prefix",
      (i) =>
        typeof i.name === "string" && i.name.toLowerCase().startsWith("sg-")
          ? [{ path: "name", message: `name = ${JSON.stringify(i.name)}: cannot start with sg-` }]
          : [],
      { source: SG_API, phase: "up", good: { name: "gpu" }, bad: { name: "sg-gpu" } },
    ),
    length("description", 0, 255, {
      source: tf("ec2/vpc_security_group.go"),
      good: "GPU instances",
      bad: "d".repeat(256),
    }),
    pattern(
      "description",
      /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/,
      "a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*",
      {
        source: SG_API,
        phase: "up",
        good: "GPU instances: SSM only",
        bad: "GPU instances – SSM only",
      },
    ),
    // Rule descriptions: validSecurityGroupRuleDescription (ec2/validate.go), checked in preview.
    ...(["ingress[].description", "egress[].description"] as const).map((path) =>
      pattern(
        path,
        /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/,
        "a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*",
        {
          source: tf("ec2/vpc_security_group.go"),
          good: "SSM, S3, CloudWatch",
          bad: "SSM → S3",
        },
      ),
    ),
    // Ports: the API's IpPermission (-1 = all, for ICMP and protocol -1).
    ...(["ingress[].fromPort", "ingress[].toPort", "egress[].fromPort", "egress[].toPort"] as const).map(
      (path) => intRange(path, -1, 65_535, { source: SG_RULE_API, phase: "up", good: 443, bad: 70_000 }),
    ),
  ],
  "aws:ec2/securityGroupRule:SecurityGroupRule": [
    oneOf("type", ["ingress", "egress"], {
      source: tf("ec2/vpc_security_group_rule.go"),
      good: "egress",
      bad: "outbound",
    }),
    atMostOne(["cidrBlocks", "sourceSecurityGroupId", "self"], {
      source: tf("ec2/vpc_security_group_rule.go"),
      good: { cidrBlocks: ["10.0.0.0/16"] },
      bad: { cidrBlocks: ["10.0.0.0/16"], sourceSecurityGroupId: "sg-1" },
    }),
  ],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [
    atMostOne(["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"], {
      source: tf("ec2/vpc_security_group_ingress_rule.go"),
      good: { cidrIpv4: "10.0.0.0/16" },
      bad: { cidrIpv4: "10.0.0.0/16", referencedSecurityGroupId: "sg-1" },
    }),
  ],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [
    atMostOne(["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"], {
      source: tf("ec2/vpc_security_group_egress_rule.go"),
      good: { prefixListId: "pl-1" },
      bad: { prefixListId: "pl-1", cidrIpv4: "0.0.0.0/0" },
    }),
  ],
  "aws:ec2/vpc:Vpc": [
    cidr("cidrBlock", 16, 28, VPC_API),
    oneOf("instanceTenancy", ["default", "dedicated"], {
      source: tf("ec2/vpc_.go"),
      good: "default",
      bad: "host",
    }),
    conflicts("cidrBlock", ["ipv4NetmaskLength"], {
      source: tf("ec2/vpc_.go"),
      good: { cidrBlock: "10.0.0.0/16" },
      bad: { cidrBlock: "10.0.0.0/16", ipv4NetmaskLength: 16 },
    }),
  ],
  "aws:ec2/subnet:Subnet": [
    cidr("cidrBlock", 16, 28, VPC_API),
    conflicts("availabilityZone", ["availabilityZoneId"], {
      source: tf("ec2/vpc_subnet.go"),
      good: { availabilityZone: "eu-west-1a" },
      bad: { availabilityZone: "eu-west-1a", availabilityZoneId: "euw1-az1" },
    }),
  ],
  "aws:ec2/vpcEndpoint:VpcEndpoint": [
    oneOf("vpcEndpointType", ["Gateway", "Interface", "GatewayLoadBalancer", "Resource", "ServiceNetwork"], {
      source: tf("ec2/vpc_endpoint.go"),
      good: "Interface",
      bad: "interface",
    }),
    pattern(
      "serviceName",
      /^(com|cn\.com)\.amazonaws\.[a-z0-9-]+\.[a-z0-9.-]+$|^com\.amazonaws\.vpce\./,
      "an endpoint service name such as com.amazonaws.eu-west-1.ssm",
      {
        source: ENDPOINT_API,
        phase: "up",
        good: "com.amazonaws.eu-west-1.ssmmessages",
        bad: "ssm",
      },
    ),
    rule(
      "the service's name in its region",
      (i) => {
        const name = typeof i.serviceName === "string" ? i.serviceName : "";
        const parsed = parseEndpointServiceName(name);
        if (!parsed) return [];
        const expected = endpointServiceName(parsed.region, parsed.service);
        return name === expected
          ? []
          : [
              {
                path: "serviceName",
                message: `"${name}" is not the service's name in ${parsed.region}: AWS publishes it as "${expected}"`,
              },
            ];
      },
      {
        source: ENDPOINT_API,
        phase: "up",
        good: { serviceName: "cn.com.amazonaws.cn-north-1.sts" },
        bad: { serviceName: "com.amazonaws.cn-north-1.sts" },
      },
    ),
    rule(
      "arguments of the endpoint type",
      (i) => {
        const type = typeof i.vpcEndpointType === "string" ? i.vpcEndpointType : "Gateway";
        const wrong =
          type === "Gateway"
            ? ["subnetIds", "securityGroupIds", "privateDnsEnabled"].filter(
                (p) => isSet(i, p) && i[p] !== false,
              )
            : type === "Interface"
              ? ["routeTableIds"].filter((p) => isSet(i, p))
              : [];
        return wrong.length > 0
          ? [
              {
                path: wrong.join(", "),
                message: `${wrong.join(", ")} cannot be set on a ${type} endpoint (${type === "Gateway" ? "route tables only" : "subnets and security groups only"})`,
              },
            ]
          : [];
      },
      {
        source: ENDPOINT_API,
        phase: "up",
        good: { vpcEndpointType: "Gateway", routeTableIds: ["rtb-1"] },
        bad: { vpcEndpointType: "Interface", subnetIds: ["subnet-1"], routeTableIds: ["rtb-1"] },
      },
    ),
  ],
  "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": [],
  "aws:ec2/routeTable:RouteTable": [],
  "aws:ec2/routeTableAssociation:RouteTableAssociation": [
    atMostOne(["subnetId", "gatewayId"], {
      source: tf("ec2/vpc_route_table_association.go"),
      good: { subnetId: "subnet-1", routeTableId: "rtb-1" },
      bad: { subnetId: "subnet-1", gatewayId: "igw-1", routeTableId: "rtb-1" },
    }),
  ],
  "aws:ec2/route:Route": [
    atMostOne(["destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"], {
      source: tf("ec2/vpc_route.go"),
      good: { destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
      bad: { destinationCidrBlock: "0.0.0.0/0", destinationPrefixListId: "pl-1", natGatewayId: "nat-1" },
    }),
    atMostOne(
      [
        "gatewayId",
        "natGatewayId",
        "networkInterfaceId",
        "transitGatewayId",
        "vpcEndpointId",
        "vpcPeeringConnectionId",
        "egressOnlyGatewayId",
        "carrierGatewayId",
        "localGatewayId",
        "coreNetworkArn",
      ],
      {
        source: tf("ec2/vpc_route.go"),
        good: { destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
        bad: { destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1", gatewayId: "igw-1" },
      },
    ),
  ],
  "aws:ec2/internetGateway:InternetGateway": [],
  // Association resources and the VPC's default group: ids only, nothing to check before the call.
  "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation": [],
  "aws:ec2/vpcEndpointSubnetAssociation:VpcEndpointSubnetAssociation": [],
  "aws:ec2/vpcEndpointSecurityGroupAssociation:VpcEndpointSecurityGroupAssociation": [],
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": [],
  "aws:ec2/flowLog:FlowLog": [
    oneOf("trafficType", ["ACCEPT", "REJECT", "ALL"], {
      source: tf("ec2/vpc_flow_log.go"),
      good: "REJECT",
      bad: "DENY",
    }),
    oneOf("logDestinationType", ["cloud-watch-logs", "s3", "kinesis-data-firehose"], {
      source: tf("ec2/vpc_flow_log.go"),
      good: "cloud-watch-logs",
      bad: "logs",
    }),
    oneOf("maxAggregationInterval", [60, 600], { source: tf("ec2/vpc_flow_log.go"), good: 600, bad: 300 }),
  ],
  "aws:ec2/natGateway:NatGateway": [
    oneOf("connectivityType", ["public", "private"], {
      source: tf("ec2/vpc_nat_gateway.go"),
      good: "public",
      bad: "internet",
    }),
    // "Exactly one EIP for a public NAT" cannot be checked: the allocation id is unknown in a preview.
    rule(
      "a private NAT gateway has no Elastic IP",
      (i) =>
        i.connectivityType === "private" && isSet(i, "allocationId")
          ? [
              {
                path: "allocationId",
                message: "a private NAT gateway cannot have an Elastic IP (allocationId)",
              },
            ]
          : [],
      {
        source: api("https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html"),
        phase: "up",
        good: { connectivityType: "private", subnetId: "subnet-1" },
        bad: { connectivityType: "private", allocationId: "eipalloc-1", subnetId: "subnet-1" },
      },
    ),
  ],
  "aws:ec2/eip:Eip": [
    oneOf("domain", ["vpc", "standard"], { source: tf("ec2/ec2_eip.go"), good: "vpc", bad: "public" }),
  ],
};
