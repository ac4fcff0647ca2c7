/** SSM maintenance windows, tasks, targets and associations as the policies read them. */
import { DOCUMENT_PARAMETERS } from "@retrain/components/training-document";
import type { WindowSchedule } from "@retrain/schedule";
import type { StackResource } from "../policy-kit.js";
import { at, bool, isRecord, isUnknown, list, num, type PropertyMap, reveal, str } from "../values.js";

export const WINDOW_TYPE = "aws:ssm/maintenanceWindow:MaintenanceWindow";
export const TASK_TYPE = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";
export const TARGET_TYPE = "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget";
export const ASSOCIATION_TYPE = "aws:ssm/association:Association";

/** The window's schedule fields when all the ones that matter are known. */
export function windowScheduleOf(props: PropertyMap): WindowSchedule | undefined {
  const schedule = str(props.schedule);
  const duration = num(props.duration);
  if (schedule === undefined || duration === undefined) return undefined;
  const w: WindowSchedule = { schedule, durationHours: duration };
  const tz = str(props.scheduleTimezone);
  if (tz) w.timezone = tz;
  const cutoff = num(props.cutoff);
  if (cutoff !== undefined) w.cutoffHours = cutoff;
  const offset = num(props.scheduleOffset);
  if (offset !== undefined && offset > 0) w.offsetDays = offset;
  const start = str(props.startDate);
  if (start) w.startDate = start;
  const end = str(props.endDate);
  if (end) w.endDate = end;
  return w;
}

export function isDisabled(props: PropertyMap): boolean {
  return bool(props.enabled) === false;
}

export interface TaskTimeout {
  seconds: number;
  field: string;
}

/**
 * The training document's own `executionTimeout` default: what a RUN_COMMAND task that passes none
 * runs for (training-document-only lets RUN_COMMAND tasks run nothing else).
 */
const DOCUMENT_DEFAULT_TIMEOUT_S = Number(DOCUMENT_PARAMETERS.executionTimeout.default);

const isAutomation = (props: PropertyMap) => str(props.taskType) === "AUTOMATION";

/**
 * How long a task may run, from what is known: Run Command's `timeoutSeconds` (SSM stops delivering
 * after it) and the document's `executionTimeout` parameter (the training document, AWS-RunShellScript
 * and documents modelled on it); without that parameter, the document's default. Every known one is
 * returned; each must fit the window.
 */
export function taskTimeouts(props: PropertyMap): TaskTimeout[] {
  const out: TaskTimeout[] = [];
  const rc = at(props, "taskInvocationParameters", "runCommandParameters");
  const t = num(at(rc, "timeoutSeconds"));
  if (t !== undefined)
    out.push({ seconds: t, field: "taskInvocationParameters.runCommandParameters.timeoutSeconds" });
  let execution = false;
  for (const [i, p] of list(at(rc, "parameters")).entries()) {
    if (str(at(p, "name")) !== "executionTimeout") continue;
    execution = true;
    const v = num(list(at(p, "values"))[0]);
    if (v !== undefined)
      out.push({
        seconds: v,
        field: `taskInvocationParameters.runCommandParameters.parameters[${i}] (executionTimeout)`,
      });
  }
  if (!execution && !isAutomation(props))
    out.push({
      seconds: DOCUMENT_DEFAULT_TIMEOUT_S,
      field: `taskInvocationParameters.runCommandParameters.parameters (no executionTimeout: the document's default, ${DOCUMENT_DEFAULT_TIMEOUT_S} s)`,
    });
  return out;
}

/**
 * The timeout fields of a Run Command task that are unknown during preview (or sit in an unknown
 * container): the pack cannot bound how long the task holds the pool, and Pulumi runs stack
 * policies at `up` only after the update, so they fail closed. Our programs give them as literals.
 */
export function unknownTimeoutFields(props: PropertyMap): string[] {
  if (isAutomation(props)) return [];
  const base = "taskInvocationParameters.runCommandParameters";
  const rc = at(props, "taskInvocationParameters", "runCommandParameters");
  if (isUnknown(rc)) return [base];
  const out: string[] = [];
  if (isUnknown(at(rc, "timeoutSeconds"))) out.push(`${base}.timeoutSeconds`);
  const params = at(rc, "parameters");
  if (isUnknown(params)) return [...out, `${base}.parameters`];
  for (const [i, p] of list(params).entries()) {
    const name = at(p, "name");
    if (isUnknown(name) || isUnknown(p)) {
      out.push(`${base}.parameters[${i}].name`);
      continue;
    }
    if (str(name) !== "executionTimeout") continue;
    const values = at(p, "values");
    const first = isUnknown(values) ? values : list(values)[0];
    if (isUnknown(reveal(first))) out.push(`${base}.parameters[${i}] (executionTimeout)`);
  }
  return out;
}

/** `{ key, values }` pairs of a target or association, known ones only. */
export function targetsOf(props: PropertyMap): { key: string; values: string[] }[] {
  return list(props.targets).flatMap((t) => {
    const key = str(at(t, "key"));
    if (!key) return [];
    const values = list(at(t, "values"))
      .map(reveal)
      .filter((v): v is string => typeof v === "string" && !isUnknown(v));
    return values.length > 0 ? [{ key, values }] : [];
  });
}

/**
 * The maintenance window a task or target belongs to. Tried in order: the `windowId` property's
 * dependency (what the CLI sends, known even in preview when the id itself is unknown); a window
 * whose `id` output equals `windowId` (after deployment, and under mocks); the only window under
 * the same parent component; the only window among the resource's dependencies.
 */
export function windowOf(
  resource: StackResource,
  byUrn: ReadonlyMap<string, StackResource>,
  all: readonly StackResource[],
): StackResource | undefined {
  const isWindow = (r: StackResource | undefined): r is StackResource => r?.type === WINDOW_TYPE;
  const viaProp = (resource.propertyDependencies.windowId ?? []).map((u) => byUrn.get(u)).filter(isWindow);
  if (viaProp.length === 1) return viaProp[0];
  const windowId = str(resource.props.windowId);
  if (windowId) {
    const byId = all.filter((r) => isWindow(r) && str(r.props.id) === windowId);
    if (byId.length === 1) return byId[0];
  }
  if (resource.parent) {
    const siblings = all.filter((r) => isWindow(r) && r.parent === resource.parent);
    if (siblings.length === 1) return siblings[0];
  }
  const deps = resource.dependencies.map((u) => byUrn.get(u)).filter(isWindow);
  if (deps.length === 1) return deps[0];
  return undefined;
}

export function hours(h: number): string {
  return `${h} h`;
}

export { isRecord };
