/**
 * The GPU fleet of one environment: per pool, instances that only SSM reaches, tagged so the teams'
 * maintenance windows target them. Reads the instance profile from the IAM stack.
 */
import type * as pulumi from "@pulumi/pulumi";
import { fleetNameOf, GpuTrainingFleet } from "@retrain/components";
import {
  defaultStackRef,
  defaultTags,
  type FleetOutputs,
  iamOutputs,
  readStackConfig,
} from "@retrain/config";

export type FleetStackOutputs = {
  [K in keyof FleetOutputs]: pulumi.Output<FleetOutputs[K]> | FleetOutputs[K];
};

export async function fleetProgram(): Promise<FleetStackOutputs> {
  const { config, project, stack, region } = readStackConfig("fleet");
  const iam = iamOutputs(config.iamStack ?? defaultStackRef("iam", config.environment));

  const fleet = new GpuTrainingFleet("gpu", {
    fleetName: fleetNameOf(config.environment),
    pools: config.pools,
    amiParameter: config.amiParameter,
    instanceProfileName: iam.instanceProfileName,
    ...(config.subnetIds ? { subnetIds: config.subnetIds } : {}),
    stopWhenIdleMinutes: config.stopWhenIdleMinutes,
    tags: defaultTags({ stack: `${project}/${stack}` }),
  });

  return { pools: fleet.pools, region };
}
