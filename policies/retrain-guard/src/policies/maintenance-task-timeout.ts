import { AUTOMATION_TASK_SECONDS, type BudgetPart, describeBudget, windowBudget } from "@retrain/schedule";
import { z } from "zod";
import { maxDurationHoursField } from "../config-fields.js";
import { defineStackPolicy, type StackResource, type Violation } from "../policy-kit.js";
import { isUnknown, num, reveal, str } from "../values.js";
import { TASK_TYPE, taskTimeouts, unknownTimeoutFields, WINDOW_TYPE, windowOf } from "../windows/model.js";

/**
 * The window's cutoff in hours, and whether it was unknown: AWS requires Cutoff below Duration, so
 * an unknown one (preview) is taken as duration − 1, the least time it can leave the tasks.
 */
function cutoffOf(window: StackResource, duration: number): { hours: number; unknown: boolean } {
  if (isUnknown(reveal(window.props.cutoff))) return { hours: Math.max(0, duration - 1), unknown: true };
  return { hours: num(window.props.cutoff) ?? 0, unknown: false };
}

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
    "A maintenance window's tasks must fit into what the window can run (duration − cutoff): each task alone, and all of them in priority order (start/stop automations included), since no task starts after the cutoff; a task whose window is not in the stack (or has no known duration) must fit the longest window the pack allows (maxDurationHours).",
  remediation:
    "Lower the tasks' timeouts, lengthen the window within the maximum duration, or lower the cutoff, until the tasks in priority order (start, tasks, stop) end before duration − cutoff.",
  enforcementLevel: "mandatory",
  config: z.strictObject({ maxDurationHours: maxDurationHoursField() }),
  check(resources, config): Violation[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const out: Violation[] = [];
    const tasksOf = new Map<StackResource, StackResource[]>();
    // A window's Cutoff only stops SSM from starting new tasks ("No maintenance window tasks are
    // permitted to start after the resulting endtime minus the number of hours you specify for
    // Cutoff", CreateMaintenanceWindow Duration/Cutoff,
    // https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateMaintenanceWindow.html):
    // a started task runs for its timeout, so the timeout is what bounds how long it holds the pool.
    // The most any window the pack allows can hold (maintenance-window-limits refuses longer windows)
    // is the bound when the task's window, or its duration, is not known.
    const maxS = config.maxDurationHours * 3600;
    for (const task of resources.filter((r) => r.type === TASK_TYPE)) {
      const unknown = unknownTimeoutFields(task.props);
      if (unknown.length > 0)
        out.push({
          urn: task.urn,
          message: `MaintenanceWindowTask "${task.name}": ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} unknown during preview, so the pack cannot bound how long the task holds the pool (stack policies run at \`up\` only after the update). Fix: give the task's timeouts as literals.`,
        });
      const window = windowOf(task, byUrn, resources);
      const duration = window && num(window.props.duration);
      if (!window || duration === undefined) {
        // Fail closed: a task whose window is not in this stack (registered with another stack's
        // window, or by an id the pack cannot follow) or whose duration is unknown in preview is
        // still held to the longest window the pack allows.
        const where = window
          ? `its window "${window.name}" has no known duration`
          : "its window is not in this stack";
        for (const t of taskTimeouts(task.props)) {
          if (t.seconds > maxS) {
            out.push({
              urn: task.urn,
              message: `MaintenanceWindowTask "${task.name}": ${t.field} is ${t.seconds} s and ${where}, so it is held to the longest window the pack allows (maxDurationHours ${config.maxDurationHours} h = ${maxS} s). Fix: lower the timeout to at most ${maxS} s (and below its window's duration − cutoff), and keep the task in the stack of its window.`,
            });
          }
        }
        if (window) tasksOf.set(window, [...(tasksOf.get(window) ?? []), task]);
        continue;
      }
      tasksOf.set(window, [...(tasksOf.get(window) ?? []), task]);
      const cut = cutoffOf(window, duration);
      const cutoff = cut.hours;
      const cutoffText = cut.unknown
        ? `cutoff unknown in preview, taken as ${cutoff} h`
        : `cutoff ${cutoff} h`;
      const availableS = (duration - cutoff) * 3600;
      for (const t of taskTimeouts(task.props)) {
        if (t.seconds > availableS) {
          out.push({
            urn: task.urn,
            message: `MaintenanceWindowTask "${task.name}": ${t.field} is ${t.seconds} s, longer than its window "${window.name}" can run it (duration ${duration} h − ${cutoffText} = ${availableS} s). Fix: lower the timeout to at most ${availableS} s or lengthen the window.`,
          });
        }
      }
    }
    // Cumulative: tasks of one priority run in parallel, priorities one after another.
    for (const window of resources.filter((r) => r.type === WINDOW_TYPE)) {
      const tasks = tasksOf.get(window) ?? [];
      const duration = num(window.props.duration);
      if (duration === undefined || tasks.length < 2) continue;
      const cutoff = cutoffOf(window, duration).hours;
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
