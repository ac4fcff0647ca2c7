import { AUTOMATION_TASK_SECONDS, type BudgetPart, describeBudget, windowBudget } from "@retrain/schedule";
import { z } from "zod";
import { defineStackPolicy, type StackResource, type Violation } from "../policy-kit.js";
import { num, str } from "../values.js";
import { TASK_TYPE, taskTimeouts, WINDOW_TYPE, windowOf } from "../windows/model.js";

/** Worst-case seconds of one task: its longest known timeout, or the runbook bound of a start/stop task. */
function taskSeconds(task: StackResource): number | undefined {
  // A runbook by name, or by ARN (`arn:...:automation-definition/AWS-StartEC2Instance:$DEFAULT`).
  const runbook = str(task.props.taskArn)?.split("/").pop()?.split(":")[0];
  if (runbook && runbook in AUTOMATION_TASK_SECONDS)
    return AUTOMATION_TASK_SECONDS[runbook as keyof typeof AUTOMATION_TASK_SECONDS];
  const timeouts = taskTimeouts(task.props).map((t) => t.seconds);
  return timeouts.length > 0 ? Math.max(...timeouts) : undefined;
}

export const maintenanceTaskTimeout = defineStackPolicy({
  name: "maintenance-task-timeout",
  description:
    "A maintenance window's tasks must fit into what the window can run (duration − cutoff): each task alone, and all of them in priority order (start/stop automations included), since no task starts after the cutoff.",
  remediation:
    "Lower the tasks' timeouts, lengthen the window within the maximum duration, or lower the cutoff, until the tasks in priority order (start, tasks, stop) end before duration − cutoff.",
  enforcementLevel: "mandatory",
  config: z.strictObject({}),
  check(resources): Violation[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const out: Violation[] = [];
    const tasksOf = new Map<StackResource, StackResource[]>();
    for (const task of resources.filter((r) => r.type === TASK_TYPE)) {
      const window = windowOf(task, byUrn, resources);
      if (!window) continue;
      tasksOf.set(window, [...(tasksOf.get(window) ?? []), task]);
      const duration = num(window.props.duration);
      const cutoff = num(window.props.cutoff) ?? 0;
      if (duration === undefined) continue;
      const availableS = (duration - cutoff) * 3600;
      for (const t of taskTimeouts(task.props)) {
        if (t.seconds > availableS) {
          out.push({
            urn: task.urn,
            message: `MaintenanceWindowTask "${task.name}": ${t.field} is ${t.seconds} s, longer than its window "${window.name}" can run it (duration ${duration} h − cutoff ${cutoff} h = ${availableS} s). Fix: lower the timeout to at most ${availableS} s or lengthen the window.`,
          });
        }
      }
    }
    // Cumulative: tasks of one priority run in parallel, priorities one after another.
    for (const window of resources.filter((r) => r.type === WINDOW_TYPE)) {
      const tasks = tasksOf.get(window) ?? [];
      const duration = num(window.props.duration);
      if (duration === undefined || tasks.length < 2) continue;
      const cutoff = num(window.props.cutoff) ?? 0;
      const rounds = new Map<number | string, BudgetPart>();
      for (const t of tasks) {
        const seconds = taskSeconds(t);
        if (seconds === undefined) continue;
        // Unset priorities all get AWS's one default, so they run together; an unknown one (preview)
        // is its own round, the conservative reading.
        const raw = t.props.priority;
        const key = num(raw) ?? (raw === undefined || raw === null ? "default" : `?${t.urn}`);
        const prev = rounds.get(key);
        if (!prev || prev.seconds < seconds)
          rounds.set(key, { label: `${t.name} (priority ${num(t.props.priority) ?? "?"})`, seconds });
      }
      const ordered = [...rounds.entries()]
        .sort(([a], [b]) =>
          typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b)),
        )
        .map(([, part]) => part);
      const budget = windowBudget({
        durationHours: duration,
        cutoffHours: cutoff,
        startStopInstances: false,
        tasks: ordered,
      });
      if (!budget.fits && ordered.length > 1) {
        out.push({
          urn: window.urn,
          message: `MaintenanceWindow "${window.name}": its tasks in priority order take up to ${describeBudget(budget)}, more than the window can run (duration ${duration} h − cutoff ${cutoff} h = ${budget.availableSeconds} s): the last ones (the stop task) would never start. Fix: lower the timeouts or lengthen the window.`,
        });
      }
    }
    return out;
  },
});
