/**
 * The outputs one stack hands to another. Each upstream stack exports exactly these keys; each
 * downstream stack reads them only through the typed StackReference helpers in `references.ts`.
 */
import { z } from "zod";

const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/, "must be an IAM role ARN");

export const iamOutputsSchema = z.object({
  maintenanceWindowRoleArn: roleArn,
  instanceProfileName: z.string().min(1),
  instanceRoleArn: roleArn,
  artifactBucket: z.string().min(3),
  logGroupName: z.string().min(1),
  /** Training role per team the tenant registry grants this environment (`retrain-<env>-team-<team>`). */
  teamRoleArns: z.record(z.string(), roleArn),
  /**
   * Start/stop automation role per pool granted in this environment (`retrain-<env>-startstop-<pool>`),
   * the `AutomationAssumeRole` of that pool's AWS-StartEC2Instance/AWS-StopEC2Instance tasks; empty
   * when the environment does not allow start/stop.
   */
  startStopRoleArns: z.record(z.string(), roleArn),
  /**
   * `aws:region` of the IAM stack: the window role trusts `ssm` of this region only (aws:SourceArn
   * `arn:<partition>:ssm:<region>:<account>:*`) and may SendCommand only on documents here, so the
   * fleet and every team stack of the environment must deploy to it (checked by their programs).
   * Optional while IAM stacks deployed before it was exported are in use: a downstream preview against
   * such a state skips the comparison (the first deploy of main, IAM first, adds it).
   */
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as eu-west-1")
    .optional(),
});
export type IamOutputs = z.infer<typeof iamOutputsSchema>;

export const poolOutputSchema = z.object({
  name: z.string(),
  instanceType: z.string(),
  instanceIds: z.array(z.string()),
  /** The tag windows target: `tag:<key>` = value. */
  targetTag: z.object({ key: z.string(), value: z.string() }),
  /** Idle minutes after which the pool's instances stop themselves; 0 = always on. */
  stopWhenIdleMinutes: z.number().int().min(0),
});
export type PoolOutput = z.infer<typeof poolOutputSchema>;

/** How the fleet's instances reach SSM, as the plan's reachability check reads it. */
export const networkOutputSchema = z.object({
  vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, "must be a VPC id"),
  subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, "must be a subnet id")).min(1),
  /** Own VPC: `vpc-endpoints` or `nat-gateway`; bring-your-own subnets: `declared`. */
  ssmAccess: z.enum(["vpc-endpoints", "nat-gateway", "declared"]),
  /** Endpoint services the instances reach privately, e.g. ssm, ssmmessages, ec2messages, logs, sts, s3. */
  endpoints: z.array(z.string()),
  /** A route to the internet (a NAT gateway) exists. */
  internetEgress: z.boolean(),
});
export type NetworkOutput = z.infer<typeof networkOutputSchema>;

export const fleetOutputsSchema = z.object({
  pools: z.array(poolOutputSchema),
  /** `aws:region` of the fleet: its instances are there, so every team stack on it must deploy there. */
  region: z.string(),
  network: networkOutputSchema,
});
export type FleetOutputs = z.infer<typeof fleetOutputsSchema>;

export const windowOutputSchema = z.object({
  name: z.string(),
  id: z.string(),
  schedule: z.string(),
  /** Next runs as ISO 8601 UTC instants, computed at deploy time. */
  nextRuns: z.array(z.string()),
});
export type WindowOutput = z.infer<typeof windowOutputSchema>;

/** Where a team's alerts go and how its missed runs are watched (docs/operations.md). */
export const alertsOutputSchema = z.object({
  topicArn: z.string(),
  /** `sns:<arn>` or `email:<address> (pending until confirmed)`. */
  destinations: z.array(z.string()),
  missedRunAlarms: z.array(
    z.object({
      window: z.string(),
      kind: z.enum(["single", "composite", "after-start", "none"]),
      periodHours: z.number().optional(),
      reason: z.string().optional(),
    }),
  ),
});
export type AlertsOutputContract = z.infer<typeof alertsOutputSchema>;

export const schedulingOutputsSchema = z.object({
  windows: z.array(windowOutputSchema),
  alerts: alertsOutputSchema,
});
export type SchedulingOutputs = z.infer<typeof schedulingOutputsSchema>;

export const OUTPUT_SCHEMAS = {
  iam: iamOutputsSchema,
  fleet: fleetOutputsSchema,
  scheduling: schedulingOutputsSchema,
} as const;
