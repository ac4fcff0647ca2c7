/**
 * The machine-readable plan (`--json FILE`), documented in docs/plan.md. Its shape is a contract
 * for CI tooling: fields are added, never renamed; `version` changes on any breaking change.
 */
import type { Problem } from "@retrain/config";
import type {
  AlertEntry,
  Clash,
  CostReport,
  PermissionsReport,
  PlanReport,
  PlanSummary,
  ScheduleEntry,
  StackStatus,
} from "../model.js";

export const PLAN_JSON_VERSION = 1;

export interface PlanJson {
  version: typeof PLAN_JSON_VERSION;
  horizon: { from: string; to: string; weeks: number };
  stacks: {
    id: string;
    project: string;
    stack: string;
    configFile: string;
    status: StackStatus;
    error?: string;
    resources: {
      urn: string;
      type: string;
      name: string;
      parent: string | null;
      id: string | null;
      inputs: Record<string, unknown>;
    }[];
    outputs: Record<string, unknown>;
    violations: {
      policy: string;
      policyPack: string;
      enforcementLevel: string;
      urn: string | null;
      message: string;
    }[];
  }[];
  clashes: Clash[];
  schedule: ScheduleEntry[];
  cost: CostReport;
  /** Each team's alert destinations and missed-run alarms. */
  alerts: AlertEntry[];
  /** Every simulated request (`checks`) and each failed one or binding problem (`findings`). */
  permissions: PermissionsReport;
  /** Every input problem: file, key, line and column when known, message. */
  errors: Problem[];
  summary: PlanSummary;
}

export function toPlanJson(report: PlanReport): PlanJson {
  return {
    version: PLAN_JSON_VERSION,
    horizon: { from: report.from, to: report.to, weeks: report.weeks },
    stacks: report.stacks
      .filter((s) => s.selected)
      .map((s) => ({
        id: s.id,
        project: s.project,
        stack: s.stack,
        configFile: s.configFile,
        status: s.status,
        ...(s.error ? { error: s.error } : {}),
        resources: s.resources.map((r) => ({
          urn: r.urn,
          type: r.type,
          name: r.name,
          parent: r.parent ?? null,
          id: r.id ?? null,
          inputs: r.inputs,
        })),
        outputs: s.outputs,
        violations: s.violations.map((v) => ({
          policy: v.policy,
          policyPack: v.policyPack,
          enforcementLevel: v.enforcementLevel,
          urn: v.urn ?? null,
          message: v.message,
        })),
      })),
    clashes: report.clashes,
    schedule: report.schedule,
    cost: report.cost,
    alerts: report.alerts ?? [],
    permissions: report.permissions,
    errors: report.errors,
    summary: report.summary,
  };
}

export function renderJson(report: PlanReport): string {
  return `${JSON.stringify(toPlanJson(report), null, 2)}\n`;
}
