import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  ConfigError,
  checkTopicScope,
  type NotifyConfig,
  programConfigFile,
  resourceName,
  type WindowConfig,
} from "@retrain/config";
import { awsContext } from "../aws-context.js";
import { runLogGroupPrefix } from "../iam/run-log-delivery-policy.js";
import {
  associationFailureMessage,
  associationFailurePattern,
  commandFailureMessage,
  commandFailurePattern,
  runLogPattern,
  startedFilter,
  succeededFilter,
  windowFailureMessage,
  windowFailurePattern,
} from "./alert-messages.js";
import { type MissedRunPlan, planMissedRunAlarm } from "./missed-run.js";

export interface AlertedWindow {
  /** The window as validated from the team's config (maintenance window or association). */
  window: WindowConfig;
  /** Maintenance window id, or association id in association mode. */
  id: pulumi.Input<string>;
  /**
   * For a maintenance window, the window target its training tasks run on (RetrainingWindow's
   * `targetId`): a success counts only there, not on the start/stop automations' own target.
   * Default `id`.
   */
  successId?: pulumi.Input<string>;
}

export interface TeamAlertsArgs {
  team: string;
  environment: string;
  windows: AlertedWindow[];
  /** The team's Command document: its failed invocations carry the instance and the output. */
  documentName: pulumi.Input<string>;
  /** Training log group (IAM stack) and artifact bucket, named in the messages. */
  logGroupName: pulumi.Input<string>;
  artifactBucket: pulumi.Input<string>;
  notify?: NotifyConfig;
  /** Days the team's run log (every state change of its runs) is kept. */
  runLogRetentionDays?: number;
  tags?: Record<string, string>;
}

/** Where a team's alerts go, as the stack exports it and the plan lists it. */
export interface AlertsOutput {
  topicArn: string;
  destinations: string[];
  missedRunAlarms: { window: string; kind: MissedRunPlan["kind"]; periodHours?: number; reason?: string }[];
}

/** The actions a CloudWatch alarm or EventBridge needs from the topic's key, and the admin of the key. */
const KEY_ADMIN_ACTIONS = [
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:PutKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:EnableKeyRotation",
  "kms:ListResourceTags",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateKeyDescription",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
];
const KEY_USE_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"];

/**
 * A team's alerting: an encrypted SNS topic (with the team's e-mail subscriptions), EventBridge rules
 * that publish every failed, timed-out or cancelled run of its windows, tasks, instances and
 * associations to it with a message naming team, window, task, status, instance and where the
 * output is, as far as each event carries them (see alert-messages.ts),
 * and per window a CloudWatch alarm that goes off when a run that was due did not succeed
 * ({@link planMissedRunAlarm}).
 *
 * Encryption: EventBridge cannot publish to a topic encrypted with the AWS managed key alias/aws/sns
 * (its key policy cannot grant events.amazonaws.com): SNS requires a customer managed key whose policy
 * allows the publishing service kms:GenerateDataKey and kms:Decrypt, and does not support
 * aws:SourceArn/aws:SourceAccount conditions there for EventBridge
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eventbridge-troubleshooting.html#eb-no-messages-published-sns).
 * CloudWatch alarms (cloudwatch.amazonaws.com) do support them and get them.
 */
export class TeamAlerts extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;
  readonly ruleArns: pulumi.Output<string[]>;
  readonly alerts: pulumi.Output<AlertsOutput>;

  constructor(name: string, args: TeamAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:scheduling:TeamAlerts", name, {}, opts);
    const child = { parent: this };
    const { team, environment } = args;
    const ctx = awsContext(this);
    const prefix = resourceName("metricAlarm", environment, team);
    const accountRoot = pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:root`;
    // The alarms that publish (one "-missed" alarm per watched window), planned up front so the key
    // and topic policies name exactly them, not a prefix another team's names could share.
    const now = new Date();
    const plans = args.windows.map((w) => ({ w, plan: planMissedRunAlarm(w.window, now) }));
    const publishingAlarms = plans
      .filter((p) => p.plan.kind !== "none")
      .map((p) => `${prefix}-${p.w.window.name}-missed`);
    const alarmArns = pulumi
      .all([ctx.partition, ctx.region, ctx.accountId])
      .apply(([partition, region, account]) =>
        publishingAlarms.map((n) => `arn:${partition}:cloudwatch:${region}:${account}:alarm:${n}`),
      );

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the alert topic of team ${team} (${environment})`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AccountAdministersTheKey",
              Effect: "Allow",
              Principal: { AWS: accountRoot },
              Action: KEY_ADMIN_ACTIONS,
              Resource: "*",
            },
            {
              // No aws:SourceArn/aws:SourceAccount: SNS does not support them for EventBridge (see above).
              Sid: "EventBridgePublishesToTheTopic",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: KEY_USE_ACTIONS,
              Resource: "*",
            },
            ...(publishingAlarms.length === 0
              ? []
              : [
                  {
                    Sid: "TeamAlarmsPublishToTheTopic",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: KEY_USE_ACTIONS,
                    Resource: "*",
                    Condition: {
                      StringEquals: { "aws:SourceAccount": ctx.accountId },
                      ArnEquals: { "aws:SourceArn": alarmArns },
                    },
                  },
                ]),
          ],
        }),
        tags: args.tags,
      },
      child,
    );

    const topic = new aws.sns.Topic(
      `${name}-topic`,
      {
        name: resourceName("snsTopic", environment, team, "alerts"),
        displayName: `retrain ${team}`,
        kmsMasterKeyId: key.arn,
        tags: args.tags,
      },
      child,
    );

    // The team's own topic: only in this account and region (checked here, where both are known).
    const teamTopic = args.notify?.topicArn;
    const teamTopicArn = teamTopic
      ? pulumi.all([ctx.accountId, ctx.region]).apply(([accountId, region]) => {
          const problem = checkTopicScope(teamTopic, { accountId, region });
          // A ConfigError (Pulumi keeps the thrown object), so the plan reports it by file and key.
          if (problem)
            throw new ConfigError(programConfigFile(), [
              { key: "scheduling:notify.topicArn", message: problem },
            ]);
          return teamTopic;
        })
      : undefined;
    const destinations = [topic.arn, ...(teamTopicArn ? [teamTopicArn] : [])];

    for (const [i, email] of (args.notify?.emails ?? []).entries()) {
      // SNS e-mail subscriptions stay "pending confirmation" until the address clicks the link.
      new aws.sns.TopicSubscription(
        `${name}-email-${i}`,
        { topic: topic.arn, protocol: "email", endpoint: email },
        child,
      );
    }

    // Every EventBridge rule of this component (the alert rules below and the run-log rules further
    // down) is counted by teamEventRuleCount (@retrain/config, event-rules.ts) for the plan's check of
    // the account's rules per event bus: stacks/scheduling/test/event-rules.test.ts fails if a rule is
    // added or made conditional here without changing the count there.
    const region = ctx.region;
    const rules: aws.cloudwatch.EventRule[] = [];
    const alertRule = (
      id: string,
      description: string,
      pattern: unknown,
      message: pulumi.Input<{ inputPaths: Record<string, string>; inputTemplate: string }>,
    ) => {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${id}`,
        {
          name: resourceName("eventRule", environment, team, id),
          description: description.slice(0, 512),
          eventPattern: pulumi.jsonStringify(pattern),
          tags: args.tags,
        },
        child,
      );
      rules.push(rule);
      destinations.forEach((arn, t) => {
        new aws.cloudwatch.EventTarget(
          `${name}-${id}-to-${t === 0 ? "topic" : "team-topic"}`,
          { rule: rule.name, arn, inputTransformer: message },
          child,
        );
      });
      return rule;
    };

    const windows = args.windows.filter((w) => w.window.mode === "maintenance-window");
    const associations = args.windows.filter((w) => w.window.mode === "association");
    // One rule per window and per association: the message names it (and its tasks) literally,
    // since none of Systems Manager's window or association events carries a name.
    for (const w of windows) {
      const tasks = [
        ...(w.window.startStopInstances ? ["start-instances"] : []),
        ...w.window.tasks.map((t) => t.name),
        ...(w.window.startStopInstances ? ["stop-instances"] : []),
      ];
      alertRule(
        `${w.window.name}-failed`,
        `Failed, timed-out or cancelled runs of window ${team}/${w.window.name}`,
        pulumi.output(w.id).apply(windowFailurePattern),
        pulumi
          .all([region, args.logGroupName, args.artifactBucket])
          .apply(([r, logGroupName, artifactBucket]) =>
            windowFailureMessage({
              team,
              window: w.window.name,
              region: r,
              tasks,
              logGroupName,
              artifactBucket,
            }),
          ),
      );
    }
    alertRule(
      "command-failed",
      `The training document of team ${team} failed, timed out or was cancelled on an instance`,
      pulumi.output(args.documentName).apply(commandFailurePattern),
      pulumi
        .all([region, args.logGroupName, args.artifactBucket])
        .apply(([r, logGroupName, artifactBucket]) =>
          commandFailureMessage({ team, region: r, logGroupName, artifactBucket }),
        ),
    );
    for (const a of associations) {
      alertRule(
        `${a.window.name}-failed`,
        `Failed runs of association ${team}/${a.window.name}`,
        pulumi.output(a.id).apply((id) => associationFailurePattern([id])),
        pulumi.all([region, args.artifactBucket]).apply(([r, artifactBucket]) =>
          associationFailureMessage({
            team,
            window: a.window.name,
            // An association runs exactly one task (RetrainingAssociation).
            task: a.window.tasks[0]?.name ?? "",
            region: r,
            artifactBucket,
          }),
        ),
      );
    }

    // The run log: every state change of the team's runs; the missed-run metrics count in it.
    const runLog = new aws.cloudwatch.LogGroup(
      `${name}-runs`,
      {
        // EventBridge log targets conventionally live under /aws/events/.
        name: `${runLogGroupPrefix(environment)}${team}-runs`,
        retentionInDays: args.runLogRetentionDays ?? 90,
        tags: args.tags,
      },
      child,
    );
    const patterns = pulumi
      .all([pulumi.all(windows.map((w) => w.id)), pulumi.output(args.documentName)])
      .apply(([windowIds, documentName]) =>
        runLogPattern({
          windowIds,
          ...(associations.length > 0 ? { associationDocument: documentName } : {}),
        }),
      );
    for (const [kind, present] of [
      ["windows", windows.length > 0],
      ["associations", associations.length > 0],
    ] as const) {
      if (!present) continue;
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${kind}-log`,
        {
          name: resourceName("eventRule", environment, team, `${kind}-log`),
          description: `Every state change of the ${kind} of team ${team}, into its run log`,
          eventPattern: patterns.apply((p) => JSON.stringify(p[kind][0])),
          tags: args.tags,
        },
        child,
      );
      new aws.cloudwatch.EventTarget(`${name}-${kind}-log`, { rule: rule.name, arn: runLog.arn }, child);
    }
    // EventBridge writes into the run log through the environment's one log resource policy (iam
    // stack, RunLogDeliveryPolicy: Logs allows 10 per account and region, not one per team).

    // Missed runs. OK is sent too: CloudWatch acts only on a change of state, and each alarm is in
    // ALARM from its deploy until the first success, so the team's "OK" after a new window's first
    // run is the sign it ran (a first run that never happens sends nothing more).
    const alarmActions = destinations;
    const okActions = destinations;
    const namespace = `Retrain/${environment}`;
    const missed: AlertsOutput["missedRunAlarms"] = [];
    for (const { w, plan } of plans) {
      const wn = w.window.name;
      if (plan.kind === "none") {
        missed.push({ window: wn, kind: "none", reason: plan.reason });
        continue;
      }
      missed.push({ window: wn, kind: plan.kind, periodHours: plan.periodSeconds / 3600 });
      const metric = (what: string, pattern: pulumi.Input<string>) => {
        const metricName = `${team}/${wn}/${what}`;
        new aws.cloudwatch.LogMetricFilter(
          `${name}-${wn}-${what}`,
          {
            name: `${team}-${wn}-${what}`,
            logGroupName: runLog.name,
            pattern,
            metricTransformation: { namespace, name: metricName, value: "1", unit: "Count" },
          },
          child,
        );
        return metricName;
      };
      const succeeded = metric(
        "succeeded",
        pulumi.output(w.successId ?? w.id).apply((id) => succeededFilter(w.window.mode, id)),
      );
      const alarm = (id: string, a: Omit<aws.cloudwatch.MetricAlarmArgs, "name" | "namespace">) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${wn}-${id}`,
          { name: `${prefix}-${wn}-${id}`, namespace, tags: args.tags, ...a },
          child,
        );
      /** An alarm on one metric's Sum over one period, ALARM at ≥ 1 (`seen`) or < 1 (`missing`). */
      const sumAlarm = (metricName: string, periodSeconds: number, state: "seen" | "missing") => ({
        metricName,
        statistic: "Sum",
        period: periodSeconds,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: state === "seen" ? "GreaterThanOrEqualToThreshold" : "LessThanThreshold",
        // No event in the period is a missing data point: nothing happened.
        treatMissingData: state === "seen" ? "notBreaching" : "breaching",
      });
      if (plan.kind === "single") {
        alarm("missed", {
          ...sumAlarm(succeeded, plan.periodSeconds, "missing"),
          alarmDescription: `No successful run of ${team}/${wn} in ${plan.periodSeconds / 3600} h (longest gap between runs + the run + 1 h)`,
          alarmActions,
          okActions,
        });
        continue;
      }
      const started = metric(
        "started",
        pulumi.output(w.id).apply((id) => startedFilter(id)),
      );
      const part = `part of ${prefix}-${wn}-missed`;
      const running = alarm("started-recently", {
        ...sumAlarm(started, plan.startedPeriodSeconds, "seen"),
        alarmDescription: `Window ${team}/${wn} started in the last ${plan.startedPeriodSeconds / 3600} h (${part})`,
      });
      let alarmRule: pulumi.Output<string>;
      let description: string;
      if (plan.kind === "composite") {
        const none = alarm("no-success-7d", {
          ...sumAlarm(succeeded, plan.periodSeconds, "missing"),
          alarmDescription: `No successful run of ${team}/${wn} in 7 days (${part})`,
        });
        alarmRule = pulumi.interpolate`ALARM("${none.name}") AND NOT ALARM("${running.name}")`;
        description = `Window ${team}/${wn} was due and no run succeeded (weekly: 7-day look-back, not while the window is running)`;
      } else {
        const hours = plan.periodSeconds / 3600;
        const startedEarlier = alarm("started-earlier", {
          ...sumAlarm(started, plan.periodSeconds, "seen"),
          alarmDescription: `Window ${team}/${wn} started in the last ${hours} h (${part})`,
        });
        const succeededLately = alarm("succeeded-recently", {
          ...sumAlarm(succeeded, plan.periodSeconds, "seen"),
          alarmDescription: `A run of ${team}/${wn} succeeded in the last ${hours} h (${part})`,
        });
        alarmRule = pulumi.interpolate`ALARM("${startedEarlier.name}") AND NOT ALARM("${running.name}") AND NOT ALARM("${succeededLately.name}")`;
        description = `Window ${team}/${wn} started and no run succeeded within ${plan.startedPeriodSeconds / 3600} h (runs more than 7 days apart: watched from each start; a start that never happens is not seen)`;
      }
      new aws.cloudwatch.CompositeAlarm(
        `${name}-${wn}-missed`,
        {
          alarmName: `${prefix}-${wn}-missed`,
          alarmDescription: description,
          alarmRule,
          alarmActions,
          okActions,
          tags: args.tags,
        },
        child,
      );
    }

    // Only this stack's rules and alarms may publish (aws:SourceArn).
    new aws.sns.TopicPolicy(
      `${name}-topic`,
      {
        arn: topic.arn,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "TeamAlertRulesPublish",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sns:Publish",
              Resource: topic.arn,
              Condition: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
            },
            ...(publishingAlarms.length === 0
              ? []
              : [
                  {
                    Sid: "TeamMissedRunAlarmsPublish",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topic.arn,
                    Condition: {
                      StringEquals: { "aws:SourceAccount": ctx.accountId },
                      ArnEquals: { "aws:SourceArn": alarmArns },
                    },
                  },
                ]),
          ],
        }),
      },
      child,
    );

    this.topicArn = topic.arn;
    this.ruleArns = pulumi.all(rules.map((r) => r.arn));
    this.alerts = pulumi.all([topic.arn, teamTopicArn ?? pulumi.output(undefined)]).apply(([t, own]) => ({
      topicArn: t,
      destinations: [
        `sns:${t}`,
        ...(args.notify?.emails ?? []).map((e) => `email:${e} (pending until confirmed)`),
        ...(own ? [`sns:${own}`] : []),
      ],
      missedRunAlarms: missed,
    }));
    this.registerOutputs({ topicArn: this.topicArn, ruleArns: this.ruleArns, alerts: this.alerts });
  }
}
