import { describe, expect, it } from "vitest";
import {
  ASSOCIATION_EVENT_TYPES,
  associationFailureMessage,
  COMMAND_INVOCATION_EVENT,
  commandFailureMessage,
  type InputTransformer,
  runLogPattern,
  succeededFilter,
  WINDOW_EVENT_TYPES,
  windowFailureMessage,
} from "../src/scheduling/alert-messages.js";

const windowMessage = windowFailureMessage({
  team: "vision",
  window: "weekly-retrain",
  region: "eu-west-1",
  tasks: ["start-instances", "finetune", "evaluate", "stop-instances"],
  logGroupName: "/retrain/prod/runs",
  artifactBucket: "b",
});
const commandMessage = commandFailureMessage({
  team: "vision",
  region: "eu-west-1",
  logGroupName: "/retrain/prod/runs",
  artifactBucket: "b",
});
const associationMessage = associationFailureMessage({
  team: "recsys",
  window: "daily-refresh",
  task: "refresh",
  region: "eu-west-1",
  artifactBucket: "b",
});

const messages: [string, InputTransformer][] = [
  ["window failure", windowMessage],
  ["command failure", commandMessage],
  ["association failure", associationMessage],
];

/**
 * What EventBridge sends: each `<name>` replaced by the value at its input path. A path the event
 * does not have "isn't created and won't appear in the output" (EventBridge, common issues with
 * transforming input), i.e. it renders empty; values are not escaped.
 */
function render(m: InputTransformer, event: unknown): string {
  const at = (path: string) =>
    path
      .replace(/^\$\./, "")
      .split(".")
      .reduce<unknown>(
        (v, key) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined),
        event,
      );
  const out = m.inputTemplate.replace(/<([A-Za-z0-9_]+)>/g, (_all, name: string) => {
    const path = m.inputPaths[name];
    const v = path === undefined ? undefined : at(path);
    return v === undefined ? "" : String(v);
  });
  return JSON.parse(out) as string;
}

/**
 * Sample events in the shape of "Amazon EventBridge event examples for Systems Manager"
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html):
 * the same detail fields per detail-type, this project's values.
 */
const ssmEvent = (detailType: string, resources: string[], detail: Record<string, string>) => ({
  version: "0",
  id: "0d5d2e8a-1f7e-4c3e-9d55-1a2b3c4d5e6f",
  "detail-type": detailType,
  source: "aws.ssm",
  account: "123456789012",
  time: "2026-11-22T03:14:05Z",
  region: "eu-west-1",
  resources,
  detail,
});
const windowArn = "arn:aws:ssm:eu-west-1:123456789012:maintenancewindow/mw-0c50858d01EXAMPLE";
const windowDetail = {
  "start-time": "2026-11-22T03:00:01.100Z",
  "end-time": "2026-11-22T03:14:05.200Z",
  "window-id": "mw-0c50858d01EXAMPLE",
  "window-execution-id": "791b72e0-f0da-4021-8b35-f95dfEXAMPLE",
  status: "FAILED",
};
const windowExecution = ssmEvent(WINDOW_EVENT_TYPES[0], [windowArn], windowDetail);
const taskExecution = ssmEvent(WINDOW_EVENT_TYPES[1], [windowArn], {
  ...windowDetail,
  "task-execution-id": "c9b05aba-197f-4d7c-8b7b-aa71bEXAMPLE",
});
const taskTarget = ssmEvent(WINDOW_EVENT_TYPES[2], [windowArn], {
  ...windowDetail,
  "task-execution-id": "c9b05aba-197f-4d7c-8b7b-aa71bEXAMPLE",
  "window-target-id": "e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE",
  "owner-information": "",
});
const commandInvocation = ssmEvent(
  COMMAND_INVOCATION_EVENT,
  ["arn:aws:ec2:eu-west-1:123456789012:instance/i-02573cafcfEXAMPLE"],
  {
    "command-id": "ef7fdfd8-9b57-4151-a15c-db9a1EXAMPLE",
    "document-name": "retrain-prod-vision-train",
    "instance-id": "i-02573cafcfEXAMPLE",
    "requested-date-time": "2026-11-22T03:00:02.300Z",
    status: "Failed",
  },
);
/**
 * EventBridge's exact matching, the subset our patterns use: every field the pattern names holds one
 * of its listed values, nested objects field by field (a test aid, not a full pattern engine).
 */
function matches(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.includes(event);
  if (typeof pattern !== "object" || pattern === null) return false;
  if (typeof event !== "object" || event === null) return false;
  return Object.entries(pattern).every(([k, v]) => matches(v, (event as Record<string, unknown>)[k]));
}

const associationDetail = {
  "association-id": "fa94c678-85c6-4d40-926b-7c791EXAMPLE",
  "document-name": "retrain-dev-recsys-train",
  "document-version": "1",
  targets: '[{"key":"tag:retrain:pool","values":["a10g"]}]',
  "creation-date": "2026-11-01T10:00:00.000Z",
  "last-successful-execution-date": "2026-11-21T02:30:00Z",
  "last-execution-date": "2026-11-22T02:30:00Z",
  status: "Failed",
};
const association = ssmEvent(
  ASSOCIATION_EVENT_TYPES[0],
  ["arn:aws:ssm:eu-west-1::document/retrain-dev-recsys-train"],
  {
    ...associationDetail,
    "association-version": "1",
    "last-updated-date": "2026-11-01T10:00:00.000Z",
    "association-status-aggregated-count": '{"Failed":1}',
    "schedule-expression": "cron(30 2 * * ? *)",
    "association-cwe-version": "1.0",
  },
);
const instanceAssociation = ssmEvent(
  ASSOCIATION_EVENT_TYPES[1],
  [
    "arn:aws:ec2:eu-west-1:123456789012:instance/i-0a1b2c3d4eEXAMPLE",
    "arn:aws:ssm:eu-west-1:123456789012:document/retrain-dev-recsys-train",
  ],
  {
    ...associationDetail,
    "instance-id": "i-0a1b2c3d4eEXAMPLE",
    "detailed-status": "Failed",
    "error-code": "1",
    "execution-summary": "1 out of 1 plugin processed, 0 success, 1 failed, 0 timedout, 0 skipped.",
    "output-url": "https://s3.eu-west-1.amazonaws.com/b/runs/recsys/daily-refresh/i-0a1b2c3d4eEXAMPLE",
    "instance-association-cwe-version": "1",
  },
);

describe("alert messages (EventBridge input transformers)", () => {
  it.each(messages)("%s: a JSON string whose every <placeholder> is an input path of the event", (_t, m) => {
    // SNS gets text: the template must be one JSON string literal.
    expect(typeof JSON.parse(m.inputTemplate)).toBe("string");
    const used = new Set([...m.inputTemplate.matchAll(/<([A-Za-z0-9_-]+)>/g)].map((x) => x[1]));
    expect([...used].sort()).toEqual(Object.keys(m.inputPaths).sort());
    for (const p of Object.values(m.inputPaths)) expect(p).toMatch(/^\$\.[a-z-]+(\.[a-z-]+)*$/);
    // EventBridge limits: at most 100 input paths, keys alphanumeric/underscore; template up to 8192 characters.
    expect(Object.keys(m.inputPaths).length).toBeLessThanOrEqual(100);
    for (const k of Object.keys(m.inputPaths)) expect(k).toMatch(/^[A-Za-z0-9_]+$/);
    expect(m.inputTemplate.length).toBeLessThanOrEqual(8192);
    // Literal text never looks like a placeholder, and never holds a quote EventBridge would pass on escaped.
    expect(JSON.parse(m.inputTemplate)).not.toContain('"');
  });

  // Each placeholder reads the field AWS documents for the rule's events.
  it.each([
    ["window failure", windowMessage, "type", "$.detail-type"],
    ["window failure", windowMessage, "status", "$.detail.status"],
    ["window failure", windowMessage, "windowId", "$.detail.window-id"],
    ["window failure", windowMessage, "execution", "$.detail.window-execution-id"],
    ["window failure", windowMessage, "taskExecution", "$.detail.task-execution-id"],
    ["window failure", windowMessage, "windowTarget", "$.detail.window-target-id"],
    ["window failure", windowMessage, "time", "$.time"],
    ["command failure", commandMessage, "status", "$.detail.status"],
    ["command failure", commandMessage, "instance", "$.detail.instance-id"],
    ["command failure", commandMessage, "command", "$.detail.command-id"],
    ["command failure", commandMessage, "time", "$.time"],
    ["association failure", associationMessage, "type", "$.detail-type"],
    ["association failure", associationMessage, "status", "$.detail.status"],
    ["association failure", associationMessage, "association", "$.detail.association-id"],
    ["association failure", associationMessage, "instance", "$.detail.instance-id"],
    ["association failure", associationMessage, "output", "$.detail.output-url"],
    ["association failure", associationMessage, "time", "$.time"],
  ] as const)("%s: <%s> is %s", (_t, m, placeholder, path) => {
    expect(m.inputPaths[placeholder]).toBe(path);
  });

  it.each([
    [
      "window execution",
      windowMessage,
      windowExecution,
      [
        "[retrain] team vision, window weekly-retrain (mw-0c50858d01EXAMPLE, tasks start-instances, finetune, evaluate, stop-instances): FAILED (Maintenance Window Execution State-change Notification) at 2026-11-22T03:14:05Z.",
        "Window execution 791b72e0-f0da-4021-8b35-f95dfEXAMPLE, task execution [], window target []",
        "aws ssm describe-maintenance-window-execution-tasks --window-execution-id 791b72e0-f0da-4021-8b35-f95dfEXAMPLE --region eu-west-1",
        "logs: s3://b/runs/vision/weekly-retrain/TASK/COMMAND_ID/INSTANCE_ID/ and CloudWatch log group /retrain/prod/runs",
      ],
    ],
    [
      "task execution",
      windowMessage,
      taskExecution,
      [
        "window weekly-retrain (mw-0c50858d01EXAMPLE, tasks start-instances, finetune, evaluate, stop-instances): FAILED (Maintenance Window Task Execution State-change Notification)",
        "task execution [c9b05aba-197f-4d7c-8b7b-aa71bEXAMPLE], window target []",
        "aws ssm describe-maintenance-window-execution-task-invocations --window-execution-id 791b72e0-f0da-4021-8b35-f95dfEXAMPLE --task-id c9b05aba-197f-4d7c-8b7b-aa71bEXAMPLE --region eu-west-1",
        "retrain runs --team vision --window weekly-retrain",
      ],
    ],
    [
      "task target invocation",
      windowMessage,
      taskTarget,
      [
        "(Maintenance Window Task Target Invocation State-change Notification)",
        "task execution [c9b05aba-197f-4d7c-8b7b-aa71bEXAMPLE], window target [e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE]",
      ],
    ],
    [
      "command invocation",
      commandMessage,
      commandInvocation,
      [
        "[retrain] team vision: the training command Failed on instance i-02573cafcfEXAMPLE at 2026-11-22T03:14:05Z (command ef7fdfd8-9b57-4151-a15c-db9a1EXAMPLE).",
        "aws ssm list-commands --command-id ef7fdfd8-9b57-4151-a15c-db9a1EXAMPLE --query 'Commands[0].Comment' --output text --region eu-west-1 (prints retrain vision/WINDOW/TASK",
        "aws logs tail /retrain/prod/runs --log-stream-name-prefix ef7fdfd8-9b57-4151-a15c-db9a1EXAMPLE/i-02573cafcfEXAMPLE --region eu-west-1",
        "log-group/$252Fretrain$252Fprod$252Fruns$3FlogStreamNameFilter$3Def7fdfd8-9b57-4151-a15c-db9a1EXAMPLE$252Fi-02573cafcfEXAMPLE",
        "aws s3 ls s3://b/runs/vision/ --recursive | grep ef7fdfd8-9b57-4151-a15c-db9a1EXAMPLE/i-02573cafcfEXAMPLE/",
      ],
    ],
    [
      "association",
      associationMessage,
      association,
      [
        "[retrain] team recsys, window daily-refresh (association fa94c678-85c6-4d40-926b-7c791EXAMPLE, task refresh): Failed (EC2 State Manager Association State Change) at 2026-11-22T03:14:05Z.",
        "Instance [], output []",
        "aws ssm describe-association-executions --association-id fa94c678-85c6-4d40-926b-7c791EXAMPLE --region eu-west-1",
      ],
    ],
    [
      "instance association",
      associationMessage,
      instanceAssociation,
      [
        "window daily-refresh (association fa94c678-85c6-4d40-926b-7c791EXAMPLE, task refresh): Failed (EC2 State Manager Instance Association State Change)",
        "Instance [i-0a1b2c3d4eEXAMPLE], output [https://s3.eu-west-1.amazonaws.com/b/runs/recsys/daily-refresh/i-0a1b2c3d4eEXAMPLE]",
        "logs: s3://b/runs/recsys/daily-refresh/",
        "retrain runs --team recsys --window daily-refresh",
      ],
    ],
  ] as const)("renders a %s event naming what it carries", (_t, m, event, parts) => {
    const text = render(m, event);
    for (const part of parts) expect(text).toContain(part);
    // Nothing left unsubstituted.
    expect(text).not.toMatch(/<[A-Za-z0-9_]+>/);
  });

  it("sends a team's run log its associations' events by its document, in a pattern of fixed size", () => {
    const { associations } = runLogPattern({
      windowIds: [],
      associationDocument: "retrain-dev-recsys-train",
    });
    expect(associations).toHaveLength(1);
    const pattern = associations[0]!;
    // AWS's two association events of the team's document, and of another team's.
    expect(matches(pattern, association)).toBe(true);
    expect(matches(pattern, instanceAssociation)).toBe(true);
    const other = {
      ...association,
      detail: { ...association.detail, "document-name": "retrain-dev-nlp-train" },
    };
    expect(matches(pattern, other)).toBe(false);
    expect(matches(pattern, commandInvocation)).toBe(false);
    // 50 windows (the registry's largest maxWindows) stay within EventBridge's 2,048 characters.
    const ids = Array.from({ length: 50 }, (_, i) => `mw-${i.toString(16).padStart(17, "0")}`);
    expect(JSON.stringify(runLogPattern({ windowIds: ids }).windows[0]).length).toBeLessThanOrEqual(2048);
    expect(runLogPattern({ windowIds: ids }).associations).toEqual([]);
  });

  it("sends a team's run log only its own windows' and associations' events", () => {
    expect(runLogPattern({ windowIds: ["mw-1"] })).toEqual({
      windows: [
        {
          source: ["aws.ssm"],
          "detail-type": [
            "Maintenance Window Execution State-change Notification",
            "Maintenance Window Task Execution State-change Notification",
            "Maintenance Window Task Target Invocation State-change Notification",
          ],
          detail: { "window-id": ["mw-1"] },
        },
      ],
      associations: [],
    });
    expect(succeededFilter("maintenance-window", "mw-1")).toBe(
      '"Task Target Invocation State-change" "SUCCESS" "mw-1"',
    );
    expect(succeededFilter("association", "a-1")).toBe('"Instance Association State Change" "Success" "a-1"');
  });
});
