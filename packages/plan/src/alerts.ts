/** Each team's alert destinations, read from its scheduling stack's `alerts` output. */
import { alertsOutputSchema } from "@retrain/config";
import type { AlertEntry, StackPlan } from "./model.js";

export function alertsOf(stacks: readonly StackPlan[]): AlertEntry[] {
  return stacks
    .filter((s) => s.kind === "scheduling" && s.selected && s.status === "planned")
    .flatMap((s) => {
      const parsed = alertsOutputSchema.safeParse(s.outputs.alerts);
      if (!parsed.success) return [];
      return [{ team: s.stack, stackId: s.id, ...parsed.data }];
    })
    .sort((a, b) => a.team.localeCompare(b.team));
}
