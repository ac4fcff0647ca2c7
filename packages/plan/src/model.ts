/**
 * The plan report: everything the offline plan found, in one serialisable value. The terminal,
 * JSON and HTML renderers all read this model and nothing else, so they can never disagree.
 * Instants are ISO 8601 UTC strings so the report round-trips through JSON unchanged.
 */
import type { AlertsOutputContract, Problem } from "@retrain/config";
import type { Clash, ScheduleEntry } from "@retrain/windows";
import type { PermissionsReport } from "./permissions/simulate.js";

export type { Clash, ClashSide, InputProblem, RunTime, ScheduleEntry } from "@retrain/windows";

export type { PermissionCheck, PermissionFinding, PermissionsReport } from "./permissions/simulate.js";

export type EnforcementLevel = "mandatory" | "advisory" | "remediate" | "disabled";

export interface PlannedResource {
  urn: string;
  /** Pulumi type token, e.g. `aws:ssm/maintenanceWindow:MaintenanceWindow`. */
  type: string;
  name: string;
  /** URN of the parent resource (the stack or a component); undefined for the stack itself. */
  parent?: string;
  /** Inputs as the program registered them (secrets and unknowns as the harness records them). */
  inputs: Record<string, unknown>;
  /** Mock id (custom resources only); deterministic for the same input. */
  id?: string;
}

export interface Violation {
  policy: string;
  policyPack: string;
  enforcementLevel: EnforcementLevel;
  /** URN of the resource; undefined for a stack-wide finding without one. */
  urn?: string;
  message: string;
}

export type StackStatus =
  /** Ran under mocks (and, when selected, was analysed by the policy pack). */
  | "planned"
  /** The program, its outputs or its references failed. */
  | "failed"
  /** Not run because a stack it references failed. */
  | "skipped";

export interface StackPlan {
  /** `<kind>/<stack>`, e.g. `scheduling/vision`. */
  id: string;
  kind: string;
  /** Pulumi project name, e.g. `retrain-scheduling`. */
  project: string;
  stack: string;
  /** Stack config file, relative to the workspace root. */
  configFile: string;
  status: StackStatus;
  /**
   * False for a stack that ran only so a selected stack's references resolve (`--stack`, `--team`):
   * not analysed by the pack, not shown, not counted.
   */
  selected: boolean;
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
  violations: Violation[];
  /** Why the stack failed or was skipped. */
  error?: string;
}

export interface CostRow {
  team: string;
  environment: string;
  pool: string;
  region: string;
  instanceType: string;
  instanceCount: number;
  /** Hours the team's windows hold the pool in an average month (730 h). */
  windowHoursPerMonth: number;
  /** windowHoursPerMonth × instanceCount. */
  gpuInstanceHoursPerMonth: number;
  /** On-demand USD per instance hour; null when the price table has no entry. */
  hourlyPriceUsd: number | null;
  monthlyCostUsd: number | null;
}

/** A pool whose instances are never stopped between windows: it costs around the clock. */
export interface AlwaysOnPool {
  environment: string;
  pool: string;
  region: string;
  instanceType: string;
  instanceCount: number;
  monthlyCostUsd: number | null;
}

/** A billed part of a fleet's network per month: NAT gateway, its public IPv4, interface endpoints. */
export interface NetworkCostRow {
  environment: string;
  region: string;
  part: "nat-gateway" | "public-ipv4" | "interface-endpoints";
  /** NAT gateways, addresses, or interface endpoints × availability zones (each is billed per hour). */
  units: number;
  /** USD per unit-hour; null when the price table has none (shown n/a, left out of the total). */
  hourlyPriceUsd: number | null;
  monthlyCostUsd: number | null;
}

export interface CostReport {
  currency: "USD";
  /** Where the prices come from: the table's source, its date and the file it was read from. */
  prices: { source: string; date: string; file: string };
  /** Hours in the month used for the monthly figures (AWS's pricing convention). */
  hoursPerMonth: number;
  rows: CostRow[];
  alwaysOn: AlwaysOnPool[];
  /** The fleets' network parts billed by the hour (data processing per GB is not estimated). */
  network: NetworkCostRow[];
  totalMonthlyCostUsd: number;
  /** `region/instanceType` pairs without a price: the total excludes them. */
  missingPrices: string[];
  /** Alarms and keys of the teams' alerting, apart from the GPU total. */
  alerting?: AlertingCost;
}

/** Monthly cost of a team's alerting resources (CloudWatch alarms, the topic's KMS key). */
export interface AlertingCostRow {
  team: string;
  /** `scheduling/<team>`. */
  stackId: string;
  standardAlarms: number;
  compositeAlarms: number;
  kmsKeys: number;
  monthlyCostUsd: number;
}

export interface AlertingCost {
  prices: { source: string; date: string };
  rows: AlertingCostRow[];
  totalMonthlyCostUsd: number;
}

/** Where one team's alerts go (from its scheduling stack's `alerts` output). */
export interface AlertEntry {
  team: string;
  stackId: string;
  topicArn: string;
  /** `sns:<arn>`, `email:<address> (pending until confirmed)`. */
  destinations: string[];
  /** Per window: how a missed run is watched (`single` / `composite` / `after-start` alarm, or `none` and why). */
  missedRunAlarms: AlertsOutputContract["missedRunAlarms"];
}

export interface PlanSummary {
  /** Stacks in the report (`stacks[]`): those whose config loaded. */
  stacks: number;
  /** Stack config files that did not load (their problems are in `errors`): not in `stacks[]`, not planned. */
  invalid: number;
  planned: number;
  failed: number;
  skipped: number;
  resources: number;
  mandatory: number;
  advisory: number;
  clashes: number;
  /** Permission findings (a flow's needed request denied or a forbidden one allowed): mandatory. */
  permissionFindings: number;
  /** 0 clean, 1 mandatory violations, clashes or permission findings, 2 invalid input. */
  exitCode: 0 | 1 | 2;
}

/** Findings by kind, as the exit code counts them. */
export interface GateCounts {
  /** Mandatory policy violations. */
  mandatory: number;
  clashes: number;
  permissionFindings: number;
}

export interface PlanGate {
  /** `all`: no gate given, every finding gates. `stacks`: only findings on `stacks` gate. */
  mode: "all" | "stacks";
  /** The gated stack ids (`<kind>/<stack>`), sorted; empty in mode `all`. */
  stacks: string[];
  /** The findings that decide the exit code. */
  gating: GateCounts;
  /** The findings reported but not counted: on stacks outside the gate. */
  notGating: GateCounts & {
    /** Shown stacks whose mandatory violations do not gate, sorted. */
    stackIds: string[];
    /** Indexes into the report's `clashes`. */
    clashIndexes: number[];
    /** Indexes into the report's `permissions.findings`. */
    permissionFindingIndexes: number[];
  };
}

export interface PlanReport {
  /** Start of the planning horizon (UTC). */
  from: string;
  /** End of the planning horizon (UTC). */
  to: string;
  weeks: number;
  workspace: string;
  stacks: StackPlan[];
  clashes: Clash[];
  schedule: ScheduleEntry[];
  cost: CostReport;
  /** Each shown team's alert destinations. */
  alerts?: AlertEntry[];
  /** The permissions proof: every flow's requests simulated against the iam stacks' policies. */
  permissions: PermissionsReport;
  errors: Problem[];
  summary: PlanSummary;
  /** Which findings decide the exit code (`--gate`); absent in reports of older versions. */
  gate?: PlanGate;
}
