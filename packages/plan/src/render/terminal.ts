/**
 * The plan on a terminal, in the order a reviewer reads it: a preview-like tree per stack, then
 * policy violations grouped by stack and policy, then cross-team clashes, cost, and one summary line.
 */
import { describeProblem, printable } from "@retrain/config/workspace";
import { counted, describeClash, type Style } from "@retrain/windows";
import { NETWORK_PART_LABEL } from "../cost.js";
import type { PlannedResource, PlanReport, StackPlan, Violation } from "../model.js";
import { NOT_GATING_NOTE, notGatingTotal } from "../stages/gate.js";
import { keyInputs } from "./inputs.js";

export interface TerminalOptions {
  style: Style;
  /** Only problems and the summary line: no resource tree, no cost table. */
  quiet?: boolean;
}

/** A report as the terminal shows it: with its gate when the plan had one (`--gate`). */

export function renderTerminal(report: PlanReport, { style, quiet = false }: TerminalOptions): string {
  const out: string[] = [];
  if (!quiet) for (const stack of report.stacks) if (stack.selected) out.push(...stackTree(stack, style));
  out.push(...inputErrors(report, style));
  out.push(...violations(report, style));
  out.push(...clashes(report, style));
  out.push(...permissions(report, style, quiet));
  if (!quiet) out.push(...cost(report, style), ...alerts(report, style));
  out.push(summaryLine(report, style));
  return `${out.join("\n")}\n`;
}

// ------------------------------------------------------------------ resource tree

function stackTree(stack: StackPlan, style: Style): string[] {
  const lines = [
    `${style.paint("bold", `${stack.project}/${stack.stack}`)} ${style.paint("dim", `(${stack.configFile})`)}`,
  ];
  if (stack.status === "failed" || stack.status === "skipped") {
    lines.push(
      `  ${style.paint("red", stack.status === "failed" ? "failed" : "skipped")}: ${(stack.error ?? "").split("\n").map(printable).join("\n    ")}`,
      "",
    );
    return lines;
  }
  const byUrn = new Set(stack.resources.map((r) => r.urn));
  const children = new Map<string | undefined, PlannedResource[]>();
  for (const r of stack.resources) {
    // A parent outside the recorded set (the stack root) makes the resource a top-level node.
    const parent = r.parent && byUrn.has(r.parent) ? r.parent : undefined;
    const list = children.get(parent);
    if (list) list.push(r);
    else children.set(parent, [r]);
  }
  const flagged = new Map<string, Violation[]>();
  for (const v of stack.violations) {
    if (!v.urn) continue;
    const list = flagged.get(v.urn);
    if (list) list.push(v);
    else flagged.set(v.urn, [v]);
  }

  const mark = (r: PlannedResource) =>
    flagged.get(r.urn)?.some((v) => v.enforcementLevel === "mandatory")
      ? style.paint("red", "✗")
      : flagged.has(r.urn)
        ? style.paint("yellow", "!")
        : style.paint("green", "+");
  // Like `pulumi preview`: the stack resource as the unconnected root, everything else below it.
  const roots = children.get(undefined) ?? [];
  const walk = (parent: string | undefined, prefix: string) => {
    const list = (children.get(parent) ?? []).slice().sort(byTypeThenName);
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      if (parent === undefined && roots.length === 1) {
        lines.push(`${mark(r)} ${style.paint("cyan", r.type)}  ${r.name}`);
        for (const [k, v] of keyInputs(r.type, r.inputs))
          lines.push(`      ${style.paint("dim", `${k}:`)} ${v}`);
        walk(r.urn, "");
        return;
      }
      lines.push(`${mark(r)} ${prefix}${last ? "└─ " : "├─ "}${style.paint("cyan", r.type)}  ${r.name}`);
      const inner = `${prefix}${last ? "   " : "│  "}`;
      for (const [k, v] of keyInputs(r.type, r.inputs))
        lines.push(`  ${inner}   ${style.paint("dim", `${k}:`)} ${v}`);
      walk(r.urn, inner);
    });
  };
  walk(undefined, "");
  const outputs = Object.keys(stack.outputs);
  lines.push(
    style.paint(
      "dim",
      `  ${stack.resources.length} resources; outputs: ${outputs.length ? outputs.join(", ") : "none"}`,
    ),
    "",
  );
  return lines;
}

function byTypeThenName(a: PlannedResource, b: PlannedResource): number {
  return a.type.localeCompare(b.type) || a.name.localeCompare(b.name);
}

// ------------------------------------------------------------------ problems

function inputErrors(report: PlanReport, style: Style): string[] {
  if (report.errors.length === 0) return [];
  return [
    style.paint(["bold", "red"], "Invalid input:"),
    ...report.errors.map((e) => `  ${style.paint("red", "error")} ${describeProblem(e)}`),
    "",
  ];
}

function violations(report: PlanReport, style: Style): string[] {
  const stacks = report.stacks.filter((s) => s.selected && s.violations.length > 0);
  if (stacks.length === 0) return [];
  const lines = [style.paint("bold", "Policy violations:")];
  const notGating = new Set(report.gate?.notGating.stackIds ?? []);
  for (const stack of stacks) {
    const note = notGating.has(stack.id) ? ` ${style.paint("yellow", `(${NOT_GATING_NOTE})`)}` : "";
    lines.push(`  ${style.paint("bold", `${stack.project}/${stack.stack}`)}${note}`);
    const byPolicy = new Map<string, Violation[]>();
    for (const v of stack.violations) {
      const key = `${v.policyPack}\u0000${v.policy}\u0000${v.enforcementLevel}`;
      const list = byPolicy.get(key);
      if (list) list.push(v);
      else byPolicy.set(key, [v]);
    }
    const resourceName = new Map(stack.resources.map((r) => [r.urn, `${r.type} ${r.name}`]));
    for (const list of byPolicy.values()) {
      const { policy, policyPack, enforcementLevel } = list[0]!;
      const level =
        enforcementLevel === "mandatory"
          ? style.paint("red", "mandatory")
          : style.paint("yellow", enforcementLevel);
      lines.push(`    [${level}] ${policyPack}: ${style.paint("bold", policy)}`);
      for (const v of list) {
        const where = v.urn ? (resourceName.get(v.urn) ?? v.urn) : "stack";
        lines.push(`      - ${style.paint("dim", where)}`);
        for (const line of v.message.split("\n")) lines.push(`        ${printable(line)}`);
      }
    }
  }
  lines.push("");
  return lines;
}

function clashes(report: PlanReport, style: Style): string[] {
  if (report.clashes.length === 0) return [];
  const notGating = new Set(report.gate?.notGating.clashIndexes ?? []);
  return [
    style.paint("bold", `Cross-team clashes in the next ${report.weeks} weeks:`),
    ...report.clashes.map((c, i) =>
      notGating.has(i)
        ? `  ${style.paint("yellow", "!")} ${describeClash(c)} ${style.paint("yellow", `(${NOT_GATING_NOTE})`)}`
        : `  ${style.paint("red", "✗")} ${describeClash(c)}`,
    ),
    "",
  ];
}

/** The proof per environment and flow: one line per flow, each failed request under it. */
function permissions(report: PlanReport, style: Style, quiet: boolean): string[] {
  const { checks, findings } = report.permissions;
  if (checks.length === 0 && findings.length === 0) return [];
  // --quiet shows problems only.
  if (quiet && findings.length === 0 && checks.every((c) => c.ok)) return [];
  const lines = [
    style.paint("bold", "Permissions proven (iam-simulate, every flow against its role's policies):"),
  ];
  const flows = new Map<string, typeof checks>();
  for (const c of checks) {
    const key = `${c.environment} ${c.flow}`;
    flows.set(key, [...(flows.get(key) ?? []), c]);
  }
  for (const [key, list] of flows) {
    const failed = list.filter((c) => !c.ok).length;
    if (quiet && failed === 0) continue;
    const allowed = list.filter((c) => c.expect === "allow").length;
    lines.push(
      `  ${failed ? style.paint("red", "✗") : style.paint("green", "✓")} ${key}: ${allowed} needed allowed, ${list.length - allowed} forbidden denied${failed ? `, ${failed} wrong` : ""}`,
    );
  }
  const notGating = new Set(report.gate?.notGating.permissionFindingIndexes ?? []);
  findings.forEach((f, i) => {
    lines.push(
      notGating.has(i)
        ? `    ${style.paint("yellow", "!")} ${f.environment} ${f.file}: ${printable(f.message)} ${style.paint("yellow", `(${NOT_GATING_NOTE})`)}`
        : `    ${style.paint("red", "✗")} ${f.environment} ${f.file}: ${printable(f.message)}`,
    );
  });
  lines.push("");
  return lines;
}

// ------------------------------------------------------------------ cost and summary

const usd = (n: number | null) =>
  n === null
    ? "n/a"
    : `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function cost(report: PlanReport, style: Style): string[] {
  const { rows, alwaysOn, missingPrices } = report.cost;
  const { network } = report.cost;
  if (rows.length === 0 && alwaysOn.length === 0 && network.length === 0) return [];
  const table: string[][] = [
    ["team", "env/pool", "instances", "window h/month", "GPU h/month", "$/h", "$/month"],
  ];
  for (const r of rows) {
    table.push([
      r.team,
      `${r.environment}/${r.pool}`,
      `${r.instanceCount} × ${r.instanceType}`,
      r.windowHoursPerMonth.toFixed(1),
      r.gpuInstanceHoursPerMonth.toFixed(1),
      r.hourlyPriceUsd === null ? "n/a" : r.hourlyPriceUsd.toFixed(4),
      usd(r.monthlyCostUsd),
    ]);
  }
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const lines = [style.paint("bold", "Estimated on-demand GPU cost per month:")];
  table.forEach((row, i) => {
    const text = row
      .map((cell, c) => (c >= 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ");
    lines.push(`  ${i === 0 ? style.paint("dim", text) : text}`);
  });
  for (const n of network) {
    lines.push(
      `  ${n.environment} network: ${n.units} × ${NETWORK_PART_LABEL[n.part]} in ${n.region}: ` +
        (n.hourlyPriceUsd === null
          ? "n/a (no price)"
          : `$${n.hourlyPriceUsd.toFixed(4)}/h each, ${usd(n.monthlyCostUsd)}/month`),
    );
  }
  for (const p of alwaysOn) {
    lines.push(
      `  ${style.paint("yellow", "!")} ${p.environment}/${p.pool} (${p.instanceCount} × ${p.instanceType}) is never stopped ` +
        `between windows: ${usd(p.monthlyCostUsd)}/month around the clock (set startStopInstances on its windows or fleet stopWhenIdleMinutes)`,
    );
  }
  if (missingPrices.length) {
    lines.push(
      `  ${style.paint("yellow", "!")} no price for ${missingPrices.join(", ")}: add it to plan.prices.json`,
    );
  }
  lines.push(style.paint("dim", `  prices: ${report.cost.prices.source}`), "");
  return lines;
}

function alerts(report: PlanReport, style: Style): string[] {
  const entries = report.alerts ?? [];
  if (entries.length === 0) return [];
  const lines = [style.paint("bold", "Alerts (failed, timed-out, cancelled and missed runs):")];
  for (const a of entries) {
    lines.push(`  ${a.team}: ${a.destinations.join(", ")}`);
    for (const m of a.missedRunAlarms) {
      lines.push(
        m.kind === "none"
          ? `    ${style.paint("yellow", "!")} ${m.window}: no missed-run alarm (${m.reason ?? ""})`
          : `    ${m.window}: missed-run ${m.kind} alarm over ${m.periodHours} h`,
      );
    }
  }
  const alerting = report.cost.alerting;
  if (alerting && alerting.rows.length > 0) {
    const parts = alerting.rows.map(
      (r) =>
        `${r.team} ${usd(r.monthlyCostUsd)} (${counted(r.standardAlarms, "alarm")}${r.compositeAlarms ? `, ${r.compositeAlarms} composite` : ""}, ${counted(r.kmsKeys, "key")})`,
    );
    lines.push(`  alerting cost per month: ${parts.join(", ")}; total ${usd(alerting.totalMonthlyCostUsd)}`);
    lines.push(style.paint("dim", `  prices: ${alerting.prices.source} (${alerting.prices.date})`));
  }
  lines.push("");
  return lines;
}

export function summaryLine(report: PlanReport, style: Style): string {
  const s = report.summary;
  const parts = [
    `${s.planned} of ${s.stacks + s.invalid} stacks planned${s.invalid ? `, ${s.invalid} invalid` : ""}${s.failed ? `, ${s.failed} failed` : ""}${s.skipped ? `, ${s.skipped} skipped` : ""}`,
    counted(s.resources, "resource"),
    `${s.mandatory} mandatory and ${s.advisory} advisory ${s.mandatory + s.advisory === 1 ? "violation" : "violations"}`,
    counted(s.clashes, "clash", "clashes"),
    counted(s.permissionFindings, "permission finding"),
    `~${usd(report.cost.totalMonthlyCostUsd)}/month on demand`,
  ];
  const gate = report.gate;
  if (gate?.mode === "stacks") {
    const other = notGatingTotal(gate);
    parts.push(
      `gated on ${counted(gate.stacks.length, "stack")}` +
        (other ? ` (${counted(other, "finding")} ${NOT_GATING_NOTE})` : ""),
    );
  }
  const verdict =
    s.exitCode === 0
      ? style.paint(["bold", "green"], "Plan OK")
      : s.exitCode === 1
        ? style.paint(["bold", "red"], "Plan FAILED")
        : style.paint(["bold", "red"], "Plan INVALID");
  return `${verdict}: ${parts.join(", ")} (exit ${s.exitCode})`;
}
