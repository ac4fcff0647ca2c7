/**
 * The gate (`retrain plan --gate <ids>`): which findings decide the exit code. Without a gate every
 * finding does (the default, and what the scheduled and main plans use). With one, a mandatory
 * violation, a clash or a permission finding fails the plan only when it is on a gated stack (a
 * change touches it); the others are still reported in full, marked as not gating ("pre-existing on
 * an unchanged stack"), so one team's untouched file cannot block every other change. Invalid input
 * (exit 2) is never gated away.
 */
import type { DiscoveredStack } from "@retrain/config";
import type { Clash, GateCounts, PermissionFinding, PlanGate, PlanReport, StackPlan } from "../model.js";

export type { GateCounts, PlanGate } from "../model.js";

/** The wording every renderer uses for a finding that does not gate. */
export const NOT_GATING_NOTE = "pre-existing on an unchanged stack, not gating";

/** A plan report with its gate (what {@link report} returns; `gate` is optional for older reports). */
export type GatedPlanReport = PlanReport & { gate: PlanGate };

/** Whether a finding on `stackId` gates: always without a gate. */
export const gates = (gate: ReadonlySet<string> | undefined, stackId: string): boolean =>
  !gate || gate.has(stackId);

/**
 * Whether a clash gates: when either side's stack is gated, or the fleet of its environment (the
 * pool both hold is that stack's).
 */
export const clashGates = (gate: ReadonlySet<string> | undefined, clash: Clash): boolean =>
  gates(gate, clash.a.stackId) || gates(gate, clash.b.stackId) || gates(gate, `fleet/${clash.environment}`);

/**
 * The gate over what the plan found. A permission finding is on the stack whose config file it
 * names, and on the team's stack when its request came from one; one that names no known stack's
 * file gates (fail closed).
 */
export function gateOf(
  gate: ReadonlySet<string> | undefined,
  stacks: readonly StackPlan[],
  clashes: readonly Clash[],
  permissionFindings: readonly PermissionFinding[],
  workspaceStacks: readonly Pick<DiscoveredStack, "id" | "configFile">[],
  rel: (file: string) => string,
): PlanGate {
  const gating: GateCounts = { mandatory: 0, clashes: 0, permissionFindings: 0 };
  const notGating: PlanGate["notGating"] = {
    mandatory: 0,
    clashes: 0,
    permissionFindings: 0,
    stackIds: [],
    clashIndexes: [],
    permissionFindingIndexes: [],
  };
  for (const s of stacks) {
    if (!s.selected) continue;
    const mandatory = s.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    if (mandatory === 0) continue;
    if (gates(gate, s.id)) gating.mandatory += mandatory;
    else {
      notGating.mandatory += mandatory;
      notGating.stackIds.push(s.id);
    }
  }
  clashes.forEach((c, i) => {
    if (clashGates(gate, c)) gating.clashes += 1;
    else {
      notGating.clashes += 1;
      notGating.clashIndexes.push(i);
    }
  });
  const byFile = new Map(workspaceStacks.map((s) => [rel(s.configFile), s.id]));
  permissionFindings.forEach((f, i) => {
    const id = byFile.get(f.file);
    // A request made from a team's stack (its document, its output location) is that team's too.
    const team = f.team !== undefined && gates(gate, `scheduling/${f.team}`);
    if (id === undefined || gates(gate, id) || team) gating.permissionFindings += 1;
    else {
      notGating.permissionFindings += 1;
      notGating.permissionFindingIndexes.push(i);
    }
  });
  notGating.stackIds.sort();
  return {
    mode: gate ? "stacks" : "all",
    stacks: gate ? [...gate].sort() : [],
    gating,
    notGating,
  };
}

/** Findings that do not gate, in total. */
export const notGatingTotal = (gate: PlanGate | undefined): number =>
  gate ? gate.notGating.mandatory + gate.notGating.clashes + gate.notGating.permissionFindings : 0;
