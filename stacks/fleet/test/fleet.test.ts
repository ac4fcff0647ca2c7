import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_AMI_PARAMETER,
  type FleetConfig,
  fleetOutputsSchema,
  loadStackConfig,
  poolStopWhenIdleMinutes,
} from "@retrain/config";
import {
  type MockCloudOptions,
  type RecordedResource,
  runStackProgram,
  type StackRunResult,
} from "@retrain/offline";
import { resourceNamed, resourcesOfType } from "@retrain/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { iamProgram } from "../../iam/src/program.js";
import { fleetProgram } from "../src/program.js";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

/**
 * Security group and rule descriptions EC2 accepts (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html):
 * a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=;{}!$* (groups also allow &), at most 255 characters.
 */
const EC2_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=;{}!$*]{1,255}$/;

const set = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

/**
 * What EC2 would answer to the RunInstances request the AWS provider builds from an instance and its
 * launch template. The provider (internal/service/ec2/ec2_instance.go, buildInstanceOpts) sends an
 * explicit primary network interface when the instance sets subnetId together with
 * associatePublicIpAddress/privateIp/secondaryPrivateIps, or sets networkInterfaces; the instance's
 * groups then go inside it. EC2 rejects an explicit interface next to security groups from the
 * template (pulumi/pulumi-aws#2506, hashicorp/terraform-provider-aws#32614), an instance-level subnet
 * or groups next to the template's own interfaces (hashicorp/terraform-provider-aws#33536), and a
 * template with both (https://docs.aws.amazon.com/autoscaling/ec2/userguide/create-launch-template.html:
 * "If you specify a network interface, you must configure the security group as part of the network
 * interface").
 */
function launchRequestProblems(
  template: Record<string, unknown>,
  instance: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  const templateGroups = set(template.vpcSecurityGroupIds) || set(template.securityGroupNames);
  const templateInterfaces = set(template.networkInterfaces);
  if (templateGroups && templateInterfaces)
    problems.push("template: security groups and network interfaces (groups must be on the interface)");
  const explicitInterface =
    set(instance.networkInterfaces) ||
    (set(instance.subnetId) &&
      (instance.associatePublicIpAddress !== undefined ||
        set(instance.privateIp) ||
        set(instance.secondaryPrivateIps)));
  if (explicitInterface && templateGroups)
    problems.push("InvalidParameterCombination: network interfaces and instance-level security groups");
  if (!explicitInterface && templateInterfaces && set(instance.subnetId))
    problems.push("InvalidParameterCombination: network interfaces and an instance-level subnet ID");
  if (
    !explicitInterface &&
    templateInterfaces &&
    (set(instance.vpcSecurityGroupIds) || set(instance.securityGroups))
  )
    problems.push("InvalidParameterCombination: network interfaces and instance-level security groups");
  if (!set(instance.subnetId) && !templateInterfaces)
    problems.push("no subnet: the instance lands in the default VPC");
  return problems;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const stacksDir = path.join(here, "..", "..");
const load = (kind: string, folder: string, stack: string) =>
  loadStackConfig(path.join(stacksDir, kind, folder, stack, `Pulumi.${stack}.yaml`));

/** The iam stack's real outputs under the harness, as the fleet's upstream. */
const iamByEnv: Record<string, Record<string, unknown>> = {};
beforeAll(async () => {
  for (const env of ["dev", "prod"]) {
    const iam = load("iam", "envs", env);
    const result = await runStackProgram({
      project: iam.project,
      stack: iam.stack,
      program: iamProgram,
      config: iam.raw,
    });
    expect(result.errors).toEqual([]);
    iamByEnv[env] = result.outputs;
  }
});

type Invokes = NonNullable<MockCloudOptions["invokes"]>;

async function runFleet(
  env: string,
  overrides: Record<string, unknown> = {},
  upstream?: Record<string, unknown>,
  invokes?: Invokes,
) {
  const fleet = load("fleet", "envs", env);
  return runStackProgram({
    project: fleet.project,
    stack: fleet.stack,
    program: fleetProgram,
    config: { ...fleet.raw, ...overrides },
    upstream: { [`organization/retrain-iam/${env}`]: upstream ?? (iamByEnv[env] as Record<string, unknown>) },
    mocks: {
      parameters: { [DEFAULT_AMI_PARAMETER]: "ami-0123456789abcdef0" },
      ...(invokes ? { invokes } : {}),
    },
  });
}

describe("fleet stack", () => {
  it.each(["dev", "prod"])("runs with the %s example config and exports the contract", async (env) => {
    const result = await runFleet(env);
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.outputs).sort()).toEqual(["network", "pools", "region"]);
    const outputs = fleetOutputsSchema.parse(result.outputs);
    const config = load("fleet", "envs", env).config as FleetConfig;
    expect(outputs.region).toBe("eu-west-1");
    expect(outputs.pools.map((p) => [p.name, p.instanceType, p.instanceIds.length])).toEqual(
      config.pools.map((p) => [p.name, p.instanceType, p.count]),
    );
    for (const pool of outputs.pools) {
      expect(pool.targetTag).toEqual({ key: "retrain:pool", value: pool.name });
      for (const id of pool.instanceIds) expect(id).toMatch(/^i-[0-9a-f]{17}$/);
    }
    expect(outputs.pools.map((p) => p.stopWhenIdleMinutes)).toEqual(
      config.pools.map((p) => poolStopWhenIdleMinutes(config, p)),
    );
    expect(outputs.network).toMatchObject({
      ssmAccess: "vpc-endpoints",
      endpoints: ["ssm", "ssmmessages", "ec2messages", "logs", "sts", "s3"],
      internetEgress: false,
    });
  });

  it("keeps dev's a10g (recsys's association pool) always on and stops every prod pool when idle", async () => {
    const pools = async (env: string) =>
      fleetOutputsSchema
        .parse((await runFleet(env)).outputs)
        .pools.map((p) => [p.name, p.stopWhenIdleMinutes] as const);
    expect(await pools("dev")).toEqual([
      ["a10g", 0],
      ["l4", 30],
    ]);
    for (const [, minutes] of await pools("prod")) expect(minutes).toBeGreaterThan(0);
  });

  describe("launch templates and instances", () => {
    let result: StackRunResult;
    beforeAll(async () => {
      result = await runFleet("prod");
    });

    it("require IMDSv2 with a hop limit of 1", () => {
      for (const r of [
        ...resourcesOfType(result, "aws:ec2/launchTemplate:LaunchTemplate"),
        ...resourcesOfType(result, "aws:ec2/instance:Instance"),
      ]) {
        expect(r.inputs.metadataOptions, r.name).toMatchObject({
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
        });
      }
    });

    it("use an encrypted gp3 root volume of the configured size", () => {
      for (const lt of resourcesOfType(result, "aws:ec2/launchTemplate:LaunchTemplate")) {
        expect(lt.inputs.blockDeviceMappings).toEqual([
          {
            deviceName: "/dev/sda1",
            ebs: { volumeSize: 200, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
          },
        ]);
      }
      for (const i of resourcesOfType(result, "aws:ec2/instance:Instance")) {
        expect(i.inputs.rootBlockDevice).toMatchObject({
          encrypted: true,
          volumeType: "gp3",
          volumeSize: 200,
        });
      }
    });

    it("launch from the AMI of the public SSM parameter with the IAM stack's instance profile", () => {
      for (const lt of resourcesOfType(result, "aws:ec2/launchTemplate:LaunchTemplate")) {
        expect(lt.inputs.imageId).toBe("ami-0123456789abcdef0");
        expect(lt.inputs.iamInstanceProfile).toEqual({ name: iamByEnv.prod?.instanceProfileName });
      }
    });

    it("get no public IP and the network's security group, which has no ingress", () => {
      const sg = resourceNamed(result, SG, "network-instances");
      for (const i of resourcesOfType(result, "aws:ec2/instance:Instance")) {
        expect(i.inputs.associatePublicIpAddress).toBe(false);
        expect(i.inputs.vpcSecurityGroupIds).toEqual([sg.id]);
      }
      expect(sg.inputs.ingress ?? []).toEqual([]);
      expect(sg.inputs.egress ?? []).toEqual([]);
      const ingress = resourcesOfType(result, INGRESS).filter((r) => r.inputs.securityGroupId === sg.id);
      expect(ingress).toEqual([]);
    });

    it("keep the network settings in one place: EC2 accepts the launch request", () => {
      const templates = new Map(
        resourcesOfType(result, "aws:ec2/launchTemplate:LaunchTemplate").map((t) => [t.id, t.inputs]),
      );
      const instances = resourcesOfType(result, "aws:ec2/instance:Instance");
      expect(instances.length).toBeGreaterThan(0);
      for (const i of instances) {
        const template = templates.get((i.inputs.launchTemplate as { id: string }).id);
        expect(template, i.name).toBeDefined();
        expect(launchRequestProblems(template ?? {}, i.inputs), i.name).toEqual([]);
      }
    });

    it("carry the pool and fleet tags that windows target", () => {
      const instances = resourcesOfType(result, "aws:ec2/instance:Instance");
      expect(instances.map((i) => (i.inputs.tags as Record<string, string>)["retrain:pool"]).sort()).toEqual([
        "a10g",
        "a10g",
        "l4",
        "l4",
      ]);
      for (const i of instances)
        expect((i.inputs.tags as Record<string, string>)["retrain:fleet"]).toBe("retrain-prod");
    });

    it("bootstrap the metadata-service guard, the SSM agent, the team group, the GPU check and the idle stopper", () => {
      const [lt] = resourcesOfType(result, "aws:ec2/launchTemplate:LaunchTemplate");
      const script = Buffer.from(String(lt?.inputs.userData), "base64").toString("utf8");
      expect(script.startsWith("#!/bin/bash\n")).toBe(true);
      expect(script).toContain("-d 169.254.169.254/32 -m owner ! --uid-owner 0 -j REJECT");
      expect(script).toContain("snap install amazon-ssm-agent --classic");
      expect(script).toContain('systemctl enable --now "$agent_unit"');
      expect(script).toContain("groupadd --system retrain");
      expect(script).not.toContain("useradd");
      expect(script).toContain("nvidia-smi");
      expect(script).toContain('if [ "$idle" -ge 60 ]');
      expect(script).toContain("systemctl enable --now retrain-idle-check.timer");
    });
  });

  it("leaves the idle stopper out of a pool whose stopWhenIdleMinutes is 0", async () => {
    const result = await runFleet("dev");
    const script = (pool: string) =>
      Buffer.from(
        String(resourceNamed(result, "aws:ec2/launchTemplate:LaunchTemplate", `gpu-${pool}`).inputs.userData),
        "base64",
      ).toString("utf8");
    expect(script("a10g")).not.toContain("retrain-idle-check");
    expect(script("l4")).toContain('if [ "$idle" -ge 30 ]');
  });

  it("fails naming the referenced stack and the key when the IAM stack lacks an output", async () => {
    const { instanceProfileName: _, ...withoutProfile } = iamByEnv.dev as Record<string, unknown>;
    const result = await runFleet("dev", {}, withoutProfile);
    const messages = result.errors.map((e) => e.message).join("\n");
    expect(messages).toContain('stack "organization/retrain-iam/dev" has no output "instanceProfileName"');
  });

  it("plans against an IAM state from before its optional region output", async () => {
    const { region: _, ...beforeRegion } = iamByEnv.dev as Record<string, unknown>;
    const result = await runFleet("dev", {}, beforeRegion);
    expect(result.errors).toEqual([]);
    expect(resourcesOfType(result, "aws:ec2/instance:Instance").length).toBeGreaterThan(0);
  });

  it("fails naming the stack and key when an upstream output has the wrong shape", async () => {
    const result = await runFleet("dev", {}, { ...iamByEnv.dev, instanceProfileName: 42 });
    expect(result.errors.map((e) => e.message).join("\n")).toMatch(
      /stack "organization\/retrain-iam\/dev" output "instanceProfileName" is invalid/,
    );
  });
});

describe("the EC2 launch request rule", () => {
  const sgs = ["sg-0123456789abcdef0"];
  it.each([
    {
      case: "instance carries subnet, groups and the public-IP flag; template nothing (this fleet)",
      template: {},
      instance: { subnetId: "subnet-1", vpcSecurityGroupIds: sgs, associatePublicIpAddress: false },
      ok: true,
    },
    {
      case: "template groups, instance subnet only (no explicit interface)",
      template: { vpcSecurityGroupIds: sgs },
      instance: { subnetId: "subnet-1" },
      ok: true,
    },
    {
      case: "template groups, instance subnet + associatePublicIpAddress (the bug of issue 13)",
      template: { vpcSecurityGroupIds: sgs },
      instance: { subnetId: "subnet-1", vpcSecurityGroupIds: sgs, associatePublicIpAddress: false },
      ok: false,
    },
    {
      case: "template interface with groups, instance subnet",
      template: { networkInterfaces: [{ securityGroups: sgs, associatePublicIpAddress: "false" }] },
      instance: { subnetId: "subnet-1" },
      ok: false,
    },
    {
      case: "template with groups and an interface",
      template: { vpcSecurityGroupIds: sgs, networkInterfaces: [{ associatePublicIpAddress: "false" }] },
      instance: {},
      ok: false,
    },
    { case: "no subnet anywhere", template: {}, instance: { vpcSecurityGroupIds: sgs }, ok: false },
  ])("$case: accepted = $ok", ({ template, instance, ok }) => {
    expect(launchRequestProblems(template, instance).length === 0).toBe(ok);
  });
});

describe("the fleet's network", () => {
  const egressOf = (result: StackRunResult, sg: RecordedResource) =>
    resourcesOfType(result, EGRESS).filter((r) => r.inputs.securityGroupId === sg.id);

  describe("by default (own VPC, endpoints, no internet)", () => {
    let result: StackRunResult;
    beforeAll(async () => {
      result = await runFleet("prod");
      expect(result.errors).toEqual([]);
    });

    it("is a VPC with DNS support and hostnames (private DNS of the endpoints needs both)", () => {
      const [vpc, ...more] = resourcesOfType(result, "aws:ec2/vpc:Vpc");
      expect(more).toEqual([]);
      expect(vpc?.inputs).toMatchObject({
        cidrBlock: "10.64.0.0/16",
        enableDnsSupport: true,
        enableDnsHostnames: true,
      });
    });

    it("has private subnets only in zones that offer g5.xlarge and g6.xlarge (eu-west-1a lacks g5)", () => {
      const subnets = resourcesOfType(result, "aws:ec2/subnet:Subnet");
      expect(subnets.map((s) => s.inputs.availabilityZone)).toEqual(["eu-west-1b", "eu-west-1c"]);
      for (const s of subnets) expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
      const ids = new Set(subnets.map((s) => s.id));
      for (const i of resourcesOfType(result, "aws:ec2/instance:Instance"))
        expect(ids.has(String(i.inputs.subnetId)), i.name).toBe(true);
    });

    it("has no internet gateway, NAT gateway, Elastic IP or route", () => {
      for (const type of [
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/natGateway:NatGateway",
        "aws:ec2/eip:Eip",
        "aws:ec2/route:Route",
      ])
        expect(resourcesOfType(result, type), type).toEqual([]);
    });

    it("reaches ssm, ssmmessages, ec2messages, logs and sts through interface endpoints, S3 through a gateway", () => {
      const endpoints = resourcesOfType(result, ENDPOINT);
      const subnets = resourcesOfType(result, "aws:ec2/subnet:Subnet").map((s) => s.id);
      const endpointSg = resourceNamed(result, SG, "network-endpoints");
      const privateRoutes = resourceNamed(result, "aws:ec2/routeTable:RouteTable", "network-private");
      const interfaces = endpoints.filter((e) => e.inputs.vpcEndpointType === "Interface");
      expect(interfaces.map((e) => e.inputs.serviceName)).toEqual(
        ["ssm", "ssmmessages", "ec2messages", "logs", "sts"].map((s) => `com.amazonaws.eu-west-1.${s}`),
      );
      for (const e of interfaces)
        expect(e.inputs).toMatchObject({
          privateDnsEnabled: true,
          subnetIds: subnets,
          securityGroupIds: [endpointSg.id],
        });
      const gateways = endpoints.filter((e) => e.inputs.vpcEndpointType === "Gateway");
      expect(gateways.map((e) => [e.inputs.serviceName, e.inputs.routeTableIds])).toEqual([
        ["com.amazonaws.eu-west-1.s3", [privateRoutes.id]],
      ]);
      // A team's command must not copy data out through the endpoint to a bucket of another account.
      const policy = JSON.parse(String(gateways[0]?.inputs.policy)) as {
        Statement: { Effect: string; Condition?: Record<string, Record<string, string>> }[];
      };
      expect(policy.Statement).toHaveLength(1);
      expect(policy.Statement[0]?.Effect).toBe("Allow");
      expect(policy.Statement[0]?.Condition).toEqual({
        StringEquals: { "aws:ResourceAccount": "123456789012" },
      });
      for (const s of resourcesOfType(result, "aws:ec2/routeTableAssociation:RouteTableAssociation"))
        expect(s.inputs.routeTableId).toBe(privateRoutes.id);
    });

    it("allows exactly HTTPS from the instances to the endpoints and S3, nothing else", () => {
      const instances = resourceNamed(result, SG, "network-instances");
      const endpoints = resourceNamed(result, SG, "network-endpoints");
      const https = { ipProtocol: "tcp", fromPort: 443, toPort: 443 };
      const egress = egressOf(result, instances);
      expect(egress).toHaveLength(2);
      expect(egress.map((r) => r.inputs)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ ...https, referencedSecurityGroupId: endpoints.id }),
          expect.objectContaining({ ...https, prefixListId: expect.stringMatching(/^pl-[0-9a-f]+$/) }),
        ]),
      );
      for (const r of egress) expect(r.inputs.cidrIpv4).toBeUndefined();
      expect(resourcesOfType(result, INGRESS).map((r) => r.inputs)).toEqual([
        expect.objectContaining({
          ...https,
          securityGroupId: endpoints.id,
          referencedSecurityGroupId: instances.id,
        }),
      ]);
      expect(egressOf(result, endpoints)).toEqual([]);
    });

    it("describes groups and rules only with the characters EC2 accepts", () => {
      const described = [SG, INGRESS, EGRESS].flatMap((t) => resourcesOfType(result, t));
      expect(described.length).toBeGreaterThan(3);
      for (const r of described) expect(String(r.inputs.description), r.name).toMatch(EC2_DESCRIPTION);
    });

    it("tags every network resource for the pack's required-tags policy", () => {
      const network = result.resources.filter((r) => r.custom && r.parent?.endsWith("FleetNetwork::network"));
      expect(network.length).toBeGreaterThan(10);
      for (const r of network.filter((r) => !/Association|aws:ec2\/route:Route/.test(r.type)))
        expect(r.inputs.tags, r.name).toMatchObject({
          "managed-by": "pulumi",
          "retrain:stack": "retrain-fleet/prod",
        });
    });
  });

  it("with fleet:internetEgress adds a public subnet, internet and NAT gateways, the default route and HTTPS anywhere", async () => {
    const result = await runFleet("prod", { "fleet:internetEgress": true });
    expect(result.errors).toEqual([]);
    const nat = resourcesOfType(result, "aws:ec2/natGateway:NatGateway");
    expect(nat).toHaveLength(1);
    const eip = resourceNamed(result, "aws:ec2/eip:Eip", "network-nat");
    expect(nat[0]?.inputs).toMatchObject({ allocationId: eip.id, connectivityType: "public" });
    const privateRoutes = resourceNamed(result, "aws:ec2/routeTable:RouteTable", "network-private");
    expect(resourceNamed(result, "aws:ec2/route:Route", "network-private-default").inputs).toEqual(
      expect.objectContaining({
        routeTableId: privateRoutes.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: nat[0]?.id,
      }),
    );
    const egress = egressOf(result, resourceNamed(result, SG, "network-instances"));
    expect(egress.map((r) => r.inputs.cidrIpv4).filter(Boolean)).toEqual(["0.0.0.0/0"]);
    expect(fleetOutputsSchema.parse(result.outputs).network).toMatchObject({
      ssmAccess: "vpc-endpoints",
      internetEgress: true,
    });
    // The NAT's subnet gives nothing a public IP; the instances stay private.
    for (const s of resourcesOfType(result, "aws:ec2/subnet:Subnet"))
      expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
  });

  it("through NAT only when the endpoints are turned off", async () => {
    const result = await runFleet("prod", { "fleet:internetEgress": true, "fleet:vpcEndpoints": false });
    expect(result.errors).toEqual([]);
    expect(resourcesOfType(result, ENDPOINT)).toEqual([]);
    expect(fleetOutputsSchema.parse(result.outputs).network).toMatchObject({
      ssmAccess: "nat-gateway",
      endpoints: [],
      internetEgress: true,
    });
  });

  describe("bring-your-own subnets", () => {
    const subnets = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"];
    const inZone =
      (zones: Record<string, string>): Invokes[string] =>
      (inputs) => ({
        id: String(inputs.id),
        vpcId: "vpc-0123456789abcdef0",
        availabilityZone: zones[String(inputs.id)] ?? "eu-west-1b",
      });

    it("launches into them and records the declared SSM access, creating no VPC", async () => {
      const result = await runFleet(
        "prod",
        { "fleet:subnetIds": subnets, "fleet:ssmAccess": "declared-endpoints" },
        undefined,
        { "aws:ec2/getSubnet:getSubnet": inZone({}) },
      );
      expect(result.errors).toEqual([]);
      expect(resourcesOfType(result, "aws:ec2/vpc:Vpc")).toEqual([]);
      expect(resourcesOfType(result, ENDPOINT)).toEqual([]);
      for (const i of resourcesOfType(result, "aws:ec2/instance:Instance"))
        expect(subnets).toContain(i.inputs.subnetId);
      expect(fleetOutputsSchema.parse(result.outputs).network).toEqual({
        vpcId: "vpc-0123456789abcdef0",
        subnetIds: subnets,
        ssmAccess: "declared",
        endpoints: ["ssm", "ssmmessages", "ec2messages", "logs", "sts", "s3"],
        internetEgress: false,
      });
      const egress = egressOf(result, resourceNamed(result, SG, "network-instances"));
      for (const r of egress) expect(String(r.inputs.description), r.name).toMatch(EC2_DESCRIPTION);
      // HTTPS to the subnets' VPC block (where the declared endpoints live) and to S3, not anywhere.
      expect(egress.map((r) => r.inputs.cidrIpv4 ?? r.inputs.prefixListId).sort()).toEqual([
        "172.31.0.0/16",
        expect.stringMatching(/^pl-[0-9a-f]+$/),
      ]);
    });

    it("fails naming the subnet, the pool and the type when a subnet's zone lacks the type", async () => {
      const result = await runFleet(
        "prod",
        { "fleet:subnetIds": subnets, "fleet:ssmAccess": "declared-nat" },
        undefined,
        { "aws:ec2/getSubnet:getSubnet": inZone({ [subnets[1] as string]: "eu-west-1a" }) },
      );
      expect(result.errors.map((e) => e.message).join("\n")).toContain(
        `fleet:subnetIds: subnet ${subnets[1]} is in eu-west-1a, which does not offer pool "a10g"'s instance type g5.xlarge`,
      );
    });
  });

  it("fails naming each subnet's VPC when the subnets are in two VPCs (one security group serves all)", async () => {
    const subnets = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"];
    const result = await runFleet(
      "prod",
      { "fleet:subnetIds": subnets, "fleet:ssmAccess": "declared-nat" },
      undefined,
      {
        "aws:ec2/getSubnet:getSubnet": (inputs) => ({
          id: String(inputs.id),
          vpcId: inputs.id === subnets[0] ? "vpc-0aaaaaaaaaaaaaaa1" : "vpc-0bbbbbbbbbbbbbbb2",
          availabilityZone: "eu-west-1b",
        }),
      },
    );
    expect(result.errors.map((e) => e.message).join("\n")).toContain(
      `fleet:subnetIds: the subnets are in 2 VPCs (${subnets[0]} in vpc-0aaaaaaaaaaaaaaa1, ${subnets[1]} in vpc-0bbbbbbbbbbbbbbb2); every subnet of the fleet must be in one VPC`,
    );
    expect(resourcesOfType(result, "aws:ec2/instance:Instance")).toEqual([]);
  });

  it("fails naming the pool and the type when a type is offered in no zone", async () => {
    const result = await runFleet("prod", {}, undefined, {
      "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": () => ({
        id: "eu-west-1",
        instanceTypes: ["g5.xlarge", "g5.xlarge"],
        locations: ["eu-west-1b", "eu-west-1c"],
        locationTypes: ["availability-zone", "availability-zone"],
      }),
    });
    expect(result.errors.map((e) => e.message).join("\n")).toContain(
      'fleet:pools: pool "l4": instance type g6.xlarge is offered in no availability zone of this region',
    );
    expect(resourcesOfType(result, "aws:ec2/instance:Instance")).toEqual([]);
  });

  it.each([
    [{ "fleet:subnetIds": ["subnet-0aaaaaaaaaaaaaaa1"] }, "fleet:ssmAccess", "required with fleet:subnetIds"],
    [{ "fleet:ssmAccess": "declared-nat" }, "fleet:ssmAccess", "only with fleet:subnetIds"],
    [
      {
        "fleet:subnetIds": ["subnet-0aaaaaaaaaaaaaaa1"],
        "fleet:ssmAccess": "declared-nat",
        "fleet:internetEgress": true,
      },
      "fleet:internetEgress",
      "applies to the fleet's own VPC only",
    ],
    [{ "fleet:vpcEndpoints": false }, "fleet:vpcEndpoints", "the SSM agent could reach nothing"],
    [
      { "fleet:ssmAccess": "maybe", "fleet:subnetIds": ["subnet-0aaaaaaaaaaaaaaa1"] },
      "fleet:ssmAccess",
      "must be one of: declared-endpoints, declared-nat",
    ],
    [{ "fleet:vpcCidr": "10.64.0.0/20" }, "fleet:vpcCidr", "must be a private /16"],
    [{ "fleet:vpcCidr": "169.254.0.0/16" }, "fleet:vpcCidr", "must be a private /16"],
    [{ "fleet:vpcCidr": "172.17.0.0/16" }, "fleet:vpcCidr", "not 172.17.0.0/16, Docker's default bridge"],
    [{ "fleet:vpcCidr": "52.10.0.0/16" }, "fleet:vpcCidr", "must be a private /16"],
    [{ "fleet:vpcCidr": "100.128.0.0/16" }, "fleet:vpcCidr", "must be a private /16"],
  ])("rejects %j naming %s", async (overrides, key, message) => {
    const result = await runFleet("prod", overrides);
    const text = result.errors.map((e) => e.message).join("\n");
    expect(text).toContain(key);
    expect(text).toContain(message);
    expect(resourcesOfType(result, "aws:ec2/instance:Instance")).toEqual([]);
  });
});
