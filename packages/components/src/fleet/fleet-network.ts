import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { endpointServiceName, type NetworkOutput } from "@retrain/config";

/**
 * Interface endpoints the instances need with no internet route: the SSM agent (`ssm`, `ssmmessages`,
 * `ec2messages`, https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html),
 * CloudWatch Logs for the training output (`logs`) and STS for assuming the team roles (`sts`). S3 (the
 * agent's output, artifacts) goes through a gateway endpoint, which has no hourly charge.
 */
export const INTERFACE_ENDPOINT_SERVICES = ["ssm", "ssmmessages", "ec2messages", "logs", "sts"] as const;
export const GATEWAY_ENDPOINT_SERVICES = ["s3"] as const;

const HTTPS = { ipProtocol: "tcp", fromPort: 443, toPort: 443 } as const;

interface OwnVpc {
  kind: "own";
  /** Availability zones for the private subnets (see `availabilityZonesFor`); at least one. */
  availabilityZones: string[];
  /** A /16 block; subnet i is the i-th /20 of it, the NAT's public subnet the last /24. */
  vpcCidr: string;
  vpcEndpoints: boolean;
  internetEgress: boolean;
}

interface ExistingSubnets {
  kind: "existing";
  subnetIds: string[];
  /** How those subnets reach SSM: the owner's declaration, recorded in the outputs. */
  ssmAccess: "declared-endpoints" | "declared-nat";
}

export interface FleetNetworkArgs {
  /** `retrain-<env>`: names and tags every resource. */
  fleetName: string;
  network: OwnVpc | ExistingSubnets;
  tags?: Record<string, string>;
}

/** The i-th /20 of a /16 (`10.64.0.0/16`, 1 → `10.64.16.0/20`); the last /24 is kept for the NAT. */
export function privateSubnetCidr(vpcCidr: string, index: number): string {
  const [a, b] = vpcCidr.split(".");
  if (index < 0 || index > 14) throw new Error(`subnet index ${index} is outside a /16 cut into /20s`);
  return `${a}.${b}.${index * 16}.0/20`;
}
export const publicSubnetCidr = (vpcCidr: string): string => {
  const [a, b] = vpcCidr.split(".");
  return `${a}.${b}.255.0/24`;
};

/**
 * Where the fleet's instances live and how they reach SSM, and the one security group they carry.
 * Own VPC (default): private subnets only, DNS support and hostnames on (interface endpoints with
 * private DNS need both), interface endpoints for SSM/logs/STS and an S3 gateway endpoint, no internet
 * route unless `internetEgress` adds a NAT gateway. The instances' group allows no ingress and HTTPS
 * egress only to the endpoints' group and the S3 prefix list (plus anywhere with NAT egress); the
 * endpoints' group allows HTTPS only from the instances' group. Security groups do not filter the
 * Amazon DNS resolver or the instance metadata service
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html), so nothing else is opened.
 */
export class FleetNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly subnetIds: pulumi.Output<string[]>;
  /** The instances' only security group; they carry it on their own network interface. */
  readonly instanceSecurityGroupId: pulumi.Output<string>;
  /** The fleet outputs' `network` (contract in `@retrain/config`). */
  readonly network: pulumi.Output<NetworkOutput>;

  constructor(name: string, args: FleetNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:fleet:FleetNetwork", name, {}, opts);
    const child = { parent: this };
    const tags = (suffix: string) => ({ ...args.tags, Name: `${args.fleetName}-${suffix}` });
    const region = aws.getRegionOutput({}, child).region;
    const net = args.network;

    let vpcId: pulumi.Output<string>;
    let subnetIds: pulumi.Output<string[]>;
    let vpcCidr: pulumi.Output<string>;
    if (net.kind === "own") {
      if (net.availabilityZones.length === 0)
        throw new Error(`fleet ${args.fleetName}: no availability zone`);
      const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        { cidrBlock: net.vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags("vpc") },
        child,
      );
      vpcId = vpc.id;
      vpcCidr = pulumi.output(net.vpcCidr);
      const privateRoutes = new aws.ec2.RouteTable(
        `${name}-private`,
        { vpcId, tags: tags("private") },
        child,
      );
      const subnets = net.availabilityZones.map((az, i) => {
        const subnet = new aws.ec2.Subnet(
          `${name}-private-${az}`,
          {
            vpcId,
            availabilityZone: az,
            cidrBlock: privateSubnetCidr(net.vpcCidr, i),
            mapPublicIpOnLaunch: false,
            tags: tags(`private-${az}`),
          },
          child,
        );
        new aws.ec2.RouteTableAssociation(
          `${name}-private-${az}`,
          { subnetId: subnet.id, routeTableId: privateRoutes.id },
          child,
        );
        return subnet;
      });
      subnetIds = pulumi.all(subnets.map((s) => s.id));
      if (net.internetEgress) this.natEgress(name, net, vpcId, privateRoutes, tags);
      const instanceSg = this.instanceGroup(name, args.fleetName, vpcId, tags);
      this.instanceSecurityGroupId = instanceSg.id;
      if (net.vpcEndpoints)
        this.endpoints(name, args.fleetName, region, vpcId, subnetIds, privateRoutes, instanceSg, tags);
      this.egress(name, {
        instanceSg,
        region,
        tags,
        toAnywhere: net.internetEgress,
        toEndpoints: net.vpcEndpoints ? this.endpointSecurityGroupId : undefined,
      });
    } else {
      subnetIds = pulumi.output(net.subnetIds);
      vpcId = aws.ec2.getSubnetOutput({ id: net.subnetIds[0] as string }, child).vpcId;
      vpcCidr = aws.ec2.getVpcOutput({ id: vpcId }, child).cidrBlock;
      const instanceSg = this.instanceGroup(name, args.fleetName, vpcId, tags);
      this.instanceSecurityGroupId = instanceSg.id;
      // The owner's endpoints live in their VPC: HTTPS to the VPC's block reaches them; with their NAT,
      // HTTPS to anywhere.
      this.egress(name, {
        instanceSg,
        region,
        tags,
        toAnywhere: net.ssmAccess === "declared-nat",
        toCidr: net.ssmAccess === "declared-endpoints" ? vpcCidr : undefined,
      });
    }

    this.vpcId = vpcId;
    this.subnetIds = subnetIds;
    const endpoints =
      net.kind === "own" && !net.vpcEndpoints
        ? []
        : net.kind === "existing" && net.ssmAccess === "declared-nat"
          ? []
          : [...INTERFACE_ENDPOINT_SERVICES, ...GATEWAY_ENDPOINT_SERVICES];
    this.network = pulumi.all([vpcId, subnetIds]).apply(
      ([vpc, subnets]): NetworkOutput => ({
        vpcId: vpc,
        subnetIds: subnets,
        ssmAccess: net.kind === "existing" ? "declared" : net.vpcEndpoints ? "vpc-endpoints" : "nat-gateway",
        endpoints,
        internetEgress: net.kind === "own" ? net.internetEgress : net.ssmAccess === "declared-nat",
      }),
    );
    this.registerOutputs({
      vpcId: this.vpcId,
      subnetIds: this.subnetIds,
      instanceSecurityGroupId: this.instanceSecurityGroupId,
      network: this.network,
    });
  }

  private endpointSecurityGroupId?: pulumi.Output<string>;

  private instanceGroup(
    name: string,
    fleetName: string,
    vpcId: pulumi.Input<string>,
    tags: (s: string) => Record<string, string>,
  ) {
    // No inline rules: the rules are their own resources below, so the two groups can refer to each
    // other without a cycle, and the provider revokes AWS's default allow-all egress on create.
    return new aws.ec2.SecurityGroup(
      `${name}-instances`,
      {
        name: `${fleetName}-gpu`,
        description: "Retraining GPU instances: no ingress (SSM only), HTTPS egress to the endpoints",
        vpcId,
        tags: tags("gpu"),
      },
      { parent: this },
    );
  }

  private endpoints(
    name: string,
    fleetName: string,
    region: pulumi.Output<string>,
    vpcId: pulumi.Output<string>,
    subnetIds: pulumi.Output<string[]>,
    privateRoutes: aws.ec2.RouteTable,
    instanceSg: aws.ec2.SecurityGroup,
    tags: (s: string) => Record<string, string>,
  ) {
    const child = { parent: this };
    const endpointSg = new aws.ec2.SecurityGroup(
      `${name}-endpoints`,
      {
        name: `${fleetName}-endpoints`,
        description: "Retraining VPC endpoints: HTTPS from the GPU instances only",
        vpcId,
        tags: tags("endpoints"),
      },
      child,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-endpoints-from-instances`,
      {
        securityGroupId: endpointSg.id,
        referencedSecurityGroupId: instanceSg.id,
        ...HTTPS,
        description: "HTTPS from the GPU instances",
        tags: tags("endpoints-from-instances"),
      },
      child,
    );
    this.endpointSecurityGroupId = endpointSg.id;
    // Service names: com.amazonaws.<region>.<service>, cn.com.amazonaws for some in China
    // (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html).
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      new aws.ec2.VpcEndpoint(
        `${name}-${service}`,
        {
          vpcId,
          serviceName: pulumi.output(region).apply((r) => endpointServiceName(r, service)),
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds,
          securityGroupIds: [endpointSg.id],
          tags: tags(service),
        },
        child,
      );
    }
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId,
        serviceName: pulumi.output(region).apply((r) => endpointServiceName(r, "s3")),
        vpcEndpointType: "Gateway",
        routeTableIds: [privateRoutes.id],
        // Without a policy a gateway endpoint reaches every bucket of every account: a team's command
        // could copy its data to a bucket of its own elsewhere. The data-perimeter form limits it to
        // this account's buckets (aws:ResourceAccount); the roles still decide which objects.
        // https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html#edit-vpc-endpoint-policy-s3
        policy: s3EndpointPolicy(aws.getCallerIdentityOutput({}, child).accountId),
        tags: tags("s3"),
      },
      child,
    );
  }

  /** Public subnet, internet gateway, NAT gateway with its Elastic IP, default route of the private subnets. */
  private natEgress(
    name: string,
    net: OwnVpc,
    vpcId: pulumi.Output<string>,
    privateRoutes: aws.ec2.RouteTable,
    tags: (s: string) => Record<string, string>,
  ) {
    const child = { parent: this };
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId, tags: tags("igw") }, child);
    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId, tags: tags("public") }, child);
    new aws.ec2.Route(
      `${name}-public-default`,
      { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
      child,
    );
    const az = net.availabilityZones[0] as string;
    const publicSubnet = new aws.ec2.Subnet(
      `${name}-public-${az}`,
      {
        vpcId,
        availabilityZone: az,
        cidrBlock: publicSubnetCidr(net.vpcCidr),
        // Only the NAT gateway lives here, with its own Elastic IP: nothing gets a public IP by default.
        mapPublicIpOnLaunch: false,
        tags: tags(`public-${az}`),
      },
      child,
    );
    new aws.ec2.RouteTableAssociation(
      `${name}-public-${az}`,
      { subnetId: publicSubnet.id, routeTableId: publicRoutes.id },
      child,
    );
    const eip = new aws.ec2.Eip(
      `${name}-nat`,
      { domain: "vpc", tags: tags("nat") },
      { ...child, dependsOn: [igw] },
    );
    const nat = new aws.ec2.NatGateway(
      `${name}-nat`,
      { allocationId: eip.id, subnetId: publicSubnet.id, connectivityType: "public", tags: tags("nat") },
      { ...child, dependsOn: [igw] },
    );
    new aws.ec2.Route(
      `${name}-private-default`,
      { routeTableId: privateRoutes.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
      child,
    );
  }

  /** HTTPS egress of the instances: to the endpoints' group, the S3 prefix list, a CIDR, or anywhere. */
  private egress(
    name: string,
    o: {
      instanceSg: aws.ec2.SecurityGroup;
      region: pulumi.Output<string>;
      tags: (s: string) => Record<string, string>;
      toAnywhere: boolean;
      toEndpoints?: pulumi.Output<string>;
      toCidr?: pulumi.Output<string>;
    },
  ) {
    const child = { parent: this };
    const rule = (suffix: string, destination: Record<string, pulumi.Input<string>>, description: string) =>
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-instances-to-${suffix}`,
        {
          securityGroupId: o.instanceSg.id,
          ...HTTPS,
          ...destination,
          description,
          tags: o.tags(`gpu-to-${suffix}`),
        },
        child,
      );
    if (o.toEndpoints)
      rule("endpoints", { referencedSecurityGroupId: o.toEndpoints }, "HTTPS to the VPC endpoints");
    // The S3 gateway endpoint is reached through the region's S3 prefix list, not an address in the VPC;
    // AWS names it com.amazonaws.<region>.s3
    // (https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html).
    const s3 = aws.ec2.getPrefixListOutput({ name: pulumi.interpolate`com.amazonaws.${o.region}.s3` }, child);
    rule("s3", { prefixListId: s3.id }, "HTTPS to S3 (gateway endpoint)");
    if (o.toCidr) rule("vpc", { cidrIpv4: o.toCidr }, "HTTPS to the declared VPC endpoints");
    if (o.toAnywhere)
      rule("internet", { cidrIpv4: "0.0.0.0/0" }, "HTTPS through the NAT gateway (pip, conda, git)");
  }
}

/** Offerings as `getInstanceTypeOfferings` returns them: parallel lists of type and location. */
export interface InstanceTypeOfferings {
  instanceTypes: readonly string[];
  locations: readonly string[];
}

/**
 * The availability zones (of `zones`, in order) that offer every pool's instance type, at most `max`.
 * Throws naming the pool and type when a type is offered in none of them, or the types when no zone
 * offers them all.
 */
export function pickAvailabilityZones(
  pools: readonly { name: string; instanceType: string }[],
  offerings: InstanceTypeOfferings,
  zones: readonly string[],
  max: number,
): string[] {
  const offeredIn = new Map<string, Set<string>>();
  offerings.instanceTypes.forEach((type, i) => {
    const set = offeredIn.get(type) ?? new Set<string>();
    set.add(offerings.locations[i] as string);
    offeredIn.set(type, set);
  });
  for (const pool of pools) {
    const where = zones.filter((z) => offeredIn.get(pool.instanceType)?.has(z));
    if (where.length === 0)
      throw new Error(
        `fleet:pools: pool "${pool.name}": instance type ${pool.instanceType} is offered in no availability zone of this region (${zones.join(", ")}); choose another type or region`,
      );
  }
  const common = zones.filter((z) => pools.every((p) => offeredIn.get(p.instanceType)?.has(z)));
  if (common.length === 0)
    throw new Error(
      `fleet:pools: no availability zone offers every pool's instance type (${pools
        .map(
          (p) =>
            `${p.name} ${p.instanceType}: ${zones.filter((z) => offeredIn.get(p.instanceType)?.has(z)).join(", ")}`,
        )
        .join("; ")}); split the pools into fleets or change a type`,
    );
  return common.slice(0, max);
}

/**
 * Reads the region's standard availability zones and the instance type offerings per zone, and picks
 * the zones for the private subnets (`pickAvailabilityZones`). Invokes are resolved before any
 * resource is declared, so the number of subnets is known at preview.
 */
export async function availabilityZonesFor(
  pools: readonly { name: string; instanceType: string }[],
  max: number,
): Promise<string[]> {
  const [zones, offerings] = await Promise.all([
    // Standard zones only: Local and Wavelength Zones are opt-in and lack the interface endpoints.
    aws.getAvailabilityZones({
      state: "available",
      filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    }),
    aws.ec2.getInstanceTypeOfferings({
      locationType: "availability-zone",
      filters: [{ name: "instance-type", values: [...new Set(pools.map((p) => p.instanceType))] }],
    }),
  ]);
  return pickAvailabilityZones(pools, offerings, [...zones.names].sort(), max);
}

/** Each bring-your-own subnet's zone must offer every pool's type; throws naming subnet, pool and type. */
export async function checkSubnetZones(
  pools: readonly { name: string; instanceType: string }[],
  subnetIds: readonly string[],
): Promise<void> {
  const [subnets, offerings] = await Promise.all([
    Promise.all(subnetIds.map((id) => aws.ec2.getSubnet({ id }))),
    aws.ec2.getInstanceTypeOfferings({
      locationType: "availability-zone",
      filters: [{ name: "instance-type", values: [...new Set(pools.map((p) => p.instanceType))] }],
    }),
  ]);
  // One security group serves every instance, created in the first subnet's VPC: a group can be used
  // only by instances of its own VPC ("enables you to use the same security group with network
  // interfaces and instances in the specified VPC" is what AssociateSecurityGroupVpc adds,
  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateSecurityGroupVpc.html), so
  // RunInstances would fail in a subnet of another VPC, as would the endpoints' egress rule.
  const vpcs = [...new Set(subnets.map((s) => s.vpcId))];
  if (vpcs.length > 1)
    throw new Error(
      `fleet:subnetIds: the subnets are in ${vpcs.length} VPCs (${subnets.map((s) => `${s.id} in ${s.vpcId}`).join(", ")}); every subnet of the fleet must be in one VPC`,
    );
  for (const s of subnets) {
    for (const pool of pools) {
      const offered = offerings.instanceTypes.some(
        (t, i) => t === pool.instanceType && offerings.locations[i] === s.availabilityZone,
      );
      if (!offered)
        throw new Error(
          `fleet:subnetIds: subnet ${s.id} is in ${s.availabilityZone}, which does not offer pool "${pool.name}"'s instance type ${pool.instanceType}`,
        );
    }
  }
}

/** The S3 gateway endpoint's policy: requests through it reach only buckets of `accountId`. */
export function s3EndpointPolicy(accountId: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(accountId).apply((account) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "OnlyThisAccountsBuckets",
          Effect: "Allow",
          Principal: "*",
          Action: "s3:*",
          Resource: "*",
          Condition: { StringEquals: { "aws:ResourceAccount": account } },
        },
      ],
    }),
  );
}
