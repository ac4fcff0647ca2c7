import { UNKNOWN } from "@retrain/config/unknown";
import type { ExampleResource, PolicyExample } from "../examples.js";

const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:retrain-prod-vision-alerts";
const window = (name: string, extra: Record<string, unknown> = {}): ExampleResource => ({
  type: "aws:ssm/maintenanceWindow:MaintenanceWindow",
  name,
  props: { schedule: "cron(0 4 ? * SUN *)", duration: 3, cutoff: 1, id: `mw-${name}`, ...extra },
});
const association = (name: string): ExampleResource => ({
  type: "aws:ssm/association:Association",
  name,
  props: { associationId: `assoc-${name}`, scheduleExpression: "cron(30 2 ? * * *)" },
});
const rule = (
  name: string,
  ids: string[] | typeof UNKNOWN,
  extra: Partial<ExampleResource> = {},
): ExampleResource => ({
  type: "aws:cloudwatch/eventRule:EventRule",
  name,
  props: {
    name,
    eventPattern:
      ids === UNKNOWN
        ? UNKNOWN
        : JSON.stringify({
            source: ["aws.ssm"],
            detail: { [ids[0]?.startsWith("mw-") ? "window-id" : "association-id"]: ids },
          }),
  },
  ...extra,
});
const target = (name: string, ruleName: string, arn: string): ExampleResource => ({
  type: "aws:cloudwatch/eventTarget:EventTarget",
  name,
  props: { rule: ruleName, arn },
});
const topic: ExampleResource = {
  type: "aws:sns/topic:Topic",
  name: "alerts-topic",
  props: { arn: TOPIC_ARN },
};
const subscription: ExampleResource = {
  type: "aws:sns/topicSubscription:TopicSubscription",
  name: "alerts-email-0",
  props: { topic: TOPIC_ARN, protocol: "email", endpoint: "ml@vision.example.com" },
};

export const examples: PolicyExample[] = [
  {
    title:
      "a window whose failures a rule publishes to the stack's topic with a subscriber (id in the pattern)",
    resources: [
      window("w"),
      topic,
      subscription,
      rule("w-failed", ["mw-w"]),
      target("t", "w-failed", TOPIC_ARN),
    ],
    violations: [],
  },
  {
    title: "in preview ids and ARNs are unknown: rule, topic and subscription are found through dependencies",
    resources: [
      window("w", { id: UNKNOWN }),
      { ...topic, props: { arn: UNKNOWN } },
      {
        ...subscription,
        props: { topic: UNKNOWN, protocol: "email" },
        propertyDependencies: { topic: ["alerts-topic"] },
      },
      rule("w-failed", UNKNOWN, { propertyDependencies: { eventPattern: ["w"] } }),
      { ...target("t", "w-failed", UNKNOWN), propertyDependencies: { arn: ["alerts-topic"] } },
    ],
    violations: [],
  },
  {
    title: "an association published to the team's own topic outside the stack",
    resources: [
      association("a"),
      rule("a-failed", ["assoc-a"]),
      target("t", "a-failed", "arn:aws:sns:eu-west-1:123456789012:recsys-oncall"),
    ],
    violations: [],
  },
  {
    title: "a window with no rule at all",
    resources: [window("w")],
    violations: [/MaintenanceWindow "w" has no notification path: no EventBridge rule watches its runs/],
  },
  {
    title: "a rule that only writes to a log group is no notification",
    resources: [
      window("w"),
      rule("w-log", ["mw-w"]),
      target("t", "w-log", "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/events/runs"),
    ],
    violations: [
      /MaintenanceWindow "w" has no notification path: rule\(s\) "w-log" watch its runs but publish to no SNS topic anyone is subscribed to/,
    ],
  },
  {
    title: "the stack's topic with nobody subscribed reaches nobody",
    resources: [window("w"), topic, rule("w-failed", ["mw-w"]), target("t", "w-failed", TOPIC_ARN)],
    violations: [
      /MaintenanceWindow "w" has no notification path: rule\(s\) "w-failed" watch its runs but publish to no SNS topic anyone/,
    ],
  },
  {
    title: "a subscription to another topic of the stack does not count",
    resources: [
      window("w"),
      topic,
      { type: "aws:sns/topic:Topic", name: "other-topic", props: { arn: `${TOPIC_ARN}-other` } },
      { ...subscription, props: { topic: `${TOPIC_ARN}-other`, protocol: "email" } },
      rule("w-failed", ["mw-w"]),
      target("t", "w-failed", TOPIC_ARN),
    ],
    violations: [/MaintenanceWindow "w" has no notification path/],
  },
  {
    title: "a rule on another window does not cover this one; an association without a rule is found too",
    resources: [
      window("w"),
      window("other"),
      topic,
      subscription,
      rule("o-failed", ["mw-other"]),
      target("t", "o-failed", TOPIC_ARN),
      association("a"),
    ],
    violations: [
      /MaintenanceWindow "w" has no notification path/,
      /Association "a" has no notification path/,
    ],
  },
  {
    title: "a disabled window needs none",
    resources: [window("w", { enabled: false })],
    violations: [],
  },
  {
    title: "a target of another rule does not count",
    resources: [
      window("w"),
      topic,
      subscription,
      rule("w-failed", ["mw-w"]),
      rule("x", ["mw-x"]),
      target("t", "x", TOPIC_ARN),
    ],
    violations: [/MaintenanceWindow "w" has no notification path: rule\(s\) "w-failed"/],
  },
];
