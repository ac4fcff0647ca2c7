/**
 * start-stop-own-pool: a window's AUTOMATION tasks run only AWS-StartEC2Instance /
 * AWS-StopEC2Instance, on the window's own pool target, with that pool's start/stop role
 * (`retrain-<env>-startstop-<pool>`, the iam stack's `startStopRoleArns[pool]`, allowed
 * ec2:Start/StopInstances only on instances tagged with that fleet and pool). Any other runbook run
 * with a role SSM assumes could act on anything that role reaches.
 * Values unknown during preview are not judged; what is known and wrong is.
 */
import { z } from "zod";
import { defineStackPolicy, type StackResource, type Violation } from "../policy-kit.js";
import { knownStrings, reachOf } from "../tenancy/stack.js";
import { at, isUnknown, knownAt, list, reveal, str } from "../values.js";
import { TARGET_TYPE, TASK_TYPE, windowOf } from "../windows/model.js";

export const startStopOwnPoolConfig = z.strictObject({});

/** The AWS-owned runbooks a window may automate (by name: an ARN could name a look-alike share). */
export const START_STOP_RUNBOOKS: ReadonlySet<string> = new Set([
  "AWS-StartEC2Instance",
  "AWS-StopEC2Instance",
]);

/**
 * The instance of the window target the invocation runs for: the maintenance window pseudo parameter.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/maintenance-window-tasks-pseudo-parameters.html
 */
export const RESOURCE_ID = "{{RESOURCE_ID}}";

/** `retrain-<env>-startstop-<pool>` (the iam stack's contract, docs/stacks.md). */
export const startStopRoleName = (environment: string, pool: string) =>
  `retrain-${environment}-startstop-${pool}`;

const label = (r: StackResource) => `${r.type.split(":").pop()} "${r.name}"`;

/** Account and role name of an IAM role ARN (path allowed). */
function roleOf(arn: string): { account: string; name: string } | undefined {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[^:]*\/)?([^/:]+)$/.exec(arn);
  return m?.[1] && m[2] ? { account: m[1], name: m[2] } : undefined;
}

/** The automation parameter's values: undefined when absent, null when unknown. */
function parameter(task: StackResource, name: string): string[] | null | undefined {
  // A stack policy: an unknown container fails closed (knownAt); an unknown list or value is judged at up.
  const raw = reveal(knownAt(task.props, "taskInvocationParameters", "automationParameters", "parameters"));
  if (isUnknown(raw)) return null;
  for (const p of list(raw)) {
    const n = reveal(at(p, "name"));
    if (isUnknown(n)) return null;
    if (n !== name) continue;
    const values = reveal(at(p, "values"));
    if (isUnknown(values) || list(values).some((v) => isUnknown(reveal(v)))) return null;
    return knownStrings(values);
  }
  return undefined;
}

/** The window targets a task's WindowTargetIds name, or a reason they are not the window's own. */
function targetsOfTask(
  task: StackResource,
  byUrn: ReadonlyMap<string, StackResource>,
  all: readonly StackResource[],
): { targets: StackResource[]; problems: string[] } {
  const problems: string[] = [];
  const rawTargets = reveal(task.props.targets);
  if (isUnknown(rawTargets)) return { targets: [], problems };
  const entries = list(rawTargets);
  if (entries.length === 0)
    problems.push(
      "has no targets, so the runbook acts on whatever instance its parameters name instead of the window's pool",
    );
  const ids: string[] = [];
  for (const entry of entries) {
    const key = reveal(knownAt(entry, "key"));
    if (isUnknown(key)) continue;
    if (key !== "WindowTargetIds") {
      problems.push(
        `targets key ${JSON.stringify(key)} instead of the window's own target (WindowTargetIds)`,
      );
      continue;
    }
    ids.push(...knownStrings(at(entry, "values")));
  }
  const deps = (task.propertyDependencies.targets ?? []).map((u) => byUrn.get(u));
  for (const [i, d] of deps.entries()) {
    if (d?.type !== TARGET_TYPE)
      problems.push(
        `takes its WindowTargetIds from ${d ? label(d) : `"${task.propertyDependencies.targets?.[i]}"`}, which is no window target of this stack`,
      );
  }
  const targets = new Set(deps.filter((d): d is StackResource => d?.type === TARGET_TYPE));
  for (const id of ids) {
    const byId = all.find((r) => r.type === TARGET_TYPE && str(r.props.id) === id);
    if (byId) targets.add(byId);
    else if (deps.length === 0)
      problems.push(`targets window target "${id}", which is no target of this stack`);
  }
  return { targets: [...targets], problems };
}

export const startStopOwnPool = defineStackPolicy({
  name: "start-stop-own-pool",
  description:
    "A maintenance window's AUTOMATION tasks run only AWS-StartEC2Instance/AWS-StopEC2Instance, on the window's own pool target ({{RESOURCE_ID}}), with that pool's start/stop role (retrain-<env>-startstop-<pool>) as AutomationAssumeRole.",
  remediation:
    "Use the scheduling component's startStopInstances option: it registers the start/stop tasks on the window's own target with the pool's start/stop role from the iam stack (startStopRoleArns).",
  enforcementLevel: "mandatory",
  config: startStopOwnPoolConfig,
  check(resources): Violation[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const out: Violation[] = [];
    for (const task of resources) {
      if (task.type !== TASK_TYPE || str(task.props.taskType) !== "AUTOMATION") continue;
      const report = (what: string, fix: string) =>
        out.push({ urn: task.urn, message: `${label(task)} ${what}. Fix: ${fix}.` });
      const runbook = str(task.props.taskArn);
      if (runbook !== undefined && !START_STOP_RUNBOOKS.has(runbook)) {
        report(
          `runs the automation runbook "${runbook}"; a window may automate only ${[...START_STOP_RUNBOOKS].join(" and ")}`,
          "run the team's work as a RUN_COMMAND task of the project's training document",
        );
        continue;
      }
      const window = windowOf(task, byUrn, resources);
      if (!window) {
        report(
          "belongs to no maintenance window of this stack",
          "register the task with the window whose pool it starts or stops (windowId)",
        );
        continue;
      }
      const { targets, problems } = targetsOfTask(task, byUrn, resources);
      for (const p of problems)
        report(p, `target the window's own pool target: WindowTargetIds = [<target of ${label(window)}>.id]`);
      for (const t of targets) {
        const owner = windowOf(t, byUrn, resources);
        if (owner && owner.urn !== window.urn)
          report(
            `targets ${label(t)} of ${label(owner)}, not a target of its own window ${label(window)}`,
            `target the pool target of ${label(window)}`,
          );
      }
      const instance = parameter(task, "InstanceId");
      if (instance !== null && (instance?.length !== 1 || instance[0] !== RESOURCE_ID))
        report(
          instance === undefined
            ? `passes no InstanceId parameter`
            : `passes InstanceId ${JSON.stringify(instance)} instead of ${RESOURCE_ID}, so it can reach instances outside the window's target`,
          `pass InstanceId = ["${RESOURCE_ID}"] (each instance of the window's target)`,
        );
      // The role the runbook runs with must be the pool's own.
      const role = parameter(task, "AutomationAssumeRole");
      if (role === null) continue;
      const own = targets.filter((t) => (windowOf(t, byUrn, resources)?.urn ?? window.urn) === window.urn);
      const reaches = own.map((t) => reachOf(t.props));
      const pools = [...new Set(reaches.flatMap((r) => r.pools))];
      const envs = [...new Set(reaches.map((r) => r.environment))];
      const expected =
        pools.length === 1 && envs.length === 1 && envs[0] !== undefined
          ? startStopRoleName(envs[0], pools[0] ?? "")
          : undefined;
      if (role === undefined || role.length === 0) {
        report(
          "passes no AutomationAssumeRole, so the runbook runs with the window's service role",
          `pass the pool's start/stop role${expected ? ` (${expected})` : ""} from the iam stack's startStopRoleArns`,
        );
        continue;
      }
      if (pools.length > 1) {
        report(
          `targets several pools (${pools.join(", ")}) while a start/stop role serves one pool`,
          "give each pool its own window target and start/stop tasks",
        );
        continue;
      }
      if (!expected) continue; // the target's pool or fleet is unknown during preview
      const arn = role[0] ?? "";
      const parsed = roleOf(arn);
      if (role.length !== 1 || !parsed || parsed.name !== expected) {
        report(
          `runs with AutomationAssumeRole ${JSON.stringify(role.length === 1 ? arn : role)}, not the start/stop role of its pool (${expected})`,
          `pass the iam stack's startStopRoleArns["${pools[0]}"] (role ${expected})`,
        );
        continue;
      }
      const service = roleOf(str(task.props.serviceRoleArn) ?? "");
      if (service && service.account !== parsed.account)
        report(
          `runs with a start/stop role of account ${parsed.account} while its window's service role is in ${service.account}`,
          "pass the start/stop role of the window's own account (the iam stack's startStopRoleArns)",
        );
    }
    return out;
  },
});
