import { z } from "zod";
import { defineStackPolicy, type StackResource, type Violation } from "../policy-kit.js";
import { at, isRecord, list, reveal, str } from "../values.js";
import { ASSOCIATION_TYPE, isDisabled, WINDOW_TYPE } from "../windows/model.js";

export const EVENT_RULE_TYPE = "aws:cloudwatch/eventRule:EventRule";
export const EVENT_TARGET_TYPE = "aws:cloudwatch/eventTarget:EventTarget";
export const TOPIC_TYPE = "aws:sns/topic:Topic";
const SNS_ARN = /^arn:aws(-cn|-us-gov)?:sns:[^:]+:\d{12}:[^:]+$/;

/** The ids an event pattern's `detail.window-id` / `detail.association-id` lists name, if known. */
function patternIds(rule: StackResource): Set<string> {
  const ids = new Set<string>();
  const raw = reveal(rule.props.eventPattern);
  let pattern: unknown = raw;
  if (typeof raw === "string") {
    try {
      pattern = JSON.parse(raw);
    } catch {
      return ids;
    }
  }
  if (!isRecord(pattern)) return ids;
  for (const field of ["window-id", "association-id"])
    for (const v of list(at(pattern, "detail", field))) if (typeof v === "string") ids.add(v);
  return ids;
}

/** Does the rule watch this window or association: built from its id, or naming it? */
function watches(rule: StackResource, subject: StackResource): boolean {
  if ((rule.propertyDependencies.eventPattern ?? []).includes(subject.urn)) return true;
  const id = str(subject.props.id) ?? str(subject.props.associationId);
  return id !== undefined && patternIds(rule).has(id);
}

/** Does some target of the rule publish to an SNS topic? */
function notifies(
  rule: StackResource,
  targets: readonly StackResource[],
  byUrn: ReadonlyMap<string, StackResource>,
) {
  const name = str(rule.props.name);
  return targets.some((t) => {
    const ofRule =
      (t.propertyDependencies.rule ?? []).includes(rule.urn) ||
      (name !== undefined && str(t.props.rule) === name);
    if (!ofRule) return false;
    const arn = str(t.props.arn);
    if (arn !== undefined && SNS_ARN.test(arn)) return true;
    return (t.propertyDependencies.arn ?? []).some((u) => byUrn.get(u)?.type === TOPIC_TYPE);
  });
}

export const windowNotifications = defineStackPolicy({
  name: "window-notifications",
  description:
    "Every enabled maintenance window and association should have a notification path: an EventBridge rule on its state changes with an SNS topic target, so a failed run reaches its team.",
  remediation:
    "Deploy the window through the scheduling stack (it creates the team's alert topic and rules) and set scheduling:notify with the team's e-mail addresses or its own SNS topic (docs/operations.md).",
  enforcementLevel: "advisory",
  config: z.strictObject({}),
  check(resources): Violation[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const rules = resources.filter((r) => r.type === EVENT_RULE_TYPE);
    const targets = resources.filter((r) => r.type === EVENT_TARGET_TYPE);
    const out: Violation[] = [];
    for (const subject of resources) {
      if (subject.type !== WINDOW_TYPE && subject.type !== ASSOCIATION_TYPE) continue;
      if (subject.type === WINDOW_TYPE && isDisabled(subject.props)) continue;
      const watching = rules.filter((r) => watches(r, subject));
      if (watching.some((r) => notifies(r, targets, byUrn))) continue;
      const what = subject.type === WINDOW_TYPE ? "MaintenanceWindow" : "Association";
      out.push({
        urn: subject.urn,
        message:
          watching.length === 0
            ? `${what} "${subject.name}" has no notification path: no EventBridge rule watches its runs, so a failed, timed-out or missed run tells nobody. Fix: set scheduling:notify (docs/operations.md).`
            : `${what} "${subject.name}" has no notification path: rule(s) ${watching.map((r) => `"${r.name}"`).join(", ")} watch its runs but no target publishes to an SNS topic. Fix: add the team's alert topic as a target.`,
      });
    }
    return out;
  },
});
