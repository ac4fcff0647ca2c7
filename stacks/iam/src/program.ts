/**
 * The IAM stack of one environment: where runs write (bucket, log group), the role SSM assumes to
 * run window tasks, a start/stop automation role per pool, the role of the GPU instances and one
 * training role per team the tenant registry grants this environment, each scoped to the others.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  fleetNameOf,
  MaintenanceWindowServiceRole,
  RunLogDeliveryPolicy,
  runLogGroupPrefix,
  StartStopAutomationRole,
  TeamTrainingRole,
  TrainingArtifacts,
  TrainingInstanceRole,
} from "@retrain/components";
import {
  ConfigError,
  defaultTags,
  type IamOutputs,
  readStackConfig,
  resourceName,
  TAG_KEYS,
} from "@retrain/config";
import {
  findTenantRegistry,
  loadTenantRegistry,
  TENANT_REGISTRY_PATH,
  teamsGranted,
} from "@retrain/config/tenants";

export type IamStackOutputs = { [K in keyof IamOutputs]: pulumi.Output<IamOutputs[K]> };

/** The teams (and their pools) the registry grants `environment`; fails closed without a registry. */
function grantsOf(environment: string) {
  const file = findTenantRegistry(process.cwd());
  if (!file) {
    throw new ConfigError(TENANT_REGISTRY_PATH, [
      {
        key: "",
        message: `no tenant registry at or above ${process.cwd()}: the iam stack creates one training role per registered team`,
      },
    ]);
  }
  return teamsGranted(loadTenantRegistry(file).registry, environment);
}

export async function iamProgram(): Promise<IamStackOutputs> {
  const { config, project, stack } = readStackConfig("iam");
  const env = config.environment;
  const tags = defaultTags({ stack: `${project}/${stack}` });
  const teams = grantsOf(env);
  const pools = [...new Set(teams.flatMap((t) => t.pools))].sort();

  const bucketName =
    config.artifactBucketName ??
    aws.getCallerIdentityOutput().accountId.apply((account) => `retrain-artifacts-${env}-${account}`);
  const artifacts = new TrainingArtifacts("artifacts", {
    bucketName,
    logGroupName: `/retrain/${env}/runs`,
    logRetentionDays: config.logRetentionDays,
    tags,
  });
  // One policy for every team's run log (Logs' 10-per-account-and-region quota).
  new RunLogDeliveryPolicy("run-logs", {
    policyName: resourceName("logResourcePolicy", env, "run-logs"),
    logGroupPrefix: runLogGroupPrefix(env),
  });
  const teamRolePrefix = `${resourceName("iamRole", env, "team")}-`;
  const instanceRole = new TrainingInstanceRole("training-instance", {
    roleName: resourceName("iamRole", env, "training-instance"),
    artifactBucket: artifacts.bucketName,
    logGroupName: artifacts.logGroupName,
    documentNamePrefix: `retrain-${env}-`,
    teamRoleNamePrefix: teamRolePrefix,
    tags,
  });
  const teamRoles = teams.map(
    ({ team }) =>
      [
        team,
        new TeamTrainingRole(`team-${team}`, {
          roleName: resourceName("iamRole", env, "team", team),
          team,
          instanceRoleArn: instanceRole.roleArn,
          artifactBucket: artifacts.bucketName,
          logGroupName: artifacts.logGroupName,
          tags: { ...tags, [TAG_KEYS.team]: team },
        }),
      ] as const,
  );
  const startStopRoles = config.allowStartStop
    ? pools.map(
        (pool) =>
          [
            pool,
            new StartStopAutomationRole(`startstop-${pool}`, {
              roleName: resourceName("iamRole", env, "startstop", pool),
              fleetTagValue: fleetNameOf(env),
              pool,
              tags: { ...tags, [TAG_KEYS.pool]: pool },
            }),
          ] as const,
      )
    : [];
  const windowRole = new MaintenanceWindowServiceRole("maintenance-window", {
    roleName: resourceName("iamRole", env, "maintenance-window"),
    documentNamePrefix: `retrain-${env}-`,
    fleetTagValue: fleetNameOf(env),
    artifactBucket: artifacts.bucketName,
    startStopRoleArns: startStopRoles.map(([, r]) => r.roleArn),
    tags,
  });

  const arnsOf = (roles: readonly (readonly [string, { roleArn: pulumi.Output<string> }])[]) =>
    pulumi.all(Object.fromEntries(roles.map(([key, r]) => [key, r.roleArn]))) as pulumi.Output<
      Record<string, string>
    >;
  return {
    maintenanceWindowRoleArn: windowRole.roleArn,
    instanceProfileName: instanceRole.instanceProfileName,
    instanceRoleArn: instanceRole.roleArn,
    artifactBucket: artifacts.bucketName,
    logGroupName: artifacts.logGroupName,
    teamRoleArns: arnsOf(teamRoles),
    startStopRoleArns: arnsOf(startStopRoles),
  };
}
