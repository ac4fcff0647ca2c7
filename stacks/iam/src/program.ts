/**
 * The IAM stack of one environment: where runs write (bucket, log group), the role SSM assumes to
 * run window tasks, a start/stop automation role per pool, the role of the GPU instances and one
 * training role per team the tenant registry grants this environment, each scoped to the others.
 */

import path from "node:path";
import { fileURLToPath } from "node:url";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  buildInWaves,
  DEFAULT_WAVE_SIZE,
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

/** This program's folder: the workspace (its tenant registry) is above it. */
const PROGRAM_DIR = path.dirname(fileURLToPath(import.meta.url));

/**
 * The teams (and their pools) the registry grants `environment`; fails closed without a registry.
 * The program's own folder first (the plan runs it in-process from wherever it was started, as the
 * scheduling program does), then the cwd (`pulumi` runs it from stacks/iam).
 */
function grantsOf(environment: string, searchFrom: readonly string[]) {
  const file = searchFrom.map((dir) => findTenantRegistry(dir)).find((f) => f !== undefined);
  if (!file) {
    throw new ConfigError(TENANT_REGISTRY_PATH, [
      {
        key: "",
        message: `no tenant registry at or above ${searchFrom.join(" or ")}: the iam stack creates one training role per registered team`,
      },
    ]);
  }
  return teamsGranted(loadTenantRegistry(file).registry, environment);
}

export interface IamProgramOptions {
  /** Where to look for `policies/tenants.yaml`; default the program's folder, then the cwd. */
  registrySearchFrom?: readonly string[];
  /**
   * Team roles built before the program yields to let them register (waves.ts): bounds the
   * program's memory by a wave instead of the registry. Default {@link DEFAULT_WAVE_SIZE}.
   */
  teamRoleWave?: number;
}

export async function iamProgram(options: IamProgramOptions = {}): Promise<IamStackOutputs> {
  const { config, project, stack, region } = readStackConfig("iam");
  const env = config.environment;
  const tags = defaultTags({ stack: `${project}/${stack}` });
  const teams = grantsOf(env, options.registrySearchFrom ?? [PROGRAM_DIR, process.cwd()]);
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
  const teamRoles = await buildInWaves(
    teams,
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
    options.teamRoleWave ?? DEFAULT_WAVE_SIZE,
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
    // The roles are named `<prefix><pool>` above; no pool, no role to pass (and no statement).
    ...(startStopRoles.length > 0
      ? { startStopRoleNamePrefix: `${resourceName("iamRole", env, "startstop")}-` }
      : {}),
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
    // The fleet and team stacks of the environment must deploy here (their programs compare it).
    region: pulumi.output(region),
  };
}
