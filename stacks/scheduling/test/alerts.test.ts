/**
 * What a team receives: its encrypted topic, the rules that publish failures to it, the run log and
 * the missed-run alarms, from the example configs run under mocks.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadStackConfig, schedulingOutputsSchema } from "@retrain/config";
import { runStackProgram, type StackRunResult } from "@retrain/offline";
import { resourcesOfType } from "@retrain/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { schedulingProgram } from "../src/program.js";
import { runExampleUpstream } from "./support/example-upstream.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const stacksDir = path.join(here, "..", "..");
const load = (kind: string, folder: string, stack: string) =>
  loadStackConfig(path.join(stacksDir, kind, folder, stack, `Pulumi.${stack}.yaml`));

const upstream: Record<string, Record<string, unknown>> = {};
const results: Record<string, StackRunResult> = {};

function runTeam(team: string, patch: Record<string, unknown> = {}) {
  const loaded = load("scheduling", "teams", team);
  return runStackProgram({
    project: loaded.project,
    stack: loaded.stack,
    program: schedulingProgram,
    config: { ...loaded.raw, ...patch },
    upstream,
  });
}

beforeAll(async () => {
  Object.assign(upstream, (await runExampleUpstream()).upstream);
  for (const team of ["vision", "nlp", "recsys"]) results[team] = await runTeam(team);
});

/** A window's durationHours as the team's example config sets it. */
const hours = (team: string, window: string) => {
  const config = load("scheduling", "teams", team).config as {
    windows: { name: string; durationHours: number }[];
  };
  return config.windows.find((w) => w.name === window)?.durationHours ?? Number.NaN;
};

const one = (r: StackRunResult, type: string) => {
  const all = resourcesOfType(r, type);
  expect(all).toHaveLength(1);
  return all[0] as (typeof all)[number];
};
const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v) as Record<string, unknown>;
type Statement = {
  Sid: string;
  Principal: { Service?: string | string[]; AWS?: string };
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
};
const statements = (doc: unknown) => json(doc).Statement as Statement[];

describe("team alerts", () => {
  it.each(["vision", "nlp", "recsys"])(
    "team %s gets an encrypted topic only its rules and alarms publish to",
    (team) => {
      const r = results[team] as StackRunResult;
      expect(r.errors).toEqual([]);
      const key = one(r, "aws:kms/key:Key");
      const topic = one(r, "aws:sns/topic:Topic");
      // A customer managed key: EventBridge cannot use alias/aws/sns.
      expect(topic.inputs.kmsMasterKeyId).toMatch(/^arn:aws:kms:eu-west-1:\d{12}:key\//);
      expect(topic.inputs.name).toMatch(new RegExp(`^retrain-(prod|dev)-${team}-alerts$`));
      const keyStatements = statements(key.inputs.policy);
      const events = keyStatements.find((s) => s.Principal.Service === "events.amazonaws.com");
      expect(events?.Action).toEqual(["kms:GenerateDataKey", "kms:Decrypt"]);
      expect(events?.Condition).toBeUndefined();
      const root = keyStatements.find((s) => s.Principal.AWS !== undefined);
      expect(root?.Principal.AWS).toMatch(/^arn:aws:iam::\d{12}:root$/);
      expect(((root?.Action ?? []) as string[]).some((a) => a.includes("*"))).toBe(false);

      const policy = statements(one(r, "aws:sns/topicPolicy:TopicPolicy").inputs.policy);
      const rules = resourcesOfType(r, "aws:cloudwatch/eventRule:EventRule");
      const alertRules = rules.filter((x) => !String(x.inputs.name).endsWith("-log"));
      const byEvents = policy.find((s) => s.Principal.Service === "events.amazonaws.com");
      expect([...((byEvents?.Condition?.ArnEquals?.["aws:SourceArn"] ?? []) as string[])].sort()).toEqual(
        alertRules.map((x) => `arn:aws:events:eu-west-1:123456789012:rule/${x.inputs.name}`).sort(),
      );
      const byAlarms = policy.find((s) => s.Principal.Service === "cloudwatch.amazonaws.com");
      // Exactly the alarms that publish: one "-missed" alarm per watched window.
      const missed = [
        ...resourcesOfType(r, "aws:cloudwatch/metricAlarm:MetricAlarm"),
        ...resourcesOfType(r, "aws:cloudwatch/compositeAlarm:CompositeAlarm"),
      ]
        .map((a) => String(a.inputs.name ?? a.inputs.alarmName))
        .filter((n) => n.endsWith("-missed"));
      expect(missed.length).toBeGreaterThan(0);
      expect(byAlarms?.Condition?.ArnEquals?.["aws:SourceArn"]).toEqual(
        missed.map((n) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${n}`),
      );
      const keyByAlarms = keyStatements.find((s) => s.Principal.Service === "cloudwatch.amazonaws.com");
      expect(keyByAlarms?.Condition?.ArnEquals?.["aws:SourceArn"]).toEqual(
        byAlarms?.Condition?.ArnEquals?.["aws:SourceArn"],
      );
      // Every alert rule publishes to the topic with a message.
      const targets = resourcesOfType(r, "aws:cloudwatch/eventTarget:EventTarget");
      for (const rule of alertRules) {
        const t = targets.filter((x) => x.inputs.rule === rule.inputs.name);
        expect(t.map((x) => x.inputs.arn)).toContain(topic.id);
        for (const x of t)
          expect(
            JSON.parse(String((x.inputs.inputTransformer as { inputTemplate: string }).inputTemplate)),
          ).toContain(`team ${team}`);
      }
      const subs = resourcesOfType(r, "aws:sns/topicSubscription:TopicSubscription");
      expect(subs.map((s) => [s.inputs.protocol, s.inputs.endpoint])).toEqual([
        ["email", `ml-oncall@${team}.example.com`],
      ]);
      const outputs = schedulingOutputsSchema.parse(r.outputs);
      expect(outputs.alerts.topicArn).toBe(topic.id);
      expect(outputs.alerts.destinations).toEqual([
        `sns:${topic.id}`,
        `email:ml-oncall@${team}.example.com (pending until confirmed)`,
      ]);
    },
  );

  it("watches each window's failures by its id and the team's document on every instance", () => {
    const r = results.nlp as StackRunResult;
    const windows = resourcesOfType(r, "aws:ssm/maintenanceWindow:MaintenanceWindow");
    const rules = resourcesOfType(r, "aws:cloudwatch/eventRule:EventRule");
    for (const w of windows) {
      const rule = rules.find((x) => x.inputs.name === `${w.inputs.name}-failed`);
      expect(json(rule?.inputs.eventPattern)).toEqual({
        source: ["aws.ssm"],
        "detail-type": [
          "Maintenance Window Execution State-change Notification",
          "Maintenance Window Task Execution State-change Notification",
          "Maintenance Window Task Target Invocation State-change Notification",
        ],
        detail: { "window-id": [w.id], status: ["FAILED", "TIMED_OUT", "CANCELLED"] },
      });
    }
    const command = rules.find((x) => x.inputs.name === "retrain-prod-nlp-command-failed");
    const doc = one(r, "aws:ssm/document:Document");
    expect(json(command?.inputs.eventPattern)).toMatchObject({
      "detail-type": ["EC2 Command Invocation Status-change Notification"],
      detail: { "document-name": [doc.inputs.name], status: ["Failed", "TimedOut", "Cancelled"] },
    });
    const target = resourcesOfType(r, "aws:cloudwatch/eventTarget:EventTarget").find(
      (t) => t.inputs.rule === command?.inputs.name,
    );
    const message = JSON.parse(
      String((target?.inputs.inputTransformer as { inputTemplate: string } | undefined)?.inputTemplate),
    ) as string;
    expect(message).toContain("run-command/<command>/<instance>?region=eu-west-1");
    expect(message).toContain("--log-stream-name-prefix <command>/<instance>");
  });

  const templateOf = (r: StackRunResult, ruleName: string) => {
    const target = resourcesOfType(r, "aws:cloudwatch/eventTarget:EventTarget").find(
      (t) => t.inputs.rule === ruleName,
    );
    const transformer = target?.inputs.inputTransformer as
      | { inputPaths: Record<string, string>; inputTemplate: string }
      | undefined;
    return {
      paths: transformer?.inputPaths ?? {},
      text: JSON.parse(String(transformer?.inputTemplate)) as string,
    };
  };

  // nlp runs two windows on one document: each window's own rule names it, its tasks and the task
  // execution; the one command rule names the instance and how to find the window and task.
  it.each([
    [
      "nlp",
      "retrain-prod-nlp-nightly-finetune-failed",
      "window nightly-finetune (<windowId>, tasks start-instances, finetune, evaluate, stop-instances)",
      { taskExecution: "$.detail.task-execution-id", windowTarget: "$.detail.window-target-id" },
    ],
    [
      "nlp",
      "retrain-prod-nlp-weekly-eval-failed",
      "window weekly-eval (<windowId>, tasks start-instances, full-eval, stop-instances)",
      { taskExecution: "$.detail.task-execution-id" },
    ],
    [
      "nlp",
      "retrain-prod-nlp-command-failed",
      "Window and task (not in this event): aws ssm list-commands --command-id <command>",
      { instance: "$.detail.instance-id", command: "$.detail.command-id" },
    ],
    [
      "recsys",
      "retrain-dev-recsys-daily-refresh-failed",
      "window daily-refresh (association <association>, task refresh)",
      { instance: "$.detail.instance-id", output: "$.detail.output-url" },
    ],
  ])("team %s: %s names %s", (team, ruleName, names, paths) => {
    const { paths: actual, text } = templateOf(results[team] as StackRunResult, ruleName);
    expect(text).toContain(names);
    expect(actual).toMatchObject(paths);
  });

  it("watches each association by its own rule", () => {
    const r = results.recsys as StackRunResult;
    const assoc = one(r, "aws:ssm/association:Association");
    const rule = resourcesOfType(r, "aws:cloudwatch/eventRule:EventRule").find(
      (x) => x.inputs.name === "retrain-dev-recsys-daily-refresh-failed",
    );
    expect(json(rule?.inputs.eventPattern)).toEqual({
      source: ["aws.ssm"],
      "detail-type": [
        "EC2 State Manager Association State Change",
        "EC2 State Manager Instance Association State Change",
      ],
      detail: { "association-id": [assoc.inputs.associationId ?? assoc.id], status: ["Failed"] },
    });
  });

  it("sizes each missed-run alarm from the schedule: weeknights by the longest gap, weekly a 7-day composite, daily association 26 h", () => {
    const alarm = (team: string, name: string) =>
      resourcesOfType(results[team] as StackRunResult, "aws:cloudwatch/metricAlarm:MetricAlarm").find(
        (a) => a.inputs.name === name,
      );
    // MON-FRI 01:00 New York: the longest gap is Friday to Monday over the fall-back weekend
    // (73 h) + the window's duration + 1 h.
    const nightly = alarm("nlp", "retrain-prod-nlp-nightly-finetune-missed");
    expect(nightly?.inputs).toMatchObject({
      period: (73 + hours("nlp", "nightly-finetune") + 1) * 3600,
      evaluationPeriods: 1,
      treatMissingData: "breaching",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
    });
    expect(nightly?.inputs.alarmActions).toEqual([
      one(results.nlp as StackRunResult, "aws:sns/topic:Topic").id,
    ]);
    // OK too: the alarm is in ALARM from its deploy, so "OK" after the first run is the sign it ran.
    expect(nightly?.inputs.okActions).toEqual(nightly?.inputs.alarmActions);
    // Weekly: CloudWatch looks back 7 days at most, so a composite excludes the window's own run.
    expect(alarm("vision", "retrain-prod-vision-weekly-retrain-no-success-7d")?.inputs).toMatchObject({
      period: 604_800,
      treatMissingData: "breaching",
    });
    expect(alarm("vision", "retrain-prod-vision-weekly-retrain-started-recently")?.inputs).toMatchObject({
      period: (hours("vision", "weekly-retrain") + 1) * 3600,
      treatMissingData: "notBreaching",
    });
    const composite = one(results.vision as StackRunResult, "aws:cloudwatch/compositeAlarm:CompositeAlarm");
    expect(composite.inputs.alarmRule).toBe(
      'ALARM("retrain-prod-vision-weekly-retrain-no-success-7d") AND NOT ALARM("retrain-prod-vision-weekly-retrain-started-recently")',
    );
    // Daily association at 02:30 UTC: 24 h + its 1 h timeout + 1 h.
    expect(alarm("recsys", "retrain-dev-recsys-daily-refresh-missed")?.inputs).toMatchObject({
      period: 26 * 3600,
    });
    for (const a of Object.values(results).flatMap((x) =>
      resourcesOfType(x, "aws:cloudwatch/metricAlarm:MetricAlarm"),
    ))
      expect(Number(a.inputs.period) * Number(a.inputs.evaluationPeriods)).toBeLessThanOrEqual(604_800);
  });

  it("watches a monthly window from each start: started 4-8 h ago, not in the last 4 h, no success in 8 h", async () => {
    const [weekly] = (load("scheduling", "teams", "vision").config as { windows: Record<string, unknown>[] })
      .windows;
    const monthly = {
      ...weekly,
      name: "monthly-retrain",
      schedule: "cron(0 4 1 * ? *)",
      durationHours: 3,
      cutoffHours: 0,
    };
    const r = await runTeam("vision", { "scheduling:windows": [monthly] });
    expect(r.errors).toEqual([]);
    const alarms = resourcesOfType(r, "aws:cloudwatch/metricAlarm:MetricAlarm");
    const byName = (suffix: string) =>
      alarms.find((a) => a.inputs.name === `retrain-prod-vision-monthly-retrain-${suffix}`);
    const filters = resourcesOfType(r, "aws:cloudwatch/logMetricFilter:LogMetricFilter");
    const metricOf = (what: string) => {
      const filter = filters.find((f) => f.inputs.name === `vision-monthly-retrain-${what}`);
      return (filter?.inputs.metricTransformation as { name: string } | undefined)?.name;
    };
    expect(byName("started-recently")?.inputs).toMatchObject({
      metricName: metricOf("started"),
      period: 4 * 3600,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
    expect(byName("started-earlier")?.inputs).toMatchObject({
      metricName: metricOf("started"),
      period: 8 * 3600,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
    expect(byName("succeeded-recently")?.inputs).toMatchObject({
      metricName: metricOf("succeeded"),
      period: 8 * 3600,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
    // Only the composite notifies; the parts have no actions.
    for (const a of alarms) {
      expect(a.inputs.alarmActions ?? []).toEqual([]);
      expect(a.inputs.okActions ?? []).toEqual([]);
    }
    const composite = one(r, "aws:cloudwatch/compositeAlarm:CompositeAlarm");
    expect(composite.inputs.alarmName).toBe("retrain-prod-vision-monthly-retrain-missed");
    expect(composite.inputs.alarmRule).toBe(
      'ALARM("retrain-prod-vision-monthly-retrain-started-earlier") AND NOT ALARM("retrain-prod-vision-monthly-retrain-started-recently") AND NOT ALARM("retrain-prod-vision-monthly-retrain-succeeded-recently")',
    );
    expect(composite.inputs.alarmActions).toEqual([one(r, "aws:sns/topic:Topic").id]);
    expect(composite.inputs.okActions).toEqual([one(r, "aws:sns/topic:Topic").id]);
    const policy = statements(one(r, "aws:sns/topicPolicy:TopicPolicy").inputs.policy);
    expect(
      policy.find((s) => s.Principal.Service === "cloudwatch.amazonaws.com")?.Condition?.ArnEquals,
    ).toEqual({
      "aws:SourceArn": [
        "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:retrain-prod-vision-monthly-retrain-missed",
      ],
    });
    expect(r.outputs.alerts).toMatchObject({
      missedRunAlarms: [{ window: "monthly-retrain", kind: "after-start", periodHours: 8 }],
    });
  });

  it("counts successes from the run log that EventBridge may write to", () => {
    const r = results.recsys as StackRunResult;
    const log = one(r, "aws:cloudwatch/logGroup:LogGroup");
    expect(log.inputs.name).toBe("/aws/events/retrain-dev-recsys-runs");
    const assoc = one(r, "aws:ssm/association:Association");
    const filter = one(r, "aws:cloudwatch/logMetricFilter:LogMetricFilter");
    expect(filter.inputs.pattern).toBe(
      `"Instance Association State Change" "Success" "${assoc.inputs.associationId ?? assoc.id}"`,
    );
    // No log resource policy per team (Logs allows 10 per account and region): the iam stack's one
    // covers every team's run log.
    expect(resourcesOfType(r, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy")).toEqual([]);
  });
});

describe("alert destinations a team may not use", () => {
  const notify = (n: unknown) => ({ "scheduling:notify": n });
  it.each([
    [
      "an e-mail outside the team's registry domains",
      { emails: ["me@gmail.com"] },
      /scheduling:notify\.emails\[0\].*"me@gmail\.com" is not in a domain team "vision" may alert \(vision\.example\.com/,
    ],
    [
      "another account's topic",
      { topicArn: "arn:aws:sns:eu-west-1:999999999999:vision-oncall" },
      /notify\.topicArn: topic .* is in account 999999999999, not this stack's account 123456789012/,
    ],
    [
      "another region's topic",
      { topicArn: "arn:aws:sns:us-east-1:123456789012:vision-oncall" },
      /is in region us-east-1, not this stack's region eu-west-1/,
    ],
  ])("rejects %s", async (_title, n, error) => {
    const r = await runTeam("vision", notify(n));
    expect(r.errors.map((e) => e.message).join("\n")).toMatch(error);
  });

  it("without notify still creates the topic, rules and alarms, and subscribes nobody", async () => {
    const r = await runTeam("vision", { "scheduling:notify": undefined });
    expect(r.errors).toEqual([]);
    expect(resourcesOfType(r, "aws:sns/topicSubscription:TopicSubscription")).toEqual([]);
    expect(resourcesOfType(r, "aws:cloudwatch/compositeAlarm:CompositeAlarm")).toHaveLength(1);
    const topic = one(r, "aws:sns/topic:Topic");
    expect(schedulingOutputsSchema.parse(r.outputs).alerts.destinations).toEqual([`sns:${topic.id}`]);
  });

  it("publishes to the team's own topic in its account and region", async () => {
    const own = "arn:aws:sns:eu-west-1:123456789012:vision-oncall";
    const r = await runTeam("vision", notify({ topicArn: own }));
    expect(r.errors).toEqual([]);
    const targets = resourcesOfType(r, "aws:cloudwatch/eventTarget:EventTarget").map((t) => t.inputs.arn);
    expect(targets).toContain(own);
    expect(schedulingOutputsSchema.parse(r.outputs).alerts.destinations).toContain(`sns:${own}`);
  });
});
