/**
 * What a team reads when a run fails: the EventBridge event patterns and input transformers of its
 * alert rules (pure, so tests read them without Pulumi). Event names and fields are exactly those of
 * "Amazon EventBridge event examples for Systems Manager":
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systemsmanager-event-examples.html
 * Maintenance-window events carry no instance; the Run Command invocation events of the team's own
 * document do (with the command id that names the output), so each failure produces one message per
 * level: window/task, and per instance.
 */

export const WINDOW_EVENT_TYPES = [
  "Maintenance Window Execution State-change Notification",
  "Maintenance Window Task Execution State-change Notification",
  "Maintenance Window Task Target Invocation State-change Notification",
] as const;
export const COMMAND_INVOCATION_EVENT = "EC2 Command Invocation Status-change Notification";
export const ASSOCIATION_EVENT_TYPES = [
  "EC2 State Manager Association State Change",
  "EC2 State Manager Instance Association State Change",
] as const;

/** Window statuses that mean the run did not do its work (the docs' status lists). */
export const WINDOW_FAILURE_STATUSES = ["FAILED", "TIMED_OUT", "CANCELLED"] as const;
/** Run Command's terminal failure statuses (ListCommandInvocations `Status`). */
export const COMMAND_FAILURE_STATUSES = ["Failed", "TimedOut", "Cancelled"] as const;
export const ASSOCIATION_FAILURE_STATUSES = ["Failed"] as const;

export interface InputTransformer {
  inputPaths: Record<string, string>;
  inputTemplate: string;
}

/** An SNS message is a JSON string; `<name>` placeholders are EventBridge's. */
const plain = (text: string) => JSON.stringify(text);

const consoleBase = (region: string) => `https://${region}.console.aws.amazon.com`;

/** Pattern of one window's failures (execution, task and per-target levels). */
export function windowFailurePattern(windowId: string) {
  return {
    source: ["aws.ssm"],
    "detail-type": [...WINDOW_EVENT_TYPES],
    detail: { "window-id": [windowId], status: [...WINDOW_FAILURE_STATUSES] },
  };
}

export function windowFailureMessage(a: { team: string; window: string; region: string }): InputTransformer {
  return {
    inputPaths: {
      type: "$.detail-type",
      status: "$.detail.status",
      windowId: "$.detail.window-id",
      execution: "$.detail.window-execution-id",
      time: "$.time",
    },
    inputTemplate: plain(
      `[retrain] team ${a.team}, window ${a.window}: <status> (<type>) at <time>. ` +
        `Execution <execution> of <windowId>: ${consoleBase(a.region)}/systems-manager/maintenance-windows/<windowId>?region=${a.region} ` +
        `| tasks: aws ssm describe-maintenance-window-execution-tasks --window-execution-id <execution> --region ${a.region} ` +
        `| per instance: retrain runs --team ${a.team} --window ${a.window}`,
    ),
  };
}

/** Pattern of the team's document failing on an instance (windows and associations alike). */
export function commandFailurePattern(documentName: string) {
  return {
    source: ["aws.ssm"],
    "detail-type": [COMMAND_INVOCATION_EVENT],
    detail: { "document-name": [documentName], status: [...COMMAND_FAILURE_STATUSES] },
  };
}

/** Run Command's CloudWatch stream is `<command-id>/<instance-id>/<step>/stdout|stderr`. */
export function commandFailureMessage(a: {
  team: string;
  region: string;
  logGroupName: string;
  artifactBucket: string;
}): InputTransformer {
  // The console's log-group page takes the group name with "/" written "$252F" in its fragment.
  const group = a.logGroupName.replaceAll("/", "$252F");
  return {
    inputPaths: {
      status: "$.detail.status",
      instance: "$.detail.instance-id",
      command: "$.detail.command-id",
      time: "$.time",
    },
    inputTemplate: plain(
      `[retrain] team ${a.team}: the training command <status> on instance <instance> at <time>. ` +
        `Output: ${consoleBase(a.region)}/systems-manager/run-command/<command>/<instance>?region=${a.region} ` +
        `| logs: ${consoleBase(a.region)}/cloudwatch/home?region=${a.region}#logsV2:log-groups/log-group/${group}$3FlogStreamNameFilter$3D<command>$252F<instance> ` +
        `or aws logs tail ${a.logGroupName} --log-stream-name-prefix <command>/<instance> --region ${a.region} ` +
        `| S3: s3://${a.artifactBucket}/runs/${a.team}/ (key contains <command>/<instance>)`,
    ),
  };
}

export function associationFailurePattern(associationIds: readonly string[]) {
  return {
    source: ["aws.ssm"],
    "detail-type": [...ASSOCIATION_EVENT_TYPES],
    detail: { "association-id": [...associationIds], status: [...ASSOCIATION_FAILURE_STATUSES] },
  };
}

export function associationFailureMessage(a: { team: string; region: string }): InputTransformer {
  return {
    inputPaths: {
      type: "$.detail-type",
      status: "$.detail.status",
      association: "$.detail.association-id",
      time: "$.time",
    },
    inputTemplate: plain(
      `[retrain] team ${a.team}: association <association> <status> (<type>) at <time>. ` +
        `Per instance: aws ssm describe-association-executions --association-id <association> --region ${a.region} ` +
        `| retrain runs --team ${a.team}`,
    ),
  };
}

/** Everything about the team's runs, any status: the run log the missed-run metrics count. */
export function runLogPattern(ids: { windowIds: readonly string[]; associationIds: readonly string[] }) {
  const windows = ids.windowIds.length
    ? [
        {
          source: ["aws.ssm"],
          "detail-type": [...WINDOW_EVENT_TYPES],
          detail: { "window-id": [...ids.windowIds] },
        },
      ]
    : [];
  const associations = ids.associationIds.length
    ? [
        {
          source: ["aws.ssm"],
          "detail-type": [...ASSOCIATION_EVENT_TYPES],
          detail: { "association-id": [...ids.associationIds] },
        },
      ]
    : [];
  return { windows, associations };
}

/**
 * Metric filter terms (unstructured match: every quoted term must occur in the event's JSON; case
 * matters): https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 * JSON selectors are avoided because the event's field names contain "-".
 */
export function succeededFilter(kind: "maintenance-window" | "association", id: string): string {
  return kind === "maintenance-window"
    ? `"Task Target Invocation State-change" "SUCCESS" "${id}"`
    : `"Instance Association State Change" "Success" "${id}"`;
}

export function startedFilter(windowId: string): string {
  return `"Maintenance Window Execution State-change" "IN_PROGRESS" "${windowId}"`;
}
