/**
 * One ML team's retraining schedules: its Command document and, per configured window, a maintenance
 * window (or a State Manager association) on a pool of its environment's fleet. Reads the service
 * role, log group and bucket from the IAM stack and the pools from the fleet stack.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import {
  type AlertedWindow,
  type AlertsOutput,
  fleetNameOf,
  RetrainingAssociation,
  RetrainingWindow,
  TeamAlerts,
  TrainingCommandDocument,
} from "@retrain/components";
import {
  defaultStackRef,
  defaultTags,
  fleetOutputs,
  iamOutputs,
  inRegionOf,
  readStackConfig,
  type WindowOutput,
  workspaceOrganization,
} from "@retrain/config";
import { NEXT_RUNS, windowNextRuns } from "@retrain/windows";

export interface SchedulingStackOutputs {
  windows: pulumi.Output<WindowOutput[]>;
  /** The team's alert topic, destinations and missed-run alarms (docs/operations.md). */
  alerts: pulumi.Output<AlertsOutput>;
}

/** This program's folder: the workspace (its tenant registry and `retrain.json`) is above it. */
const PROGRAM_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface SchedulingProgramOptions {
  /** The tenant registry (file); default the nearest `policies/tenants.yaml` above the program or the cwd. */
  tenantRegistry?: string;
}

export async function schedulingProgram(
  options: SchedulingProgramOptions = {},
): Promise<SchedulingStackOutputs> {
  // The program's own folder first: the plan runs it in-process from wherever it was started.
  const searchFrom = [PROGRAM_DIR, process.cwd()];
  const { config, project, stack, region } = readStackConfig("scheduling", {
    searchFrom,
    ...(options.tenantRegistry !== undefined ? { tenantRegistry: options.tenantRegistry } : {}),
  });
  const { team, environment } = config;
  // Derived from the environment and the workspace's organisation only: a team names no stack.
  const organization = workspaceOrganization(PROGRAM_DIR);
  const fleetStack = defaultStackRef("fleet", environment, organization);
  const iamStack = defaultStackRef("iam", environment, organization);
  const iam = iamOutputs(iamStack);
  const fleet = fleetOutputs(fleetStack);
  // Every resource of the stack reads the fleet's pools or the IAM stack's roles through these: a
  // stack in another region than its environment fails here, in `pulumi preview` and in the plan.
  const sameRegion = {
    file: `Pulumi.${stack}.yaml`,
    region,
    upstream: [
      { kind: "fleet" as const, stackRef: fleetStack, region: fleet.region },
      { kind: "iam" as const, stackRef: iamStack, region: iam.region },
    ],
  };
  const fleetPools = inRegionOf(fleet.pools, sameRegion);
  const teamRoleArns = inRegionOf(iam.teamRoleArns, sameRegion);
  const tags = defaultTags({ stack: `${project}/${stack}`, team });
  const fleetName = fleetNameOf(environment);

  const document = new TrainingCommandDocument("train", {
    team,
    environment,
    teamRoleArn: teamRoleArns.apply((arns) => {
      const arn = arns[team];
      if (!arn) throw new Error(`iam stack of "${environment}" exports no training role for team "${team}"`);
      return arn;
    }),
    tags,
  });

  const now = new Date();
  const alerted: AlertedWindow[] = [];
  const windows = config.windows.map((w, i) => {
    const poolTag = fleetPools.apply((pools) => {
      const pool = pools.find((p) => p.name === w.pool);
      if (!pool) {
        throw new Error(
          `scheduling:windows[${i}].pool: "${w.pool}" is not a pool of fleet stack "${fleetStack}" (pools: ${pools.map((p) => p.name).join(", ") || "none"})`,
        );
      }
      return pool.targetTag;
    });
    const runs = windowNextRuns(w, now, NEXT_RUNS).map((d) => d.toISOString());

    if (w.mode === "association") {
      const association = new RetrainingAssociation(w.name, {
        team,
        environment,
        window: w,
        documentName: document.documentName,
        documentVersion: document.documentVersion,
        poolTag,
        fleetTagValue: fleetName,
        artifactBucket: iam.artifactBucket,
      });
      alerted.push({ window: w, id: association.associationId });
      return pulumi.output({
        name: w.name,
        id: association.associationId,
        schedule: w.schedule,
        nextRuns: runs,
      });
    }
    const window = new RetrainingWindow(w.name, {
      team,
      environment,
      window: w,
      documentName: document.documentName,
      documentVersion: document.documentVersion,
      serviceRoleArn: iam.maintenanceWindowRoleArn,
      startStopRoleArn: iam.startStopRoleArns.apply((roles) => roles[w.pool]),
      poolTag,
      fleetTagValue: fleetName,
      logGroupName: iam.logGroupName,
      artifactBucket: iam.artifactBucket,
      tags,
    });
    alerted.push({ window: w, id: window.windowId, successId: window.targetId });
    return pulumi.output({ name: w.name, id: window.windowId, schedule: w.schedule, nextRuns: runs });
  });

  // Alert destinations were checked against the tenant registry with the rest of the config.
  const alerts = new TeamAlerts("alerts", {
    team,
    environment,
    windows: alerted,
    documentName: document.documentName,
    logGroupName: iam.logGroupName,
    artifactBucket: iam.artifactBucket,
    ...(config.notify ? { notify: config.notify } : {}),
    tags,
  });

  return { windows: pulumi.all(windows), alerts: alerts.alerts };
}
