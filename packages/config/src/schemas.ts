/**
 * The config of every stack, one zod schema each. Pulumi stack config keys are `<namespace>:<key>`;
 * each schema describes the keys of its stack's namespace (`iam:`, `fleet:`, `scheduling:`), with
 * `aws:region` read separately. Types are inferred from the schemas: nothing re-declares them.
 */

import {
  describeBudget,
  describeGap,
  selfOverlapGapMs,
  tryParseSchedule,
  windowBudget,
} from "@retrain/schedule";
import { z } from "zod";
import { ec2InstanceTypes, sizesOf } from "./ec2-instance-types.js";
import { SLUG_PATTERN } from "./naming.js";
import { timeZoneProblem } from "./time-zones.js";

const slug = (what: string, max = 32, min = 2) =>
  z
    .string()
    .min(min, `${what} must be ${min}-${max} characters`)
    .max(max, `${what} must be ${min}-${max} characters`)
    // Not on top of a length error (`w` is not also "not ending with a letter or digit").
    .refine(
      (v) => v.length < min || v.length > max || SLUG_PATTERN.test(v),
      `${what} must be lowercase letters, digits and '-', starting with a letter and ending with a letter or digit`,
    );

/** An ISO 8601 date-time with a zone (`Z` or an offset): what SSM's StartDate/EndDate take. */
const isoInstant = (what: string) =>
  z.iso.datetime({
    offset: true,
    error: (issue) =>
      typeof issue.input === "string"
        ? `${what} must be an ISO 8601 date-time with a zone, e.g. 2027-01-01T00:00:00Z or 2027-01-01T00:00:00+01:00 (found "${issue.input}")`
        : `${what} must be an ISO 8601 date-time string with a zone, e.g. 2027-01-01T00:00:00Z`,
  });

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

/**
 * Prefixes and suffixes S3 reserves in general purpose bucket names ("General purpose bucket naming
 * rules", https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): CreateBucket
 * refuses them although they match the character rules. `sthree-` covers `sthree-configurator`.
 */
export const S3_RESERVED_BUCKET_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"] as const;
export const S3_RESERVED_BUCKET_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] as const;

/**
 * What S3 refuses in a bucket name beyond its characters and length (those are the regexp's): two
 * adjacent periods, an IP-address form, a reserved prefix or suffix. Undefined when none applies.
 * Shared by the iam schema and the plan's provider constraints (aws:s3/bucket:Bucket).
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.includes("..")) return "must not contain two adjacent periods ('..')";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not be formatted as an IP address";
  const prefix = S3_RESERVED_BUCKET_PREFIXES.find((p) => name.startsWith(p));
  if (prefix)
    return `must not start with "${prefix}": S3 reserves the prefixes ${S3_RESERVED_BUCKET_PREFIXES.join(", ")}`;
  const suffix = S3_RESERVED_BUCKET_SUFFIXES.find((x) => name.endsWith(x));
  if (suffix)
    return `must not end with "${suffix}": S3 reserves the suffixes ${S3_RESERVED_BUCKET_SUFFIXES.join(", ")} (access point, Object Lambda, Multi-Region Access Point, directory and table bucket names)`;
  return undefined;
}

/** Retention periods CloudWatch Logs accepts (the ones useful for training logs). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365] as const;

export const iamConfigSchema = z.strictObject({
  /** Environment this stack serves; also its Pulumi stack name. */
  environment: environmentSchema,
  /** Artifact bucket name; default `retrain-artifacts-<environment>-<account id>`. */
  artifactBucketName: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "must be a valid S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
    )
    .superRefine((name, ctx) => {
      const problem = bucketNameProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
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
  /**
   * The account's IAM quota "Roles in an AWS account": 1,000 unless raised in Service Quotas
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). This
   * stack creates a role per team the tenant registry grants the environment, besides its own
   * (`iamRoleCount`, event-rules.ts), and the plan refuses more (CreateRole would fail with
   * LimitExceeded). IAM is global: lower it by the roles the account holds outside this stack
   * (service-linked roles, another environment's iam stack in the same account). Set it to the
   * raised value after an increase.
   */
  roleQuota: z.number().int().min(1).max(1_000_000).default(1_000),
});
export type IamConfig = z.infer<typeof iamConfigSchema>;

// ---------------------------------------------------------------- fleet

/** Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04, x86_64), published by AWS in SSM. */
export const DEFAULT_AMI_PARAMETER =
  "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id";

/**
 * The public parameters AWS publishes per Deep Learning AMI, in the form of
 * {@link DEFAULT_AMI_PARAMETER}: the architecture in the path, the AMI's name, its latest id. Only
 * x86_64: an arm64 AMI (`/arm64/`, for g5g and p6e-gb200) cannot boot the pool families; and only
 * the NVIDIA-driver AMIs (`...-nvidia-driver-...` in the name): a Neuron AMI has no driver for
 * the training document's `nvidia-smi` check; and only Ubuntu's: the fleet's launch template sizes
 * and encrypts the root volume at `/dev/sda1`, Ubuntu's root device (an Amazon Linux AMI boots from
 * `/dev/xvda`, and the mapping would add a second, unused volume to every instance).
 */
const DEEP_LEARNING_AMI_PARAMETER =
  /^\/aws\/service\/deeplearning\/ami\/x86_64\/[a-z0-9.-]*nvidia[a-z0-9.-]*ubuntu[a-z0-9.-]*\/latest\/ami-id$/;

/**
 * GPU instance families a pool may use: x86_64 with NVIDIA GPUs the Deep Learning AMIs support. Not
 * g5g (Graviton2, arm64: the x86_64 Deep Learning AMI cannot boot on it), nor g4ad (AMD Radeon GPUs:
 * the training document's `nvidia-smi` check fails every run), nor p3/p3dn (V100, Volta: NVIDIA's
 * open kernel modules of the OSS-driver AMI do not drive Volta, and no current x86_64 Deep Learning
 * AMI lists P3 among its supported instances, so the instance boots without a GPU driver).
 */
export const GPU_INSTANCE_FAMILIES = [
  "g4dn",
  "g5",
  "g6",
  "g6e",
  "gr6",
  "p4d",
  "p4de",
  "p5",
  "p5e",
  "p5en",
  "p6-b200",
] as const;
const GPU_INSTANCE_TYPE = new RegExp(`^(${GPU_INSTANCE_FAMILIES.join("|")})\\.[a-z0-9]+$`);

/** A pool's root volume when its config leaves `rootVolumeGb` out (GiB). */
export const DEFAULT_ROOT_VOLUME_GB = 200;

/**
 * Minutes after boot before an instance's idle stopper first checks (its timer's OnBootSec, in the
 * fleet's user data); the plan counts them before a window's first round on a pool that stops when idle.
 */
export const IDLE_STOPPER_BOOT_DELAY_MINUTES = 10;

export const poolSchema = z.strictObject({
  /** Pool name windows refer to, e.g. `a10g`. */
  name: slug("pool name", 24),
  /**
   * An x86_64 NVIDIA GPU instance type of {@link GPU_INSTANCE_FAMILIES}: the fleet boots the x86_64
   * NVIDIA Deep Learning AMI ({@link DEFAULT_AMI_PARAMETER}) and every run checks `nvidia-smi`.
   */
  instanceType: z
    .string()
    .regex(
      GPU_INSTANCE_TYPE,
      `must be an x86_64 NVIDIA GPU instance type of the families ${GPU_INSTANCE_FAMILIES.join(", ")}, such as g5.xlarge (not g5g: Graviton/arm64, the x86_64 AMI cannot boot; not g4ad: AMD GPUs, nvidia-smi fails; not p3/p3dn: V100, no driver in the Deep Learning AMIs)`,
    )
    // A size the family does not have: RunInstances and the offerings lookup know no such type.
    .refine((t) => !GPU_INSTANCE_TYPE.test(t) || ec2InstanceTypes().has(t), {
      error: (issue) => {
        const t = String(issue.input);
        const family = t.slice(0, t.indexOf("."));
        return `${t} is not an EC2 instance type: ${family} comes in ${sizesOf(family)
          .map((s) => `${family}.${s}`)
          .join(", ")} (the types @pulumi/aws knows)`;
      },
    }),
  /** Number of instances in the pool. */
  count: z.number().int().min(1).max(50).default(1),
  /** Encrypted gp3 root volume size in GiB. */
  rootVolumeGb: z.number().int().min(75).max(16384).default(DEFAULT_ROOT_VOLUME_GB),
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

/**
 * The fleet's own VPC, cut into /20 subnets: a private /16, RFC 1918 (what AWS recommends for a
 * VPC) or RFC 6598's shared space, never 172.17.0.0/16, Docker's default bridge on the
 * deep-learning AMI (the host would route the VPC's DNS resolver, base + 2, and other subnets'
 * endpoints into the bridge; AWS asks not to use it:
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html). Public, link-local
 * (169.254/16, where the metadata service is) and reserved blocks are refused.
 */
const PRIVATE_VPC_BLOCK =
  /^(10\.(25[0-5]|2[0-4]\d|1?\d?\d)|172\.(1[68]|19|2\d|3[01])|192\.168|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7]))\.0\.0\/16$/;
const vpcCidrSchema = z
  .string()
  .regex(
    PRIVATE_VPC_BLOCK,
    "must be a private /16: 10.x.0.0/16, 172.16.0.0/16 or 172.18-31.0.0/16 (not 172.17.0.0/16, Docker's default bridge on the instances), 192.168.0.0/16, or 100.64-127.0.0/16 (RFC 6598)",
  );

export const fleetConfigSchema = z
  .strictObject({
    environment: environmentSchema,
    /** StackReference of the IAM stack; default `organization/retrain-iam/<environment>`. */
    iamStack: stackRefSchema.optional(),
    /** Public SSM parameter holding the AMI id. */
    amiParameter: z
      .string()
      .regex(
        DEEP_LEARNING_AMI_PARAMETER,
        `must be the SSM parameter of an x86_64 Ubuntu AWS Deep Learning AMI with NVIDIA drivers, /aws/service/deeplearning/ami/x86_64/<name with nvidia and ubuntu>/latest/ami-id, such as ${DEFAULT_AMI_PARAMETER} (every pool family is x86_64 NVIDIA: an arm64 AMI fails RunInstances, an AMI without the driver fails every run's nvidia-smi check, and the launch template maps Ubuntu's root device /dev/sda1)`,
      )
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
    /**
     * A NAT gateway (public subnet, internet gateway, route) and port 443 to the internet: pip, conda,
     * git over HTTPS (not apt's `http://` Ubuntu mirrors, port 80); costs by the hour.
     */
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
    /**
     * The account's Systems Manager quota "Maintenance windows per AWS account per Region" where
     * this fleet runs: 50 unless raised in Service Quotas. Every team of the environment shares it,
     * and the plan refuses teams that declare more windows together (a later `pulumi up` would fail
     * with ResourceLimitExceededException). Set it to the raised value after an increase.
     */
    maintenanceWindowQuota: z.number().int().min(1).max(100_000).default(50),
    /**
     * The account's EventBridge quota "Rules" per event bus where this fleet runs
     * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html): unless raised in
     * Service Quotas, 300, or 100 in af-south-1 and eu-south-1 (left out, the default of the fleet's
     * `aws:region` applies: `defaultEventRuleQuota`, event-rules.ts). Every stack of the environment puts its
     * rules on the account's default bus (each team's alert and run-log rules, `teamEventRuleCount`),
     * and the plan refuses more together (a later `pulumi up` would fail with LimitExceededException).
     * Set it to the raised value after an increase.
     */
    eventRuleQuota: z.number().int().min(1).max(100_000).optional(),
    /**
     * The account's limit of SSM documents where this fleet runs: 500 as CreateDocument states it
     * (DocumentLimitExceeded, "You can have at most 500 active SSM documents"). Each team's stack
     * creates its training document, and the plan refuses more together. Set it to your account's
     * value if AWS has raised it.
     */
    documentQuota: z.number().int().min(1).max(100_000).default(500),
    /**
     * The account's limit of active State Manager associations where this fleet runs: 2,000 as
     * CreateAssociation states it (AssociationLimitExceeded). Each `mode: association` window is
     * one, and the plan refuses more together. Set it to your account's value if AWS has raised it.
     */
    associationQuota: z.number().int().min(1).max(1_000_000).default(2000),
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

/**
 * SSM's MaxConcurrency and MaxErrors as the provider validates them (a count or a percentage, no
 * leading zeros); MaxConcurrency cannot be 0 (nothing would run), MaxErrors can (stop at the first
 * error). terraform-provider-aws internal/service/ssm/maintenance_window_task.go and association.go.
 * The API also limits both to 1-7 characters (API_MaintenanceWindowTask, RegisterTaskWithMaintenanceWindow
 * and CreateAssociation: "Length Constraints: Minimum length of 1. Maximum length of 7."), which the
 * pattern alone lets through ("12345678"): checked first, so the message says it.
 */
export const MAX_CONCURRENCY_LENGTH = 7;
const countOrPercent = (what: string, pattern: RegExp, allowed: string) =>
  z
    .union([z.string(), z.number().int().min(0)])
    .transform((v) => String(v))
    .pipe(
      z
        .string()
        .max(
          MAX_CONCURRENCY_LENGTH,
          `${what} must be at most ${MAX_CONCURRENCY_LENGTH} characters (SSM's limit): a count up to 9999999 or a percentage`,
        )
        .regex(pattern, allowed),
    );
const maxConcurrencySchema = countOrPercent(
  "maxConcurrency",
  /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/,
  'must be a count from 1 or a percentage from 1% to 100% such as "1" or "50%" (0 would run nothing)',
);
const maxErrorsSchema = countOrPercent(
  "maxErrors",
  /^([1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%)$/,
  'must be a count or a percentage from 0% to 100% such as "0", "1" or "10%"',
);

/**
 * Task names the window's own start/stop tasks use: `start`/`stop` end their Pulumi names
 * (`<window>-start`, a duplicate URN), `start-instances`/`stop-instances` their SSM names.
 */
export const RESERVED_TASK_NAMES = ["start", "stop", "start-instances", "stop-instances"] as const;

export const taskSchema = z.strictObject({
  /** 3-32 characters: SSM task names are 3-128 (`^[a-zA-Z0-9_\-.]{3,128}$`). */
  name: slug("task name", 32, 3).refine(
    (n) => !(RESERVED_TASK_NAMES as readonly string[]).includes(n),
    `task name is reserved for the window's start/stop tasks (${RESERVED_TASK_NAMES.join(", ")}); choose another`,
  ),
  /** Shell command run on each target instance as the team's unprivileged user `retrain-<team>`, in its own systemd unit with the team role's credentials. */
  command: z.string().min(1, "command must not be empty").max(4096),
  /** Seconds the command may run; must fit into the window (duration - cutoff). */
  timeoutSeconds: z.number().int().min(30).max(172_800).default(3600),
  maxConcurrency: maxConcurrencySchema.default("1"),
  maxErrors: maxErrorsSchema.default("1"),
});
export type TaskConfig = z.infer<typeof taskSchema>;

/**
 * IANA zone names, spelled exactly (time-zones.ts): the runtime resolves `europe/berlin` too, but SSM
 * gets the raw text. A case variant is an error naming the right spelling.
 * Zones already accepted: checking per validated window is ~3% of a large plan.
 */
const knownZones = new Set<string>();

export const timezoneSchema = z.string().superRefine((tz, ctx) => {
  if (knownZones.has(tz)) return;
  const problem = timeZoneProblem(tz);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
  else knownZones.add(tz);
});

/**
 * Window names the team's own alert rules use: window (or association) `<w>`'s failure rule is
 * `<w>-failed`, so a window `command` would be the `command-failed` rule (one URN, one EventBridge
 * rule name). `associations` was the team-wide association rule's name before each association got
 * its own rule; it stays reserved so a stack deployed with that rule never meets a window of its name.
 */
export const RESERVED_WINDOW_NAMES = ["command", "associations"] as const;

/**
 * Systems Manager quota "Tasks per maintenance window": 20, not adjustable (AWS General Reference,
 * Systems Manager endpoints and quotas, https://docs.aws.amazon.com/general/latest/gr/ssm.html).
 * RegisterTaskWithMaintenanceWindow fails with ResourceLimitExceededException beyond it.
 */
export const SSM_TASKS_PER_WINDOW = 20;
/** Tasks a window registers besides the team's: AWS-StartEC2Instance and AWS-StopEC2Instance (retraining-window.ts). */
export const START_STOP_TASKS = 2;

/**
 * At most this many windows in one team stack, whatever the registry says. The team stack puts 1-2
 * CloudWatch Logs metric filters per alarmed window (team-alerts.ts: `succeeded`, and one per
 * missed-run alarm kind) on the team's ONE run-log group, and PutMetricFilter allows at most 100
 * per log group (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html):
 * 50 windows × 2 = 100. It is also the default Systems Manager quota of maintenance windows per
 * account and region (50, https://docs.aws.amazon.com/general/latest/gr/ssm.html), which every team
 * of the account shares: the tenant registry caps each team lower (`maxWindows`, default 10, tenants.ts).
 */
export const MAX_WINDOWS_PER_TEAM_STACK = 50;

/** What a window key is when the team leaves it out. */
export const WINDOW_DEFAULTS = {
  durationHours: 2,
  cutoffHours: 0,
  enabled: true,
  startStopInstances: false,
} as const;

/**
 * The maintenance-window keys an association cannot honour, each with whether it was set (a value
 * other than the default: a default cannot be told from a key left out, and changes nothing) and
 * what the association lacks.
 */
function keysAnAssociationDrops(w: {
  durationHours: number;
  cutoffHours: number;
  enabled: boolean;
  startStopInstances: boolean;
  offsetDays?: number | undefined;
  startDate?: string | undefined;
  endDate?: string | undefined;
  description?: string | undefined;
}): ReadonlyArray<readonly [string, boolean, string]> {
  return [
    [
      "durationHours",
      w.durationHours !== WINDOW_DEFAULTS.durationHours,
      "duration (its one task's timeoutSeconds bounds a run)",
    ],
    ["cutoffHours", w.cutoffHours !== WINDOW_DEFAULTS.cutoffHours, "cutoff"],
    [
      "enabled",
      w.enabled !== WINDOW_DEFAULTS.enabled,
      "off switch: State Manager runs every association it has (remove the window to stop it)",
    ],
    [
      "startStopInstances",
      w.startStopInstances !== WINDOW_DEFAULTS.startStopInstances,
      "start/stop tasks (State Manager skips stopped instances)",
    ],
    [
      "offsetDays",
      w.offsetDays !== undefined,
      "schedule offset in the AWS provider (aws.ssm.Association has no scheduleOffset)",
    ],
    ["startDate", w.startDate !== undefined, "start date"],
    ["endDate", w.endDate !== undefined, "end date"],
    ["description", w.description !== undefined, "description"],
  ];
}

/** A window's open hours and its cutoff, as SSM takes them (one definition for the field and its checks). */
const DURATION_HOURS = z.number().int().min(1).max(24);
const CUTOFF_HOURS = z.number().int().min(0).max(23);

/**
 * A run still open when the schedule starts the next one: a window open longer than the gap to its
 * own next start, an association whose run may last longer than its interval. The training
 * document's host lock fails the later run on every instance (an alert each time), and a window's
 * stop task stops the pool under the earlier run; the calendar and cost would count hours twice.
 */
function ownRunsOverlap(w: {
  mode: "maintenance-window" | "association";
  schedule: string;
  timezone: string;
  durationHours: number;
  tasks: readonly { timeoutSeconds: number }[];
}): { path: (string | number)[]; message: string } | undefined {
  const association = w.mode === "association";
  const holdMs = association ? (w.tasks[0]?.timeoutSeconds ?? 0) * 1000 : w.durationHours * 3_600_000;
  let gap: number | undefined;
  try {
    gap = selfOverlapGapMs(w.schedule, holdMs, { kind: w.mode, timezone: w.timezone });
  } catch {
    return undefined; // a zone the runtime cannot resolve is the timezone key's error
  }
  if (gap === undefined) return undefined;
  return association
    ? {
        path: ["tasks", 0, "timeoutSeconds"],
        message: `timeoutSeconds (${w.tasks[0]?.timeoutSeconds} s) is longer than the ${describeGap(gap)} "${w.schedule}" leaves between two runs at times: a run still going when the next starts makes that one fail on the host lock. Lower timeoutSeconds to at most ${Math.floor(gap / 1000)} or schedule the runs further apart`,
      }
    : {
        path: ["durationHours"],
        message: `the window is open ${w.durationHours} h, but "${w.schedule}"${w.timezone === "UTC" ? "" : ` in ${w.timezone}`} starts it again after ${describeGap(gap)} at times: the next run would start while this one is open (its tasks fail on the host lock and its stop task stops the pool under this run). ${Math.floor(gap / 3_600_000) >= 1 ? `Lower durationHours to at most ${Math.floor(gap / 3_600_000)} or schedule the runs further apart` : `Schedule the runs at least ${w.durationHours} h apart`}`,
      };
}

export const windowSchema = z
  .strictObject({
    name: slug("window name", 40).refine(
      (n) => !(RESERVED_WINDOW_NAMES as readonly string[]).includes(n),
      `window name is reserved for the team's alert rules (${RESERVED_WINDOW_NAMES.join(", ")}); choose another`,
    ),
    /** `maintenance-window` (default) or `association` (an SSM State Manager association). */
    mode: z.enum(["maintenance-window", "association"]).default("maintenance-window"),
    /** cron(...), rate(...) or at(...), AWS SSM syntax. */
    schedule: z.string(),
    timezone: timezoneSchema.default("UTC"),
    /** Hours the window stays open (1-24). */
    durationHours: DURATION_HOURS.default(WINDOW_DEFAULTS.durationHours),
    /** Hours before the end when no new task starts (0-23, below durationHours). */
    cutoffHours: CUTOFF_HOURS.default(WINDOW_DEFAULTS.cutoffHours),
    /** Days after the cron date the window runs (1-6, cron only). */
    offsetDays: z.number().int().min(1).max(6).optional(),
    enabled: z.boolean().default(WINDOW_DEFAULTS.enabled),
    /** MaintenanceWindow Description: 1-128 characters (CreateMaintenanceWindow API). */
    description: z
      .string()
      .min(1, "description must be 1-128 characters (or leave it out)")
      .max(128, "description must be 1-128 characters")
      .optional(),
    /** ISO 8601 instants bounding when the window is active. */
    startDate: isoInstant("startDate").optional(),
    endDate: isoInstant("endDate").optional(),
    /** Pool of the fleet stack the window targets. */
    pool: slug("pool name", 24),
    /** Start the pool's instances before the tasks and stop them after. */
    startStopInstances: z.boolean().default(WINDOW_DEFAULTS.startStopInstances),
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
    } else {
      const overlap = ownRunsOverlap(w);
      if (overlap) ctx.addIssue({ code: "custom", ...overlap });
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
    if (w.mode === "association" && w.schedule.trim().startsWith("at(")) {
      // State Manager runs a new association at once, and again after an update, unless
      // ApplyOnlyAtCronInterval, which AWS documents for cron only: a one-time job would also run
      // at every deploy that touches it, outside any calendar the plan shows.
      ctx.addIssue({
        code: "custom",
        path: ["schedule"],
        message:
          "an association with at(...) would also run when it is created and after every update (only a cron association can wait for its time); for a one-time run use mode: maintenance-window",
      });
    }
    if (w.mode === "association") {
      // aws.ssm.Association has none of these (no Duration, Cutoff, StartDate, EndDate, Description,
      // no way to disable it; the provider does not expose ScheduleOffset): set, they would be
      // silently dropped while the plan's calendar and clash checks read them.
      for (const [field, set, why] of keysAnAssociationDrops(w)) {
        if (set)
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: `an association has no ${why}; remove ${field}, or use mode: maintenance-window`,
          });
      }
    } else if (w.complianceSeverity !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["complianceSeverity"],
        message:
          "complianceSeverity applies to associations only (mode: association); a maintenance window reports no compliance: remove it",
      });
    }
    if (
      w.startDate !== undefined &&
      w.endDate !== undefined &&
      Date.parse(w.endDate) <= Date.parse(w.startDate)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["endDate"],
        message: `endDate (${w.endDate}) must be after startDate (${w.startDate}): the window would never be active`,
      });
    }
    const ownTasks = w.startStopInstances ? START_STOP_TASKS : 0;
    if (w.mode === "maintenance-window" && w.tasks.length + ownTasks > SSM_TASKS_PER_WINDOW) {
      ctx.addIssue({
        code: "custom",
        path: ["tasks"],
        message: `a maintenance window holds at most ${SSM_TASKS_PER_WINDOW} tasks (Systems Manager quota)${ownTasks > 0 ? ` and startStopInstances adds ${ownTasks} (start, stop)` : ""}: at most ${SSM_TASKS_PER_WINDOW - ownTasks} tasks here, found ${w.tasks.length}; split them over several windows`,
      });
    }
    if (w.mode === "association" && w.tasks.length !== 1) {
      ctx.addIssue({ code: "custom", path: ["tasks"], message: "an association runs exactly one task" });
    }
    const runnable = (w.durationHours - w.cutoffHours) * 3600;
    // Out-of-range hours are already reported on their own keys: no follow-on "-3600 s" budget.
    const hoursValid =
      DURATION_HOURS.safeParse(w.durationHours).success &&
      CUTOFF_HOURS.safeParse(w.cutoffHours).success &&
      runnable > 0;
    w.tasks.forEach((t, i) => {
      if (hoursValid && w.mode === "maintenance-window" && t.timeoutSeconds > runnable) {
        ctx.addIssue({
          code: "custom",
          path: ["tasks", i, "timeoutSeconds"],
          message: `timeoutSeconds (${t.timeoutSeconds}) is longer than the window can run (${runnable} s = durationHours - cutoffHours)`,
        });
      }
    });
    // Tasks run one after another (start first, stop last): together they must fit before the cutoff,
    // or the stop task never starts and the GPUs stay on. One round per task here; the plan also
    // counts the rounds MaxConcurrency imposes on the pool's instance count.
    if (hoursValid && w.mode === "maintenance-window" && w.tasks.every((t) => t.timeoutSeconds <= runnable)) {
      const budget = windowBudget({
        durationHours: w.durationHours,
        cutoffHours: w.cutoffHours,
        startStopInstances: w.startStopInstances,
        tasks: w.tasks.map((t) => ({ label: t.name, seconds: t.timeoutSeconds })),
      });
      if (!budget.fits)
        ctx.addIssue({
          code: "custom",
          path: ["tasks"],
          message: `the window's tasks in order take up to ${describeBudget(budget)}, more than it can run (${runnable} s = durationHours - cutoffHours); lower timeoutSeconds, lengthen durationHours or lower cutoffHours`,
        });
    }
    const names = new Set<string>();
    w.tasks.forEach((t, i) => {
      if (names.has(t.name))
        ctx.addIssue({ code: "custom", path: ["tasks", i, "name"], message: `duplicate task "${t.name}"` });
      names.add(t.name);
    });
  });
export type WindowConfig = z.infer<typeof windowSchema>;

/**
 * An SNS topic ARN in the commercial, China or GovCloud partition. Its region is checked against the
 * file's `aws:region` with the config (`checkTopicRegion`), its account by the program
 * (`checkTopicScope`), which alone knows it.
 */
export const SNS_TOPIC_ARN =
  /^arn:aws(-cn|-us-gov)?:sns:([a-z]{2}(-gov)?-[a-z]+-\d):(\d{12}):([A-Za-z0-9_-]{1,256})$/;

/**
 * Where a team's alerts (failed, timed-out, cancelled and missed runs) go, besides the topic the stack
 * creates for the team. E-mail domains are governed by the tenant registry's `alertEmailDomains`.
 */
export const notifySchema = z
  .strictObject({
    /** Addresses subscribed to the team's alert topic (SNS e-mail: each must confirm once). */
    emails: z
      .array(z.email("must be an e-mail address such as ml-oncall@example.com").max(254), {
        error: "must be a list of e-mail addresses, e.g. [ml-oncall@example.com]",
      })
      // A refinement, not .max(): it runs only on a list (a string's length is no count of addresses).
      .refine((emails) => emails.length <= 10, "at most 10 addresses; use a mailing list")
      .default([]),
    /**
     * An SNS topic the team owns, in this stack's account and region, named `<team>-...`; alerts are
     * published to it too. Its topic policy must allow this stack's rules and alarms (docs/operations.md).
     */
    topicArn: z
      .string()
      .regex(
        SNS_TOPIC_ARN,
        "must be an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:vision-oncall",
      )
      .optional(),
  })
  .superRefine((n, ctx) => {
    if (n.emails.length === 0 && n.topicArn === undefined)
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "name at least one of emails or topicArn (or remove notify)",
      });
    const seen = new Set<string>();
    n.emails.forEach((e, i) => {
      const k = e.toLowerCase();
      if (seen.has(k))
        ctx.addIssue({ code: "custom", path: ["emails", i], message: `duplicate address "${e}"` });
      seen.add(k);
    });
  });
export type NotifyConfig = z.infer<typeof notifySchema>;

export const schedulingConfigSchema = z
  .strictObject({
    /** The ML team owning this stack; also its Pulumi stack name. */
    team: slug("team", 24),
    /**
     * Environment (iam/fleet stack name) the team's windows run in; it must be granted to the team in
     * the tenant registry. The stacks read are derived from it (`<org>/retrain-iam/<environment>`,
     * `<org>/retrain-fleet/<environment>`): a team file names no StackReference.
     */
    environment: environmentSchema,
    windows: z
      .array(windowSchema)
      .min(1, "a team needs at least one window")
      .max(
        MAX_WINDOWS_PER_TEAM_STACK,
        `at most ${MAX_WINDOWS_PER_TEAM_STACK} windows per team: their alerts' metric filters share the team's run-log group (CloudWatch Logs allows 100 per log group, 2 per window), and the account has 50 maintenance windows per region for every team; the tenant registry's maxWindows (default 10) caps the team lower`,
      )
      .superRefine((windows, ctx) => {
        const seen = new Set<string>();
        windows.forEach((w, i) => {
          if (seen.has(w.name))
            ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate window "${w.name}"` });
          seen.add(w.name);
        });
        // Every window's tasks are named `<window>-<task>` in Pulumi: window `a` with task `b-c` and
        // window `a-b` with task `c` would be one URN.
        const taskUrns = new Map<string, string>();
        windows.forEach((w, i) => {
          w.tasks.forEach((t, j) => {
            const logical = `${w.name}-${t.name}`;
            const first = taskUrns.get(logical);
            if (first)
              ctx.addIssue({
                code: "custom",
                path: [i, "tasks", j, "name"],
                message: `task "${t.name}" of window "${w.name}" gets the same resource name "${logical}" as ${first}; rename one of them`,
              });
            else taskUrns.set(logical, `task "${t.name}" of window "${w.name}"`);
          });
        });
      }),
    /** Alert destinations of the team (docs/operations.md). */
    notify: notifySchema.optional(),
  })
  .superRefine((c, ctx) => {
    // A topic outside the team's own names could be another team's or the platform's pager.
    const topic = c.notify?.topicArn && SNS_TOPIC_ARN.exec(c.notify.topicArn)?.[5];
    if (topic && !topic.startsWith(`${c.team}-`))
      ctx.addIssue({
        code: "custom",
        path: ["notify", "topicArn"],
        message: `topic "${topic}" is not the team's: a team's own topic is named "${c.team}-..."`,
      });
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
