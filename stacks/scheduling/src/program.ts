/**
 * One ML team's retraining schedules: its Command document and, per configured window, a maintenance
 * window (or a State Manager association) on a pool of its environment's fleet. Reads the service
 * role, log group and bucket from the IAM stack and the pools from the fleet stack.
 */
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
  ConfigError,
  checkAlertDestinations,
  defaultStackRef,
  defaultTags,
  findTenantRegistry,
  fleetOutputs,
  iamOutputs,
  loadTenantRegistry,
  readStackConfig,
  resourceName,
  TENANT_REGISTRY_PATH,
  type WindowOutput,
} from "@retrain/config";
import { nextRuns } from "@retrain/schedule";

export interface SchedulingStackOutputs {
  windows: pulumi.Output<WindowOutput[]>;
  /** The team's alert topic, destinations and missed-run alarms (docs/operations.md). */
  alerts: pulumi.Output<AlertsOutput>;
}

/** How many upcoming runs each window reports. */
const NEXT_RUNS = 5;

export async function schedulingProgram(): Promise<SchedulingStackOutputs> {
  const { config, project, stack } = readStackConfig("scheduling");
  const { team, environment } = config;
  const fleetStack = config.fleetStack ?? defaultStackRef("fleet", environment);
  const iam = iamOutputs(config.iamStack ?? defaultStackRef("iam", environment));
  const fleet = fleetOutputs(fleetStack);
  const tags = defaultTags({ stack: `${project}/${stack}`, team });
  const fleetName = fleetNameOf(environment);

  const document = new TrainingCommandDocument("train", {
    documentName: resourceName("ssmDocument", environment, team, "train"),
    description: `Retraining command of team ${team} (${environment}): GPU check, host lock, command as the training user`,
    tags,
  });

  const now = new Date();
  const alerted: AlertedWindow[] = [];
  const windows = config.windows.map((w, i) => {
    const poolTag = fleet.pools.apply((pools) => {
      const pool = pools.find((p) => p.name === w.pool);
      if (!pool) {
        throw new Error(
          `scheduling:windows[${i}].pool: "${w.pool}" is not a pool of fleet stack "${fleetStack}" (pools: ${pools.map((p) => p.name).join(", ") || "none"})`,
        );
      }
      return pool.targetTag;
    });
    const runs = nextRuns(w.schedule, {
      from: now,
      count: NEXT_RUNS,
      timezone: w.timezone,
      kind: w.mode,
      ...(w.startDate !== undefined ? { startDate: w.startDate } : {}),
      ...(w.endDate !== undefined ? { endDate: w.endDate } : {}),
      ...(w.offsetDays !== undefined ? { offsetDays: w.offsetDays } : {}),
    }).map((d) => d.toISOString());

    if (w.mode === "association") {
      const association = new RetrainingAssociation(w.name, {
        team,
        environment,
        window: w,
        documentName: document.documentName,
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
      serviceRoleArn: iam.maintenanceWindowRoleArn,
      poolTag,
      fleetTagValue: fleetName,
      logGroupName: iam.logGroupName,
      artifactBucket: iam.artifactBucket,
      tags,
    });
    alerted.push({ window: w, id: window.windowId });
    return pulumi.output({ name: w.name, id: window.windowId, schedule: w.schedule, nextRuns: runs });
  });

  // Alert destinations only as the registry allows them; without the registry, none (fail closed).
  if (config.notify) {
    const registry = findTenantRegistry(process.cwd());
    const problems = registry
      ? checkAlertDestinations(loadTenantRegistry(registry).registry, team, config.notify)
      : [
          {
            key: "scheduling:notify",
            message: `no ${TENANT_REGISTRY_PATH} found above ${process.cwd()}: alert destinations need the tenant registry`,
          },
        ];
    if (problems.length > 0) throw new ConfigError(`scheduling/${stack}`, problems);
  }
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
