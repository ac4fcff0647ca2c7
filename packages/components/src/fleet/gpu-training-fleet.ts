import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type PoolConfig, type PoolOutput, poolStopWhenIdleMinutes, TAG_KEYS } from "@retrain/config";
import { HOST_LOCK_FILE, TRAINING_USER } from "../host.js";
import { renderUserData } from "./user-data.js";

export interface GpuTrainingFleetArgs {
  /** Value of the `retrain:fleet` tag on every instance, e.g. `retrain-prod`; names resources too. */
  fleetName: string;
  /** Pools of identical instances; windows target a pool by its `retrain:pool` tag. */
  pools: PoolConfig[];
  /** Public SSM parameter holding the AMI id (Deep Learning Base GPU AMI, Ubuntu 22.04, x86_64). */
  amiParameter: string;
  /** Instance profile of the IAM stack. */
  instanceProfileName: pulumi.Input<string>;
  /** Subnets to spread each pool's instances over (`FleetNetwork.subnetIds`). */
  subnetIds: pulumi.Input<string[]>;
  /** The instances' only security group (`FleetNetwork.instanceSecurityGroupId`). */
  securityGroupId: pulumi.Input<string>;
  /** Stop instances after this many idle minutes unless a pool sets its own; 0 disables. */
  stopWhenIdleMinutes?: number;
  tags?: Record<string, string>;
}

/**
 * GPU instances per pool, reachable only through SSM: a launch template per pool (AMI from AWS's
 * public parameter, IMDSv2 required, encrypted gp3 root, bootstrap user data), the network's security
 * group without ingress, no public IP, and the pool and fleet tags maintenance windows target.
 *
 * Network settings live on the instance only, never in the template: with `subnetId` and
 * `associatePublicIpAddress` set, the AWS provider sends one network interface carrying the subnet,
 * the groups and the public-IP flag, and EC2 rejects such a request when the template adds
 * security groups (`InvalidParameterCombination: Network interfaces and an instance-level security
 * groups may not be specified on the same request`, pulumi/pulumi-aws#2506,
 * hashicorp/terraform-provider-aws#32614) or network interfaces of its own (the instance-level subnet
 * then conflicts, hashicorp/terraform-provider-aws#33536).
 */
export class GpuTrainingFleet extends pulumi.ComponentResource {
  /** The fleet contract: pools with their instances and target tag. */
  readonly pools: pulumi.Output<PoolOutput[]>;
  readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: GpuTrainingFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:fleet:GpuTrainingFleet", name, {}, opts);
    const child = { parent: this };
    const fleetTags = { ...args.tags, [TAG_KEYS.fleet]: args.fleetName };

    const subnetIds = pulumi.output(args.subnetIds).apply((ids) => {
      if (ids.length === 0) throw new Error(`fleet ${args.fleetName}: no subnet to launch into`);
      return ids;
    });
    const securityGroupId = pulumi.output(args.securityGroupId);

    const imageId = aws.ssm.getParameterOutput({ name: args.amiParameter }, child).value;
    const metadataOptions = {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: "disabled",
    };

    const pools = args.pools.map((pool) => {
      const poolTags = { ...fleetTags, [TAG_KEYS.pool]: pool.name };
      const stopWhenIdleMinutes = poolStopWhenIdleMinutes(
        { stopWhenIdleMinutes: args.stopWhenIdleMinutes ?? 0 },
        pool,
      );
      const userData = Buffer.from(
        renderUserData({ trainingUser: TRAINING_USER, stopWhenIdleMinutes, lockFile: HOST_LOCK_FILE }),
      ).toString("base64");
      const template = new aws.ec2.LaunchTemplate(
        `${name}-${pool.name}`,
        {
          name: `${args.fleetName}-${pool.name}`,
          description: `Retraining pool ${pool.name} (${pool.instanceType})`,
          imageId,
          instanceType: pool.instanceType,
          iamInstanceProfile: { name: args.instanceProfileName },
          metadataOptions,
          blockDeviceMappings: [
            {
              deviceName: "/dev/sda1",
              ebs: {
                volumeSize: pool.rootVolumeGb,
                volumeType: "gp3",
                encrypted: "true",
                deleteOnTermination: "true",
              },
            },
          ],
          // No vpcSecurityGroupIds, securityGroupNames or networkInterfaces here: see the class comment.
          instanceInitiatedShutdownBehavior: "stop",
          userData,
          tagSpecifications: [
            { resourceType: "instance", tags: poolTags },
            { resourceType: "volume", tags: poolTags },
          ],
          tags: poolTags,
        },
        child,
      );
      const instances = Array.from({ length: pool.count }, (_, i) => {
        const instanceName = `${args.fleetName}-${pool.name}-${i + 1}`;
        // The launch template holds the configuration; the settings that keep an instance private and
        // hardened are repeated on the instance, since its own arguments are what EC2 applies (and what
        // a policy reading the instance alone sees).
        return new aws.ec2.Instance(
          `${name}-${pool.name}-${i + 1}`,
          {
            launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
            // The one place of the network settings (class comment): the provider turns these three into
            // the primary network interface of the RunInstances request.
            subnetId: subnetIds.apply((ids) => ids[i % ids.length] as string),
            vpcSecurityGroupIds: [securityGroupId],
            associatePublicIpAddress: false,
            metadataOptions,
            rootBlockDevice: {
              volumeSize: pool.rootVolumeGb,
              volumeType: "gp3",
              encrypted: true,
              deleteOnTermination: true,
            },
            tags: { ...poolTags, Name: instanceName },
            volumeTags: poolTags,
          },
          // A new AMI in the public parameter updates the template; instances are not replaced under
          // running jobs: roll them deliberately.
          { ...child, ignoreChanges: ["launchTemplate"] },
        );
      });
      return pulumi.all(instances.map((i) => i.id)).apply(
        (instanceIds): PoolOutput => ({
          name: pool.name,
          instanceType: pool.instanceType,
          instanceIds,
          targetTag: { key: TAG_KEYS.pool, value: pool.name },
          stopWhenIdleMinutes,
        }),
      );
    });

    this.pools = pulumi.all(pools);
    this.securityGroupId = securityGroupId;
    this.registerOutputs({ pools: this.pools, securityGroupId: this.securityGroupId });
  }
}
