/**
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
