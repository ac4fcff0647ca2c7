/**
 * The IAM stack of one environment: where runs write (bucket, log group), the role SSM assumes to
 * run window tasks and the role of the GPU instances, each scoped to the others.
 */

import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import {
  fleetNameOf,
  MaintenanceWindowServiceRole,
  TrainingArtifacts,
  TrainingInstanceRole,
} from "@retrain/components";
import { defaultTags, type IamOutputs, readStackConfig, resourceName } from "@retrain/config";

export type IamStackOutputs = { [K in keyof IamOutputs]: pulumi.Output<IamOutputs[K]> };

export async function iamProgram(): Promise<IamStackOutputs> {
  const { config, project, stack } = readStackConfig("iam");
  const env = config.environment;
  const tags = defaultTags({ stack: `${project}/${stack}` });

  const bucketName =
    config.artifactBucketName ??
    aws.getCallerIdentityOutput().accountId.apply((account) => `retrain-artifacts-${env}-${account}`);
  const artifacts = new TrainingArtifacts("artifacts", {
    bucketName,
    logGroupName: `/retrain/${env}/runs`,
    logRetentionDays: config.logRetentionDays,
    tags,
  });
  const instanceRole = new TrainingInstanceRole("training-instance", {
    roleName: resourceName("iamRole", env, "training-instance"),
    artifactBucket: artifacts.bucketName,
    logGroupName: artifacts.logGroupName,
    tags,
  });
  const windowRole = new MaintenanceWindowServiceRole("maintenance-window", {
    roleName: resourceName("iamRole", env, "maintenance-window"),
    documentNamePrefix: `retrain-${env}-`,
    fleetTagValue: fleetNameOf(env),
    artifactBucket: artifacts.bucketName,
    allowStartStop: config.allowStartStop,
    tags,
  });

  return {
    maintenanceWindowRoleArn: windowRole.roleArn,
    instanceProfileName: instanceRole.instanceProfileName,
    instanceRoleArn: instanceRole.roleArn,
    artifactBucket: artifacts.bucketName,
    logGroupName: artifacts.logGroupName,
  };
}
