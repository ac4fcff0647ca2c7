/**
 * The account-wide resources each stack creates, counted from its validated config for the plan's
 * per-environment quota checks: first the EventBridge rules (below), then SSM documents, State Manager
 * associations and IAM roles (the end of this file; `checkAccountDocuments`, `checkAccountAssociations`,
 * `checkAccountRoles` in @retrain/plan/checks, tested against the programs by
 * stacks/scheduling/test/account-quotas.test.ts).
 *
 * The EventBridge rules each stack creates on its account's default event bus, counted from its
 * validated config, for the plan's per-environment quota check (`checkAccountEventRules` in
 * @retrain/plan/checks): every stack of one environment shares one account and region, and PutRule
 * fails with LimitExceededException beyond the quota "Rules" per event bus, at `pulumi up` of
 * whichever stack comes last.
 *
 * Here rather than beside the components that create the rules (@retrain/components, which imports
 * @pulumi/aws): the plan's light entry and `retrain config check` read it, and this package is
 * already theirs. The counts are checked against the real programs: stacks/scheduling/test/event-rules.test.ts
 * runs them and compares with the `aws:cloudwatch/eventRule:EventRule` resources they register, so a
 * rule added to TeamAlerts (or to the iam or fleet program) without its count here fails that test.
 */
import type { FleetConfig, IamConfig, WindowConfig } from "./schemas.js";

/**
 * EventBridge's default quota "Rules" per event bus per account and Region: 300, adjustable in
 * Service Quotas (Amazon EventBridge quotas, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html).
 */
export const EVENTBRIDGE_RULES_PER_BUS = 300;

/** The Regions whose default quota "Rules" per event bus is lower than {@link EVENTBRIDGE_RULES_PER_BUS} (same page). */
export const EVENTBRIDGE_RULES_PER_BUS_BY_REGION: Readonly<Record<string, number>> = {
  "af-south-1": 100,
  "eu-south-1": 100,
};

/** EventBridge's default quota of rules per event bus in `region` (300 where the region is not known). */
export function defaultEventRuleQuota(region: string | undefined): number {
  return (region !== undefined && EVENTBRIDGE_RULES_PER_BUS_BY_REGION[region]) || EVENTBRIDGE_RULES_PER_BUS;
}

/** What the count of a team's rules depends on: its windows' modes (SchedulingConfig satisfies it). */
export interface TeamEventRulesInput {
  readonly windows: readonly Pick<WindowConfig, "mode">[];
}

/**
 * The EventBridge rules a team's scheduling stack creates (TeamAlerts, team-alerts.ts), with or
 * without `scheduling:notify` (the team's topic and its rules exist either way; notify adds targets
 * and subscriptions, never rules): one `<window>-failed` rule per maintenance window and per
 * association (disabled windows too: they exist), the `command-failed` rule of its document, and one
 * run-log rule per mode it uses (`windows-log`, `associations-log`).
 */
export function teamEventRuleCount(config: TeamEventRulesInput): number {
  const windows = config.windows.filter((w) => w.mode === "maintenance-window").length;
  const associations = config.windows.filter((w) => w.mode === "association").length;
  const commandFailed = 1;
  const runLogs = (windows > 0 ? 1 : 0) + (associations > 0 ? 1 : 0);
  return windows + associations + commandFailed + runLogs;
}

/**
 * The EventBridge rules an environment's iam stack creates: none, whatever its config (its log
 * resource policy lets the teams' rules write to their run logs; it creates no rule itself).
 */
export function iamEventRuleCount(_config: IamConfig): number {
  return 0;
}

/**
 * The EventBridge rules an environment's fleet stack creates: none, whatever its config (idle
 * instances stop themselves, nothing on the bus starts or stops them).
 */
export function fleetEventRuleCount(_config: FleetConfig): number {
  return 0;
}

// ---------------------------------------------------------------- other account-wide quotas

/**
 * Systems Manager's quota of documents per account and Region: CreateDocument fails with
 * DocumentLimitExceeded, "You can have at most 500 active SSM documents" (AWS Systems Manager API
 * Reference, CreateDocument, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html).
 * Every team's stack of an environment creates its own training document there
 * ({@link teamDocumentCount}); the plan sums them (`checkAccountDocuments` in @retrain/plan/checks).
 */
export const SSM_DOCUMENTS_PER_ACCOUNT_REGION = 500;

/**
 * State Manager's quota of associations per account and Region: CreateAssociation fails with
 * AssociationLimitExceeded, "You can have at most 2,000 active associations" (AWS Systems Manager
 * API Reference, CreateAssociation, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateAssociation.html).
 * Every association of every team of an environment counts ({@link teamAssociationCount}).
 */
export const SSM_ASSOCIATIONS_PER_ACCOUNT_REGION = 2_000;

/**
 * IAM's default quota "Roles in an AWS account": 1,000, adjustable up to 5,000 (IAM and AWS STS
 * quotas, IAM object quotas, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 * IAM is global: the quota is the account's, in every Region. CreateRole fails with
 * LimitExceeded beyond it, at `pulumi up` of the iam stack.
 */
export const IAM_ROLES_PER_ACCOUNT = 1_000;

/** The most "Roles in an AWS account" can be raised to (same page: maximum quota 5,000). */
export const IAM_ROLES_PER_ACCOUNT_MAX = 5_000;

/**
 * The SSM documents a team's scheduling stack creates: one, its training document
 * `retrain-<env>-<team>-train` (TrainingCommandDocument), whatever its windows (the start/stop
 * tasks run AWS's own AWS-StartEC2Instance/AWS-StopEC2Instance, which do not count). Checked
 * against the program by stacks/scheduling/test/account-quotas.test.ts, as the rule counts are.
 */
export function teamDocumentCount(_config: TeamEventRulesInput): number {
  return 1;
}

/** The SSM documents an environment's iam stack creates: none. */
export function iamDocumentCount(_config: IamConfig): number {
  return 0;
}

/** The SSM documents an environment's fleet stack creates: none. */
export function fleetDocumentCount(_config: FleetConfig): number {
  return 0;
}

/** The State Manager associations a team's scheduling stack creates: one per `mode: association` window. */
export function teamAssociationCount(config: TeamEventRulesInput): number {
  return config.windows.filter((w) => w.mode === "association").length;
}

/** What decides the roles of an iam stack besides its config: the teams the tenant registry grants its environment. */
export interface IamRoleGrants {
  readonly team: string;
  readonly pools: readonly string[];
}

/**
 * The IAM roles an environment's iam stack creates (stacks/iam/src/program.ts): the maintenance
 * window role, the GPU instances' role, one training role per team the tenant registry grants the
 * environment (`teamsGranted`, whether or not the team has a scheduling stack yet) and, with
 * `allowStartStop`, one start/stop automation role per pool granted to any of them. The scheduling
 * and fleet stacks create none.
 */
export function iamRoleCount(config: IamConfig, granted: readonly IamRoleGrants[]): number {
  const pools = new Set(granted.flatMap((g) => g.pools));
  return 2 + granted.length + (config.allowStartStop ? pools.size : 0);
}
