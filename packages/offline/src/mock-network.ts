/**
 * The network part of the mocked account: ids and attributes of VPC resources in AWS's shapes, and
 * the invokes a fleet's network reads (instance type offerings per zone, the S3 prefix list). Values
 * are hashes of the URN or input, so a plan is stable run to run.
 */
import { createHash } from "node:crypto";

const hex = (seed: string, length: number) =>
  createHash("sha256").update(seed).digest("hex").slice(0, length);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

interface Cloud {
  accountId: string;
  region: string;
  arn(service: string, region: string, resource: string): string;
}
interface Request {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
}
type Shape = (r: Request, c: Cloud) => { id: string; state: Record<string, unknown> };

/** An EC2 resource `<prefix>-<17 hex>` with its ARN `<kind>/<id>` and owner. */
const ec2 =
  (
    prefix: string,
    kind: string,
    extra: (r: Request, c: Cloud, id: string) => Record<string, unknown> = () => ({}),
  ): Shape =>
  (r, c) => {
    const id = `${prefix}-${hex(r.urn, 17)}`;
    return {
      id,
      state: { arn: c.arn("ec2", c.region, `${kind}/${id}`), ownerId: c.accountId, ...extra(r, c, id) },
    };
  };

export const NETWORK_SHAPES: Record<string, Shape> = {
  "aws:ec2/vpc:Vpc": ec2("vpc", "vpc", (r, _c, id) => ({
    mainRouteTableId: `rtb-${hex(`${r.urn}#main`, 17)}`,
    defaultSecurityGroupId: `sg-${hex(`${r.urn}#default`, 17)}`,
    defaultNetworkAclId: `acl-${hex(`${r.urn}#acl`, 17)}`,
    dhcpOptionsId: `dopt-${hex(id, 17)}`,
  })),
  "aws:ec2/subnet:Subnet": ec2("subnet", "subnet", (r) => ({
    availabilityZoneId: str(r.inputs.availabilityZone)?.replace(
      /^([a-z]+)-([a-z]+)-(\d)([a-z])$/,
      (_m, a, b, n, z) => `${a}${b[0]}${n}-az${"abcdef".indexOf(z) + 1}`,
    ),
  })),
  "aws:ec2/routeTable:RouteTable": ec2("rtb", "route-table"),
  "aws:ec2/routeTableAssociation:RouteTableAssociation": (r) => ({
    id: `rtbassoc-${hex(r.urn, 17)}`,
    state: {},
  }),
  "aws:ec2/route:Route": (r) => ({
    id: `r-${str(r.inputs.routeTableId) ?? "rtb"}${hex(str(r.inputs.destinationCidrBlock) ?? r.urn, 8)}`,
    state: { state: "active", origin: "CreateRoute" },
  }),
  "aws:ec2/internetGateway:InternetGateway": ec2("igw", "internet-gateway"),
  "aws:ec2/eip:Eip": (r, c) => {
    const n = Number.parseInt(hex(r.urn, 4), 16);
    const id = `eipalloc-${hex(r.urn, 17)}`;
    return {
      id,
      state: {
        allocationId: id,
        publicIp: `52.${(n >> 8) % 256}.${n % 256}.${(n % 253) + 1}`,
        arn: c.arn("ec2", c.region, `elastic-ip/${id}`),
      },
    };
  },
  "aws:ec2/natGateway:NatGateway": ec2("nat", "natgateway", (r) => ({
    networkInterfaceId: `eni-${hex(`${r.urn}#eni`, 17)}`,
    privateIp: "10.0.255.10",
  })),
  "aws:ec2/vpcEndpoint:VpcEndpoint": ec2("vpce", "vpc-endpoint", (r, c, id) => {
    const service = str(r.inputs.serviceName) ?? "";
    const gateway = r.inputs.vpcEndpointType === "Gateway";
    return {
      state: "available",
      ...(gateway
        ? { prefixListId: `pl-${hex(service, 8)}` }
        : {
            networkInterfaceIds: [`eni-${hex(`${r.urn}#eni`, 17)}`],
            dnsEntries: [
              { dnsName: `${id}-${hex(id, 8)}.${service.split(".").pop()}.${c.region}.vpce.amazonaws.com` },
            ],
          }),
    };
  }),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ec2(
    "sgr",
    "security-group-rule",
    (_r, _c, id) => ({
      securityGroupRuleId: id,
    }),
  ),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ec2(
    "sgr",
    "security-group-rule",
    (_r, _c, id) => ({
      securityGroupRuleId: id,
    }),
  ),
};

/**
 * Zones (suffixes) offering an instance type, by region; a type not listed is offered in every zone.
 * eu-west-1 gives the example pools a realistic spread: g5.xlarge not in eu-west-1a.
 */
const OFFERED_IN: Record<string, Record<string, string[]>> = {
  "eu-west-1": { "g5.xlarge": ["b", "c"], "g6.xlarge": ["a", "b", "c"] },
};

export function networkInvoke(
  token: string,
  inputs: Record<string, unknown>,
  region: string,
): Record<string, unknown> | undefined {
  switch (token) {
    case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {
      const filters = (inputs.filters ?? []) as { name: string; values: string[] }[];
      const types = filters.find((f) => f.name === "instance-type")?.values ?? [];
      const locationType = str(inputs.locationType) ?? "region";
      const pairs = types.flatMap((type) =>
        (OFFERED_IN[region]?.[type] ?? ["a", "b", "c"]).map((z) => ({ type, location: `${region}${z}` })),
      );
      const located =
        locationType === "region" ? [...new Set(types)].map((type) => ({ type, location: region })) : pairs;
      return {
        id: region,
        locationType,
        instanceTypes: located.map((p) => p.type),
        locations: located.map((p) => p.location),
        locationTypes: located.map(() => locationType),
        region,
      };
    }
    case "aws:ec2/getPrefixList:getPrefixList": {
      const name = str(inputs.name) ?? `com.amazonaws.${region}.s3`;
      const n = Number.parseInt(hex(name, 2), 16);
      return {
        id: `pl-${hex(name, 8)}`,
        name,
        cidrBlocks: [`52.218.${n % 128}.0/17`, `3.5.${n % 64}.0/21`],
        region,
      };
    }
    default:
      return undefined;
  }
}

export const NETWORK_INVOKES = [
  "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings",
  "aws:ec2/getPrefixList:getPrefixList",
];
