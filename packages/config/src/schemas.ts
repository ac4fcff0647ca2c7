/**
 * The config of every stack, one zod schema each. Pulumi stack config keys are `<namespace>:<key>`;
 * each schema describes the keys of its stack's namespace (`iam:`, `fleet:`, `scheduling:`), with
 * `aws:region` read separately. Types are inferred from the schemas: nothing re-declares them.
 */
import { tryParseSchedule } from "@retrain/schedule";
import { z } from "zod";
import { SLUG_PATTERN } from "./naming.js";

const slug = (what: string, max = 32) =>
  z
    .string()
    .min(2, `${what} must be 2-${max} characters`)
    .max(max, `${what} must be 2-${max} characters`)
    .regex(SLUG_PATTERN, `${what} must be lowercase letters, digits and '-', starting with a letter`);

/** Environments a fleet or IAM stack can be, and that a team's scheduling stack targets. */
export const environmentSchema = slug("environment", 16);

/** A fully qualified StackReference name: `org/project/stack` (or `project/stack`). */
export const stackRefSchema = z
  .string()
  .regex(/^([A-Za-z0-9_.-]+\/)?[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be `organization/project/stack`");

/** AWS region code such as eu-west-1. */
export const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as eu-west-1");

// ---------------------------------------------------------------- iam

/** Retention periods CloudWatch Logs accepts (the ones useful for training logs). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365] as const;

export const iamConfigSchema = z.strictObject({
  /** Environment this stack serves; also its Pulumi stack name. */
  environment: environmentSchema,
  /** Artifact bucket name; default `retrain-artifacts-<environment>-<account id>`. */
  artifactBucketName: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name")
    .optional(),
  /** Days CloudWatch keeps training logs. */
  logRetentionDays: z
    .literal(
      LOG_RETENTION_DAYS,
      `must be one of the CloudWatch retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
    )
    .default(30),
  /** Allow window tasks to start/stop the fleet through the AWS-StartEC2Instance/StopEC2Instance automations. */
  allowStartStop: z.boolean().default(true),
});
export type IamConfig = z.infer<typeof iamConfigSchema>;

// ---------------------------------------------------------------- fleet

/** Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04, x86_64), published by AWS in SSM. */
export const DEFAULT_AMI_PARAMETER =
  "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id";

export const poolSchema = z.strictObject({
  /** Pool name windows refer to, e.g. `a10g`. */
  name: slug("pool name", 24),
  /** A GPU instance type (g4dn, g5, g6, g6e, gr6, p3, p4d, p5 families...). */
  instanceType: z
    .string()
    .regex(
      /^(g4dn|g4ad|g5|g5g|g6|g6e|gr6|p3|p3dn|p4d|p4de|p5|p5e|p5en|p6-b200)\.[a-z0-9]+$/,
      "must be a GPU instance type such as g5.xlarge",
    ),
  /** Number of instances in the pool. */
  count: z.number().int().min(1).max(50).default(1),
  /** Encrypted gp3 root volume size in GiB. */
  rootVolumeGb: z.number().int().min(75).max(16384).default(200),
  /**
   * Overrides `fleet:stopWhenIdleMinutes` for this pool; 0 keeps it always on (a pool that an
   * association uses must be: State Manager skips stopped instances).
   */
  stopWhenIdleMinutes: z.number().int().min(0).max(1440).optional(),
});
export type PoolConfig = z.infer<typeof poolSchema>;

/**
 * How bring-your-own subnets (`fleet:subnetIds`) reach Systems Manager: `declared-endpoints` (their
 * VPC has interface endpoints for ssm, ssmmessages, ec2messages, logs and sts with private DNS, and
 * an S3 gateway endpoint on their route tables) or `declared-nat` (a default route to a NAT gateway).
 */
export const SSM_ACCESS_DECLARATIONS = ["declared-endpoints", "declared-nat"] as const;

/** A /16 IPv4 block such as 10.64.0.0/16: the fleet's own VPC, cut into /20 subnets. */
const vpcCidrSchema = z
  .string()
  .regex(
    /^(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)\.0\.0\/16$/,
    "must be a /16 IPv4 block such as 10.64.0.0/16",
  );

export const fleetConfigSchema = z
  .strictObject({
    environment: environmentSchema,
    /** StackReference of the IAM stack; default `organization/retrain-iam/<environment>`. */
    iamStack: stackRefSchema.optional(),
    /** Public SSM parameter holding the AMI id. */
    amiParameter: z
      .string()
      .startsWith("/aws/service/", "must be a public AWS SSM parameter path")
      .default(DEFAULT_AMI_PARAMETER),
    /**
     * Bring-your-own subnets to launch into instead of the fleet's own VPC; requires `ssmAccess`.
     * Every subnet must be in an availability zone that offers every pool's instance type.
     */
    subnetIds: z
      .array(z.string().regex(/^subnet-[0-9a-f]+$/, "must be a subnet id"))
      .min(1, "list at least one subnet, or remove the key to use the fleet's own VPC")
      .optional(),
    /** With `subnetIds`: how those subnets reach SSM (see {@link SSM_ACCESS_DECLARATIONS}). */
    ssmAccess: z
      .enum(SSM_ACCESS_DECLARATIONS, `must be one of: ${SSM_ACCESS_DECLARATIONS.join(", ")}`)
      .optional(),
    /** The fleet's own VPC (when `subnetIds` is not set): its IPv4 block. */
    vpcCidr: vpcCidrSchema.default("10.64.0.0/16"),
    /** Private subnets in at most this many availability zones (each AZ adds one ENI per endpoint). */
    maxAvailabilityZones: z.number().int().min(1).max(6).default(2),
    /** Interface endpoints for SSM, logs and STS plus an S3 gateway endpoint in the fleet's own VPC. */
    vpcEndpoints: z.boolean().default(true),
    /** A NAT gateway (public subnet, internet gateway, route) for package mirrors; costs by the hour. */
    internetEgress: z.boolean().default(false),
    pools: z
      .array(poolSchema)
      .min(1, "a fleet needs at least one pool")
      .superRefine((pools, ctx) => {
        const seen = new Set<string>();
        pools.forEach((p, i) => {
          if (seen.has(p.name))
            ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate pool "${p.name}"` });
          seen.add(p.name);
        });
      }),
    /** Stop instances after this many idle minutes (no GPU use, no command running); 0 disables. */
    stopWhenIdleMinutes: z.number().int().min(0).max(1440).default(0),
  })
  // The network keys depend on each other: a config that leaves SSM unreachable is an error here.
  .superRefine((c, ctx) => {
    const issue = (key: string, message: string) => ctx.addIssue({ code: "custom", path: [key], message });
    if (c.subnetIds) {
      if (!c.ssmAccess)
        issue(
          "ssmAccess",
          `required with fleet:subnetIds: say how those subnets reach SSM, one of ${SSM_ACCESS_DECLARATIONS.join(", ")} (declared-endpoints: interface endpoints for ssm, ssmmessages, ec2messages, logs, sts with private DNS and an S3 gateway endpoint; declared-nat: a default route to a NAT gateway)`,
        );
      if (c.internetEgress)
        issue(
          "internetEgress",
          "applies to the fleet's own VPC only; with fleet:subnetIds the NAT is yours: set fleet:ssmAccess to declared-nat",
        );
    } else {
      if (c.ssmAccess)
        issue(
          "ssmAccess",
          "only with fleet:subnetIds; the fleet's own VPC reaches SSM through its endpoints (fleet:vpcEndpoints) or NAT (fleet:internetEgress)",
        );
      if (!c.vpcEndpoints && !c.internetEgress)
        issue(
          "vpcEndpoints",
          "is false and fleet:internetEgress is false: the SSM agent could reach nothing; keep the endpoints or enable internetEgress",
        );
    }
  });
export type FleetConfig = z.infer<typeof fleetConfigSchema>;

/** Idle minutes after which a pool's instances stop: the pool's own value, else the fleet's; 0 = always on. */
export const poolStopWhenIdleMinutes = (fleet: Pick<FleetConfig, "stopWhenIdleMinutes">, pool: PoolConfig) =>
  pool.stopWhenIdleMinutes ?? fleet.stopWhenIdleMinutes;

// ---------------------------------------------------------------- scheduling

/** SSM's MaxConcurrency/MaxErrors: a count or a percentage. */
const concurrencySchema = z
  .union([z.string(), z.number().int().min(0)])
  .transform((v) => String(v))
  .pipe(
    z
      .string()
      .regex(
        /^([1-9][0-9]*|[0-9]|[1-9][0-9]?%|100%|0%)$/,
        'must be a number or a percentage such as "1" or "50%"',
      ),
  );

export const taskSchema = z.strictObject({
  name: slug("task name", 32),
  /** Shell command run as the unprivileged training user on each target instance. */
  command: z.string().min(1, "command must not be empty").max(4096),
  /** Seconds the command may run; must fit into the window (duration - cutoff). */
  timeoutSeconds: z.number().int().min(30).max(172_800).default(3600),
  maxConcurrency: concurrencySchema.default("1"),
  maxErrors: concurrencySchema.default("1"),
});
export type TaskConfig = z.infer<typeof taskSchema>;

/** IANA zone names, checked against the runtime's tz database. */
/** Zones already accepted: building an Intl.DateTimeFormat per validated window is ~3% of a large plan. */
const knownZones = new Set<string>();

export const timezoneSchema = z.string().refine((tz) => {
  if (knownZones.has(tz)) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
  } catch {
    return false;
  }
  const ok = tz.includes("/") || tz === "UTC";
  if (ok) knownZones.add(tz);
  return ok;
}, "must be an IANA time zone such as Europe/Berlin or UTC");

export const windowSchema = z
  .strictObject({
    name: slug("window name", 40),
    /** `maintenance-window` (default) or `association` (an SSM State Manager association). */
    mode: z.enum(["maintenance-window", "association"]).default("maintenance-window"),
    /** cron(...), rate(...) or at(...), AWS SSM syntax. */
    schedule: z.string(),
    timezone: timezoneSchema.default("UTC"),
    /** Hours the window stays open (1-24). */
    durationHours: z.number().int().min(1).max(24).default(2),
    /** Hours before the end when no new task starts (0-23, below durationHours). */
    cutoffHours: z.number().int().min(0).max(23).default(0),
    /** Days after the cron date the window runs (1-6, cron only). */
    offsetDays: z.number().int().min(1).max(6).optional(),
    enabled: z.boolean().default(true),
    description: z.string().max(128).optional(),
    /** ISO 8601 instants bounding when the window is active. */
    startDate: z.iso.datetime({ offset: true }).optional(),
    endDate: z.iso.datetime({ offset: true }).optional(),
    /** Pool of the fleet stack the window targets. */
    pool: slug("pool name", 24),
    /** Start the pool's instances before the tasks and stop them after. */
    startStopInstances: z.boolean().default(false),
    /** Association mode: compliance severity reported when the run fails. */
    complianceSeverity: z.enum(["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNSPECIFIED"]).optional(),
    tasks: z.array(taskSchema).min(1, "a window needs at least one task"),
  })
  .superRefine((w, ctx) => {
    const parsed = tryParseSchedule(w.schedule, { kind: w.mode });
    if (!parsed.ok) {
      ctx.addIssue({
        code: "custom",
        path: ["schedule"],
        message: `${parsed.error.message} (at position ${parsed.error.position} of "${w.schedule}")`,
      });
    } else if (w.offsetDays !== undefined && parsed.schedule.type !== "cron") {
      ctx.addIssue({
        code: "custom",
        path: ["offsetDays"],
        message: "offsetDays is allowed only with a cron(...) schedule",
      });
    }
    if (w.mode === "maintenance-window" && w.cutoffHours >= w.durationHours) {
      ctx.addIssue({
        code: "custom",
        path: ["cutoffHours"],
        message: `cutoffHours (${w.cutoffHours}) must be below durationHours (${w.durationHours})`,
      });
    }
    if (w.mode === "association" && w.timezone !== "UTC") {
      ctx.addIssue({
        code: "custom",
        path: ["timezone"],
        message: "associations run in UTC only; remove timezone or set UTC",
      });
    }
    if (w.mode === "association" && w.tasks.length !== 1) {
      ctx.addIssue({ code: "custom", path: ["tasks"], message: "an association runs exactly one task" });
    }
    const runnable = (w.durationHours - w.cutoffHours) * 3600;
    w.tasks.forEach((t, i) => {
      if (w.mode === "maintenance-window" && t.timeoutSeconds > runnable) {
        ctx.addIssue({
          code: "custom",
          path: ["tasks", i, "timeoutSeconds"],
          message: `timeoutSeconds (${t.timeoutSeconds}) is longer than the window can run (${runnable} s = durationHours - cutoffHours)`,
        });
      }
    });
    const names = new Set<string>();
    w.tasks.forEach((t, i) => {
      if (names.has(t.name))
        ctx.addIssue({ code: "custom", path: ["tasks", i, "name"], message: `duplicate task "${t.name}"` });
      names.add(t.name);
    });
  });
export type WindowConfig = z.infer<typeof windowSchema>;

export const schedulingConfigSchema = z.strictObject({
  /** The ML team owning this stack; also its Pulumi stack name. */
  team: slug("team", 24),
  /** Environment (iam/fleet stack name) the team's windows run in. */
  environment: environmentSchema,
  /** StackReferences; defaults `organization/retrain-iam/<environment>` and `organization/retrain-fleet/<environment>`. */
  iamStack: stackRefSchema.optional(),
  fleetStack: stackRefSchema.optional(),
  windows: z
    .array(windowSchema)
    .min(1, "a team needs at least one window")
    .superRefine((windows, ctx) => {
      const seen = new Set<string>();
      windows.forEach((w, i) => {
        if (seen.has(w.name))
          ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate window "${w.name}"` });
        seen.add(w.name);
      });
    }),
});
export type SchedulingConfig = z.infer<typeof schedulingConfigSchema>;

/** Each stack kind's config namespace and schema. */
export const STACK_SCHEMAS = {
  iam: { namespace: "iam", schema: iamConfigSchema },
  fleet: { namespace: "fleet", schema: fleetConfigSchema },
  scheduling: { namespace: "scheduling", schema: schedulingConfigSchema },
} as const;

export type StackConfigOf<K extends keyof typeof STACK_SCHEMAS> = z.infer<
  (typeof STACK_SCHEMAS)[K]["schema"]
>;
