import { z } from "zod";
import { defineStackPolicy, type Violation } from "../policy-kit.js";
import { num } from "../values.js";
import { TASK_TYPE, taskTimeouts, windowOf } from "../windows/model.js";

export const maintenanceTaskTimeout = defineStackPolicy({
  name: "maintenance-task-timeout",
  description:
    "A maintenance window task must not be allowed to run longer than its window can run it (duration − cutoff).",
  remediation:
    "Lower the task's timeout to at most (duration − cutoff) of its window, or lengthen the window within the maximum duration, or lower the cutoff.",
  enforcementLevel: "mandatory",
  config: z.strictObject({}),
  check(resources): Violation[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const out: Violation[] = [];
    for (const task of resources.filter((r) => r.type === TASK_TYPE)) {
      const window = windowOf(task, byUrn, resources);
      if (!window) continue;
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
    return out;
  },
});
