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
  PlanGate,
  PlanReport,
  PlanSummary,
  ScheduleEntry,
  StackStatus,
} from "../model.js";

/** A report as the JSON holds it: with its gate when the plan had one. */

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
  /**
   * Which findings decide `summary.exitCode`: mode `all` (no `--gate`) or `stacks` (only findings on
   * `stacks`); `notGating` lists the others. Absent in reports of plans that predate it.
   */
  gate?: PlanGate;
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
    ...(report.gate ? { gate: report.gate } : {}),
    summary: report.summary,
  };
}

export function renderJson(report: PlanReport): string {
  return [...renderJsonChunks(report)].join("");
}

/**
 * The same text as {@link renderJson}, in pieces: one per stack, schedule entry, ... A plan of
 * thousands of teams is hundreds of MB of JSON; written piece by piece it is never one string
 * (which doubles the plan's peak memory and nears V8's maximum string length).
 */
export function renderJsonChunks(report: PlanReport): Generator<string> {
  return jsonChunks(toPlanJson(report) as unknown as Record<string, unknown>);
}

/** What JSON.stringify writes for an array element that has no JSON value. */
const asElement = (v: unknown) =>
  v === undefined || typeof v === "function" || typeof v === "symbol" ? null : v;

/**
 * `${JSON.stringify(value, null, 2)}\n` of a plain object, as pieces: each element of a non-empty
 * top-level array is one piece, every other member one. JSON text has no raw line breaks inside
 * strings, so a nested value is its own stringification with each line indented.
 */
export function* jsonChunks(value: Record<string, unknown>): Generator<string> {
  const indent = (text: string, by: string) => text.replaceAll("\n", `\n${by}`);
  const split = (v: unknown): v is unknown[] =>
    Array.isArray(v) && v.length > 0 && typeof (v as { toJSON?: unknown }).toJSON !== "function";
  // Members without a JSON value (undefined, functions) are left out, as JSON.stringify does; a
  // split array is stringified element by element below, never as a whole.
  const members = Object.keys(value).flatMap((key) => {
    const member = value[key];
    if (split(member)) return [{ key, member, text: "" }];
    const text = JSON.stringify(member, null, 2) as string | undefined;
    return text === undefined ? [] : [{ key, member, text }];
  });
  if (members.length === 0) {
    yield "{}\n";
    return;
  }
  yield "{\n";
  for (const [i, { key, member, text }] of members.entries()) {
    const end = i < members.length - 1 ? ",\n" : "\n";
    const name = `  ${JSON.stringify(key)}: `;
    if (split(member)) {
      yield `${name}[\n`;
      for (const [j, element] of member.entries())
        yield `    ${indent(JSON.stringify(asElement(element), null, 2), "    ")}${j < member.length - 1 ? ",\n" : "\n"}`;
      yield `  ]${end}`;
    } else yield `${name}${indent(text, "  ")}${end}`;
  }
  yield "}\n";
}
