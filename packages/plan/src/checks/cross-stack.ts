/**
 * Checks that need two stacks at once: a team's windows (its validated config) against the fleet
 * they run on (the fleet's outputs in this plan). Each finding is an input problem (exit 2) naming
 * the file and key to change:
 *   - SSM reachable from the fleet's subnets (fleet output `network`);
 *   - a pool that stops when idle is started by every window on it, and runs no association;
 *   - start + tasks + stop fit before the cutoff, counting the rounds MaxConcurrency imposes on the
 *     pool's instance count (the config alone can count only one round);
 *   - the teams of one environment (one account and region) declare no more maintenance windows
 *     than Systems Manager's default quota (each team is capped by the tenant registry; this is the sum);
 *   - the stacks of one environment create no more EventBridge rules on the account's default bus
 *     than EventBridge's quota of rules per event bus (counted from each stack's config);
 *   - no pool is targeted by more associations, all teams' together, than State Manager allows per
 *     managed node (20);
 *   - the account's SSM documents, State Manager associations and IAM roles (account-quotas.ts).
 * Outputs are read leniently: a field the fleet does not export yet is "unknown", never a finding.
 */
import {
  defaultEventRuleQuota,
  IDLE_STOPPER_BOOT_DELAY_MINUTES,
  type Problem,
  type SchedulingConfig,
  teamEventRuleCount,
} from "@retrain/config/workspace";
import { batchesOf, describeBudget, describeGap, selfOverlapGapMs, windowBudget } from "@retrain/schedule";
import { z } from "zod";
import {
  checkAccountAssociations,
  checkAccountDocuments,
  checkAccountRoles,
  countsOf,
  type IamRoleFacts,
  perEnvironment,
} from "./account-quotas.js";

/** The endpoints the SSM agent needs (Run Command, Session channel, messages) and those output needs. */
export const SSM_ENDPOINTS = ["ssm", "ssmmessages", "ec2messages"] as const;
export const OUTPUT_ENDPOINTS = ["logs", "s3"] as const;

/** What the checks read of a fleet's outputs (the fleet outputs contract, leniently). */
const fleetFactsSchema = z.object({
  pools: z.array(
    z.object({
      name: z.string(),
      instanceIds: z.array(z.string()).optional(),
      stopWhenIdleMinutes: z.number().optional(),
    }),
  ),
  network: z
    .object({
      subnetIds: z.array(z.string()).optional(),
      ssmAccess: z.string().optional(),
      endpoints: z.array(z.string()).optional(),
      internetEgress: z.boolean().optional(),
    })
    .optional(),
});
type FleetFactsOutputs = z.infer<typeof fleetFactsSchema>;

export interface FleetFacts {
  /** `fleet/<env>`. */
  id: string;
  /** Its config file, workspace-relative. */
  file: string;
  /** Its outputs in this plan. */
  outputs: Record<string, unknown>;
  /** `fleet:maintenanceWindowQuota`: the account's maintenance-window quota in its region. */
  maintenanceWindowQuota?: number;
  /** `fleet:eventRuleQuota`: the account's EventBridge rules per event bus in its region; default by region. */
  eventRuleQuota?: number;
  /** `fleet:documentQuota`: the account's SSM documents in its region. */
  documentQuota?: number;
  /** `fleet:associationQuota`: the account's active State Manager associations in its region. */
  associationQuota?: number;
  /** Its `aws:region` (the environment's): EventBridge's default rule quota differs by region. */
  region?: string;
  /**
   * The EventBridge rules the environment's own stacks create (this fleet and its iam stack), by
   * stack id (`fleetEventRuleCount`, `iamEventRuleCount` of their configs); the teams' are counted
   * from the teams' configs.
   */
  platformEventRules?: readonly { id: string; rules: number }[];
  /**
   * The SSM documents the environment's own stacks create (this fleet and its iam stack), by stack
   * id (`fleetDocumentCount`, `iamDocumentCount` of their configs); the teams' are counted from the
   * teams' configs (`teamDocumentCount`).
   */
  platformDocuments?: readonly { id: string; documents: number }[];
  /** True when its config brings its own subnets (`fleet:subnetIds`). */
  ownSubnets?: boolean;
  /**
   * True when its IAM stack has team roles (`teamRoleArns`): the instances then fetch each run's
   * credentials with sts:AssumeRole, so STS must be reachable too.
   */
  assumesTeamRoles?: boolean;
}

export interface TeamFacts {
  /** `scheduling/<team>`. */
  id: string;
  file: string;
  config: SchedulingConfig;
  /** The fleet its windows run on (its fleet StackReference), when it planned. */
  fleet?: FleetFacts;
}

interface ReadFleet {
  outputs: FleetFactsOutputs;
  /** Each pool by name (the first of a name, as a scan would find it). */
  pools: ReadonlyMap<string, FleetFactsOutputs["pools"][number]>;
}

/**
 * A fleet's outputs as the checks read them, parsed once per outputs object: every team on the
 * fleet reads them, and parsing the pools of a fleet of thousands of teams per team is quadratic.
 */
const readFleets = new WeakMap<Record<string, unknown>, ReadFleet | undefined>();

function readFleet(f: FleetFacts): ReadFleet | undefined {
  if (readFleets.has(f.outputs)) return readFleets.get(f.outputs);
  const parsed = fleetFactsSchema.safeParse(f.outputs);
  const read = parsed.success
    ? {
        outputs: parsed.data,
        pools: new Map([...parsed.data.pools].reverse().map((p) => [p.name, p] as const)),
      }
    : undefined;
  readFleets.set(f.outputs, read);
  return read;
}

/** (a) The fleet's network lets the SSM agent reach SSM, and the output reach CloudWatch Logs and S3. */
export function checkNetwork(f: FleetFacts): Problem[] {
  const network = readFleet(f)?.outputs.network;
  // The outputs contract requires it (a fleet without it fails its teams' reference check first).
  if (!network) return [];
  // The key that decides: bring-your-own subnets, else the own VPC's endpoints or NAT switch.
  const at = (ownVpcKey: string) => ({ file: f.file, key: f.ownSubnets ? "fleet:subnetIds" : ownVpcKey });
  const problems: Problem[] = [];
  if (network.subnetIds !== undefined && network.subnetIds.length === 0)
    problems.push({
      ...at("fleet:pools"),
      message: `${f.id} has no subnet to launch into: network.subnetIds is empty`,
    });
  const egress = network.internetEgress === true;
  switch (network.ssmAccess) {
    case "vpc-endpoints": {
      const have = new Set(network.endpoints ?? []);
      // With NAT egress the public endpoints are reachable too.
      const missing = (names: readonly string[]) => (egress ? [] : names.filter((n) => !have.has(n)));
      const agent = missing(SSM_ENDPOINTS);
      if (agent.length > 0)
        problems.push({
          ...at("fleet:vpcEndpoints"),
          message: `the SSM agent on ${f.id}'s instances cannot reach Systems Manager: no VPC endpoint for ${agent.join(", ")} and no internet egress, so no window or association ever runs (needs ${SSM_ENDPOINTS.join(", ")}; https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html)`,
        });
      if (f.assumesTeamRoles && missing(["sts"]).length > 0)
        problems.push({
          ...at("fleet:vpcEndpoints"),
          message: `runs on ${f.id}'s instances cannot get their team role's credentials: no VPC endpoint for sts (sts:AssumeRole) and no internet egress`,
        });
      const output = missing(OUTPUT_ENDPOINTS);
      if (output.length > 0)
        problems.push({
          ...at("fleet:vpcEndpoints"),
          message: `command output from ${f.id}'s instances cannot be delivered: no VPC endpoint for ${output.join(", ")} (windows send output to CloudWatch Logs and S3) and no internet egress`,
        });
      break;
    }
    case "nat-gateway":
      if (!egress)
        problems.push({
          ...at("fleet:internetEgress"),
          message: `${f.id} says it reaches SSM through a NAT gateway (network.ssmAccess = nat-gateway) but has no internet egress (network.internetEgress = false)`,
        });
      break;
    case "declared":
      // Bring-your-own subnets whose config says how they reach SSM: taken as declared.
      break;
    case undefined:
      break;
    default:
      problems.push({
        ...at("fleet:vpcEndpoints"),
        message: `${f.id}: unknown network.ssmAccess "${network.ssmAccess}" (allowed: vpc-endpoints, nat-gateway, declared)`,
      });
  }
  return problems;
}

/**
 * The longest an instance of a pool that stops when idle may sit with no command while a window's
 * tasks run in rounds over the pool, when it reaches the stopper's limit: before the first task's
 * last round (counted from boot, so with the stopper's boot delay), or from the first round of one
 * task to the last round of the next (tasks run one after another, each over every instance).
 */
function longestIdleWait(
  tasks: readonly { maxConcurrency: string; timeoutSeconds: number }[],
  instances: number,
  idleMinutes: number,
): { task: number; rounds: number; seconds: number; limitSeconds: number } | undefined {
  const waits = tasks.map((task) => (batchesOf(task.maxConcurrency, instances) - 1) * task.timeoutSeconds);
  for (let i = 0; i < tasks.length; i++) {
    const seconds = (waits[i] ?? 0) + (i > 0 ? (waits[i - 1] ?? 0) : 0);
    const limitSeconds = idleMinutes * 60 + (i === 0 ? IDLE_STOPPER_BOOT_DELAY_MINUTES * 60 : 0);
    if (seconds === 0 || seconds < limitSeconds) continue;
    const task = (waits[i] ?? 0) > 0 ? i : i - 1;
    return { task, rounds: batchesOf(tasks[task]!.maxConcurrency, instances), seconds, limitSeconds };
  }
  return undefined;
}

/**
 * (b) and (c) for one team: windows on pools that stop when idle must start them (State Manager
 * skips stopped instances, so an association there never runs); the tasks in order, each as many
 * rounds as MaxConcurrency needs over the pool's instances, must fit before the cutoff.
 */
export function checkTeam(t: TeamFacts): Problem[] {
  const fleet = t.fleet ? readFleet(t.fleet) : undefined;
  if (!t.fleet || !fleet) return [];
  const problems: Problem[] = [];
  t.config.windows.forEach((w, i) => {
    const key = `scheduling:windows[${i}]`;
    const pool = fleet.pools.get(w.pool);
    if (!pool) return; // a missing pool is reported by the schedule view and the program
    const idle = pool.stopWhenIdleMinutes;
    const where = `pool "${w.pool}" of ${t.fleet!.id} (${t.fleet!.file}) stops its instances after ${idle} idle minutes`;
    // A stop task on an always-on pool leaves it stopped for everyone else (another team's
    // association or windows that do not start it): only pools that stop when idle are started/stopped.
    if (idle === 0 && w.mode === "maintenance-window" && w.startStopInstances)
      problems.push({
        file: t.file,
        key: `${key}.startStopInstances`,
        message: `window "${w.name}" would stop pool "${w.pool}" of ${t.fleet!.id} (${t.fleet!.file}), which is always on (stopWhenIdleMinutes: 0): every association and window that relies on its instances running would find them stopped. Remove startStopInstances, or ask platform to make the pool stop when idle`,
      });
    if (idle !== undefined && idle > 0) {
      if (w.mode === "association")
        problems.push({
          file: t.file,
          key: `${key}.mode`,
          message: `association "${w.name}" can never run: ${where}, and State Manager skips stopped instances. Use mode: maintenance-window with startStopInstances: true, or a pool that is always on (stopWhenIdleMinutes: 0)`,
        });
      else if (!w.startStopInstances)
        problems.push({
          file: t.file,
          key: `${key}.startStopInstances`,
          message: `window "${w.name}" would find its instances stopped: ${where}. Set startStopInstances: true`,
        });
    }
    const instances = pool.instanceIds?.length;
    const only = w.tasks[0];
    if (w.mode === "association" && only && instances !== undefined && instances > 1) {
      // State Manager runs on at most maxConcurrency targets at a time: the config's rule (a run
      // within the gap to the next start) read one timeout; over the pool it is one per round.
      const rounds = batchesOf(only.maxConcurrency, instances);
      const holdMs = rounds * only.timeoutSeconds * 1000;
      let gap: number | undefined;
      try {
        gap = rounds > 1 ? selfOverlapGapMs(w.schedule, holdMs, { kind: "association" }) : undefined;
      } catch {
        gap = undefined; // an invalid schedule is the config's error
      }
      if (gap !== undefined)
        problems.push({
          file: t.file,
          key: `${key}.tasks[0].maxConcurrency`,
          message: `association "${w.name}" runs in ${rounds} rounds of maxConcurrency over the ${instances} instances of pool "${w.pool}", up to ${rounds} × ${only.timeoutSeconds} s, longer than the ${describeGap(gap)} "${w.schedule}" leaves between two runs at times: the next run would start while this one is still going and fail on the host lock. Raise maxConcurrency (e.g. "100%"), lower timeoutSeconds or schedule the runs further apart`,
        });
    }
    if (w.mode === "maintenance-window" && instances !== undefined && instances > 0) {
      const budget = windowBudget({
        durationHours: w.durationHours,
        cutoffHours: w.cutoffHours,
        startStopInstances: w.startStopInstances,
        tasks: w.tasks.map((task) => {
          const rounds = batchesOf(task.maxConcurrency, instances);
          return {
            label: rounds > 1 ? `${task.name} ${rounds}×${task.timeoutSeconds}` : task.name,
            seconds: rounds * task.timeoutSeconds,
          };
        }),
      });
      if (!budget.fits)
        problems.push({
          file: t.file,
          key: `${key}.tasks`,
          message: `window "${w.name}" on ${instances} instance(s) of pool "${w.pool}" needs up to ${describeBudget(budget)}, more than it can run (${budget.availableSeconds} s = durationHours - cutoffHours): a task runs in rounds of maxConcurrency instances, and the stop task would never start. Raise maxConcurrency (e.g. "100%"), lower timeoutSeconds or lengthen the window`,
        });
      if (idle !== undefined && idle > 0) {
        const wait = longestIdleWait(w.tasks, instances, idle);
        if (wait)
          problems.push({
            file: t.file,
            key: `${key}.tasks[${wait.task}].maxConcurrency`,
            message: `window "${w.name}": task "${w.tasks[wait.task]?.name}" runs in ${wait.rounds} rounds of maxConcurrency over the ${instances} instances of pool "${w.pool}", so an instance may wait up to ${wait.seconds} s with nothing to run, and the pool stops an instance after ${idle} idle minutes (${wait.limitSeconds} s here): it would be stopped before its round, and SSM counts the undelivered command neither as run nor as an error. Raise maxConcurrency (e.g. "100%") or lower timeoutSeconds`,
          });
      }
    }
  });
  return problems;
}

/**
 * Systems Manager's default quota "Maintenance windows per AWS account per Region": 50 (adjustable;
 * AWS General Reference, Systems Manager endpoints and quotas,
 * https://docs.aws.amazon.com/general/latest/gr/ssm.html). CreateMaintenanceWindow fails with
 * ResourceLimitExceededException beyond it, at `pulumi up` of whichever team comes last.
 */
export const SSM_WINDOWS_PER_ACCOUNT_REGION = 50;

/**
 * (d) The maintenance windows of every team of one environment (its fleet: one account and region)
 * together within the fleet's `maintenanceWindowQuota` (default {@link SSM_WINDOWS_PER_ACCOUNT_REGION}). Associations do not count (State Manager
 * has its own quota). One finding per environment over it, on the team with the most windows.
 * Environments sharing an account are not summed together: the plan does not know the accounts.
 */
export function checkAccountWindows(
  teams: readonly TeamFacts[],
  quota = SSM_WINDOWS_PER_ACCOUNT_REGION,
): Problem[] {
  const problems: Problem[] = [];
  const windowsOf = (t: TeamFacts) => t.config.windows.filter((w) => w.mode === "maintenance-window").length;
  for (const { fleet, users: sorted, total } of perEnvironment(teams, windowsOf)) {
    const limit = fleet.maintenanceWindowQuota ?? quota;
    if (total <= limit) continue;
    const top = sorted[0]!;
    problems.push({
      file: top.t.file,
      key: "scheduling:windows",
      message: `the teams on ${fleet.id} declare ${total} maintenance windows together (${countsOf(sorted)}), more than the account's quota of ${limit} per region (fleet:maintenanceWindowQuota in ${fleet.file}; ${quota} is Systems Manager's default): the last stack deployed would fail with ResourceLimitExceededException. Merge windows, lower the teams' maxWindows in the tenant registry, or raise the quota in Service Quotas first and then fleet:maintenanceWindowQuota`,
    });
  }
  return problems;
}

/**
 * (e) The EventBridge rules of every stack of one environment (its fleet: one account and region) on
 * the account's default event bus together within the fleet's `eventRuleQuota` (default EventBridge's
 * in the fleet's region, {@link defaultEventRuleQuota}: 300, 100 in af-south-1 and eu-south-1). Each
 * team's stack counts {@link teamEventRuleCount} of its config (a rule per window and per
 * association, its document's command-failed rule, a run-log rule per mode), the fleet and iam stacks
 * their `platformEventRules`. One finding per environment over it, on the team with the most rules. Rules the account's default bus holds outside these stacks are not known to the plan:
 * `fleet:eventRuleQuota` should leave them out.
 */
export function checkAccountEventRules(teams: readonly TeamFacts[]): Problem[] {
  const problems: Problem[] = [];
  for (const { fleet, users: sorted, total: teamRules } of perEnvironment(teams, (t) =>
    teamEventRuleCount(t.config),
  )) {
    const platform = (fleet.platformEventRules ?? []).filter((p) => p.rules > 0);
    const total = platform.reduce((n, p) => n + p.rules, teamRules);
    const standard = defaultEventRuleQuota(fleet.region);
    const limit = fleet.eventRuleQuota ?? standard;
    if (total <= limit) continue;
    const top = sorted[0]!;
    // The platform stacks among the teams by count, so a large one is named, not summed away.
    const counts = countsOf(
      [...sorted, ...platform.map((p) => ({ id: p.id, n: p.rules }))].sort((a, b) => b.n - a.n),
    );
    const where = fleet.region ? ` in ${fleet.region}` : "";
    const who =
      platform.length > 0 ? `the teams on ${fleet.id} and its platform stacks` : `the teams on ${fleet.id}`;
    problems.push({
      file: top.t.file,
      key: "scheduling:windows",
      message: `${who} create ${total} EventBridge rules on the account's default event bus together (${counts}), more than the account's quota of ${limit} per event bus (fleet:eventRuleQuota in ${fleet.file}; ${standard} is EventBridge's default${where}, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html): the last stack deployed would fail with LimitExceededException. A team's stack creates a rule per window and per association, one for its document's failed commands and one run-log rule per mode it uses. Merge windows, lower the teams' maxWindows in the tenant registry, or raise the quota in Service Quotas first and then fleet:eventRuleQuota`,
    });
  }
  return problems;
}

/**
 * State Manager: "Each managed node can be targeted by a maximum of 20 associations" (About targets
 * and rate controls in State Manager associations,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html).
 */
export const SSM_ASSOCIATIONS_PER_MANAGED_NODE = 20;

/**
 * (f) The associations on each pool of one environment together within
 * {@link SSM_ASSOCIATIONS_PER_MANAGED_NODE}: each targets every instance of its pool (by the pool's
 * and the fleet's tags), so every instance of the pool is targeted by all of them, whichever team
 * wrote them. Teams share a pool: one team's twentieth-and-first association takes the node from the
 * others too. One finding per pool over it, on the team with the most associations there.
 * Associations the account holds outside these stacks (Quick Setup's, say) are not known to the plan.
 */
export function checkPoolAssociations(
  teams: readonly TeamFacts[],
  limit = SSM_ASSOCIATIONS_PER_MANAGED_NODE,
): Problem[] {
  const byPool = new Map<string, { fleet: FleetFacts; pool: string; users: Map<TeamFacts, number> }>();
  for (const t of teams) {
    if (!t.fleet) continue;
    for (const w of t.config.windows) {
      if (w.mode !== "association") continue;
      const key = `${t.fleet.id}\u0000${w.pool}`;
      const entry = byPool.get(key) ?? { fleet: t.fleet, pool: w.pool, users: new Map() };
      entry.users.set(t, (entry.users.get(t) ?? 0) + 1);
      byPool.set(key, entry);
    }
  }
  const problems: Problem[] = [];
  for (const { fleet, pool, users } of byPool.values()) {
    const sorted = [...users].sort(([a, n], [b, m]) => m - n || (a.id < b.id ? -1 : 1));
    const total = sorted.reduce((n, [, m]) => n + m, 0);
    if (total <= limit) continue;
    const [top] = sorted[0]!;
    problems.push({
      file: top.file,
      key: "scheduling:windows",
      message: `${total} associations target pool ${pool} of ${fleet.id} together (${sorted.map(([t, n]) => `${t.id} ${n}`).join(", ")}), and every instance of the pool is targeted by each of them: State Manager allows at most ${limit} associations per managed node (https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html), so the pool's instances would not run them all. Merge associations, move some to maintenance windows, or spread them over pools (associations the account holds outside these stacks count too)`,
    });
  }
  return problems;
}

/** Every cross-stack finding of the planned teams and fleets. */
export function crossStackChecks(input: {
  fleets: readonly FleetFacts[];
  teams: readonly TeamFacts[];
  /** The iam stacks checked against the account's IAM roles quota (their configs and the registry). */
  iams?: readonly IamRoleFacts[];
  /**
   * The teams summed against their account's window, EventBridge rule, document and association
   * quotas and the pools' association limit (default `teams`): all of an environment's.
   */
  quotaTeams?: readonly TeamFacts[];
}): Problem[] {
  const quotaTeams = input.quotaTeams ?? input.teams;
  return [
    ...input.fleets.flatMap(checkNetwork),
    ...input.teams.flatMap(checkTeam),
    ...checkAccountWindows(quotaTeams),
    ...checkAccountEventRules(quotaTeams),
    ...checkPoolAssociations(quotaTeams),
    ...checkAccountDocuments(quotaTeams),
    ...checkAccountAssociations(quotaTeams),
    ...checkAccountRoles(input.iams ?? []),
  ];
}
