import { z } from "zod";
import { defineStackPolicy, type StackResource, type Violation } from "../policy-kit.js";
import { at, isRecord, list, reveal, str } from "../values.js";
import { ASSOCIATION_TYPE, isDisabled, WINDOW_TYPE } from "../windows/model.js";

export const EVENT_RULE_TYPE = "aws:cloudwatch/eventRule:EventRule";
export const EVENT_TARGET_TYPE = "aws:cloudwatch/eventTarget:EventTarget";
export const TOPIC_TYPE = "aws:sns/topic:Topic";
export const SUBSCRIPTION_TYPE = "aws:sns/topicSubscription:TopicSubscription";
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

/** A topic of this stack by the target's dependency, or by its ARN (after deployment, under mocks). */
function stackTopicOf(
  target: StackResource,
  topics: readonly StackResource[],
  byUrn: ReadonlyMap<string, StackResource>,
): StackResource | undefined {
  const viaDependency = (target.propertyDependencies.arn ?? [])
    .map((u) => byUrn.get(u))
    .find((r) => r?.type === TOPIC_TYPE);
  if (viaDependency) return viaDependency;
  const arn = str(target.props.arn);
  return arn === undefined
    ? undefined
    : topics.find((t) => str(t.props.arn) === arn || str(t.props.id) === arn);
}

/**
 * Does some target of the rule reach a person: a topic of this stack that has a subscription, or an
 * SNS topic outside the stack (the team's own, whose subscribers the stack cannot see)?
 */
function notifies(
  rule: StackResource,
  targets: readonly StackResource[],
  topics: readonly StackResource[],
  subscriptions: readonly StackResource[],
  byUrn: ReadonlyMap<string, StackResource>,
) {
  const name = str(rule.props.name);
  return targets.some((t) => {
    const ofRule =
      (t.propertyDependencies.rule ?? []).includes(rule.urn) ||
      (name !== undefined && str(t.props.rule) === name);
    if (!ofRule) return false;
    const topic = stackTopicOf(t, topics, byUrn);
    if (!topic) {
      const arn = str(t.props.arn);
      return arn !== undefined && SNS_ARN.test(arn);
    }
    const topicArn = str(topic.props.arn) ?? str(topic.props.id);
    return subscriptions.some(
      (s) =>
        (s.propertyDependencies.topic ?? []).includes(topic.urn) ||
        (topicArn !== undefined && str(s.props.topic) === topicArn),
    );
  });
}

export const windowNotifications = defineStackPolicy({
  name: "window-notifications",
  description:
    "Every enabled maintenance window and association should have a notification path: an EventBridge rule on its state changes publishing to an SNS topic with a subscriber (or to a topic outside the stack), so a failed run reaches its team.",
  remediation:
    "Deploy the window through the scheduling stack (it creates the team's alert topic and rules) and set scheduling:notify with the team's e-mail addresses or its own SNS topic (docs/operations.md).",
  enforcementLevel: "advisory",
  config: z.strictObject({}),
  check(resources): Violation[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const rules = resources.filter((r) => r.type === EVENT_RULE_TYPE);
    const targets = resources.filter((r) => r.type === EVENT_TARGET_TYPE);
    const topics = resources.filter((r) => r.type === TOPIC_TYPE);
    const subscriptions = resources.filter((r) => r.type === SUBSCRIPTION_TYPE);
    const out: Violation[] = [];
    for (const subject of resources) {
      if (subject.type !== WINDOW_TYPE && subject.type !== ASSOCIATION_TYPE) continue;
      if (subject.type === WINDOW_TYPE && isDisabled(subject.props)) continue;
      const watching = rules.filter((r) => watches(r, subject));
      if (watching.some((r) => notifies(r, targets, topics, subscriptions, byUrn))) continue;
      const what = subject.type === WINDOW_TYPE ? "MaintenanceWindow" : "Association";
      out.push({
        urn: subject.urn,
        message:
          watching.length === 0
            ? `${what} "${subject.name}" has no notification path: no EventBridge rule watches its runs, so a failed, timed-out or missed run tells nobody. Fix: set scheduling:notify (docs/operations.md).`
            : `${what} "${subject.name}" has no notification path: rule(s) ${watching.map((r) => `"${r.name}"`).join(", ")} watch its runs but publish to no SNS topic anyone is subscribed to. Fix: set scheduling:notify (e-mails or the team's own topic).`,
      });
    }
    return out;
  },
});
