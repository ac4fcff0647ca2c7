/**
 * The GPU fleet of one environment: its network (own VPC with SSM endpoints by default, or the
 * configured subnets) and, per pool, instances that only SSM reaches, tagged so the teams'
 * maintenance windows target them. Reads the instance profile from the IAM stack.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type * as pulumi from "@pulumi/pulumi";
import {
  availabilityZonesFor,
  checkSubnetZones,
  FleetNetwork,
  fleetNameOf,
  GpuTrainingFleet,
} from "@retrain/components";
import {
  defaultStackRef,
  defaultTags,
  type FleetOutputs,
  iamOutputs,
  inRegionOf,
  readStackConfig,
  workspaceOrganization,
} from "@retrain/config";

export type FleetStackOutputs = {
  [K in keyof FleetOutputs]: pulumi.Output<FleetOutputs[K]> | FleetOutputs[K];
};

/** This program's folder: the workspace (its `retrain.json`) is above it. */
const PROGRAM_DIR = path.dirname(fileURLToPath(import.meta.url));

export async function fleetProgram(): Promise<FleetStackOutputs> {
  const { config, project, stack, region } = readStackConfig("fleet");
  // The organisation from the workspace's retrain.json above this program (not the cwd: the plan runs it in-process).
  const iamStack =
    config.iamStack ?? defaultStackRef("iam", config.environment, workspaceOrganization(PROGRAM_DIR));
  const iam = iamOutputs(iamStack);
  // The instances' profile comes from the IAM stack: a fleet in another region than it fails here.
  const instanceProfileName = inRegionOf(iam.instanceProfileName, {
    file: `Pulumi.${stack}.yaml`,
    region,
    upstream: [{ kind: "iam", stackRef: iamStack, region: iam.region }],
  });
  const fleetName = fleetNameOf(config.environment);
  const tags = defaultTags({ stack: `${project}/${stack}` });

  // Zones are looked up before any resource exists: the subnets follow from them, and a pool whose
  // type no zone offers fails here, naming it, instead of at RunInstances.
  let network: FleetNetwork;
  if (config.subnetIds) {
    // The schema requires ssmAccess with subnetIds; checked again so no default hides a gap.
    if (!config.ssmAccess) throw new Error("fleet:ssmAccess is required with fleet:subnetIds");
    await checkSubnetZones(config.pools, config.subnetIds);
    network = new FleetNetwork("network", {
      fleetName,
      network: { kind: "existing", subnetIds: config.subnetIds, ssmAccess: config.ssmAccess },
      tags,
    });
  } else {
    network = new FleetNetwork("network", {
      fleetName,
      network: {
        kind: "own",
        availabilityZones: await availabilityZonesFor(config.pools, config.maxAvailabilityZones),
        vpcCidr: config.vpcCidr,
        vpcEndpoints: config.vpcEndpoints,
        internetEgress: config.internetEgress,
      },
      tags,
    });
  }

  const fleet = new GpuTrainingFleet("gpu", {
    fleetName,
    pools: config.pools,
    amiParameter: config.amiParameter,
    instanceProfileName,
    subnetIds: network.subnetIds,
    securityGroupId: network.instanceSecurityGroupId,
    stopWhenIdleMinutes: config.stopWhenIdleMinutes,
    tags,
  });

  return { pools: fleet.pools, region, network: network.network };
}
