/**
 * What a team reads when a run fails: the EventBridge event patterns and input transformers of its
 * alert rules (pure, so tests read them without Pulumi). Event names and fields are exactly those of
 * "Amazon EventBridge event examples for Systems Manager":
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
 * Maintenance-window events carry no instance; the Run Command invocation events of the team's own
 * document do (with the command id that names the output), so each failure produces one message per
 * level: window/task, and per instance.
 *
 * The `detail` fields each event carries there (and nothing else is read from it):
 * - Maintenance Window Execution State-change Notification: start-time, end-time, window-id,
 *   window-execution-id, status. No task, no target, no instance.
 * - Maintenance Window Task Execution State-change Notification: the same + task-execution-id. Not the
 *   window task's id or name (`window-task-id` is only in Maintenance Window Task Registration
 *   Notification), no instance.
 * - Maintenance Window Task Target Invocation State-change Notification: the same +
 *   window-target-id and owner-information. Still no instance.
 * - EC2 Command Invocation Status-change Notification: command-id, document-name, instance-id,
 *   requested-date-time, status. No window, no task (several windows run the one document).
 * - EC2 State Manager Association State Change: association-id, document-name, association-version,
 *   document-version, targets, creation-date, last-(successful-)execution-date, last-updated-date,
 *   status, association-status-aggregated-count, schedule-expression, association-cwe-version. No instance.
 * - EC2 State Manager Instance Association State Change: association-id, instance-id, document-name,
 *   document-version, targets, creation-date, last-(successful-)execution-date, status, detailed-status,
 *   error-code, execution-summary, output-url, instance-association-cwe-version.
 *
 * One rule matches several of these, and an input path that is not in the event "isn't created and
 * won't appear in the output" (EventBridge, "Common issues with transforming input":
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html#eb-transform-input-issues),
 * so fields only some of the rule's events carry are written `[<x>]`: `[]` says "not in this event".
 * Values are not escaped by EventBridge either, so only ids, statuses, times and URLs are read (no
 * free text such as execution-summary, which could hold a `"` and break the JSON string).
 * Placeholders are `<name>`; the text itself never uses angle brackets.
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

/**
 * A window's rule is the window's own (its pattern names one window id), so the window's name and
 * its task names are literals; which task failed is only the event's task-execution-id, which the
 * per-target command (and `retrain runs`) turns into the task and its instances.
 */
export function windowFailureMessage(a: {
  team: string;
  window: string;
  region: string;
  /** The window's tasks in run order (the team's tasks, and start/stop-instances if it has them). */
  tasks: readonly string[];
  logGroupName: string;
  artifactBucket: string;
}): InputTransformer {
  return {
    inputPaths: {
      type: "$.detail-type",
      status: "$.detail.status",
      windowId: "$.detail.window-id",
      execution: "$.detail.window-execution-id",
      // Task Execution and Task Target Invocation events only.
      taskExecution: "$.detail.task-execution-id",
      // Task Target Invocation events only.
      windowTarget: "$.detail.window-target-id",
      time: "$.time",
    },
    inputTemplate: plain(
      `[retrain] team ${a.team}, window ${a.window} (<windowId>, tasks ${a.tasks.join(", ")}): <status> (<type>) at <time>. ` +
        `Window execution <execution>, task execution [<taskExecution>], window target [<windowTarget>] ` +
        `([] = not in this event; no maintenance-window event names the task by name or the instance: ` +
        `the team's command-failed alert names the instance). ` +
        `Console: ${consoleBase(a.region)}/systems-manager/maintenance-windows/<windowId>?region=${a.region} ` +
        `| tasks: aws ssm describe-maintenance-window-execution-tasks --window-execution-id <execution> --region ${a.region} ` +
        `| instances and command ids of the task: aws ssm describe-maintenance-window-execution-task-invocations --window-execution-id <execution> --task-id <taskExecution> --region ${a.region} ` +
        `| logs: s3://${a.artifactBucket}/runs/${a.team}/${a.window}/TASK/COMMAND_ID/INSTANCE_ID/ and CloudWatch log group ${a.logGroupName} (streams COMMAND_ID/INSTANCE_ID/...) ` +
        `| per task and instance: retrain runs --team ${a.team} --window ${a.window}`,
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

/**
 * One rule for the team's document on every instance: the event names the instance and the command,
 * not the window or task (one document serves all of the team's windows and associations), so the
 * message says where they are written down: the command's comment (`retrain TEAM/WINDOW/TASK`, set
 * by the window task) and the S3 key of a window's run (`runs/TEAM/WINDOW/TASK/COMMAND_ID/INSTANCE_ID/`).
 * Run Command's CloudWatch stream is `<command-id>/<instance-id>/<step>/stdout|stderr`.
 */
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
      `[retrain] team ${a.team}: the training command <status> on instance <instance> at <time> (command <command>). ` +
        `Window and task (not in this event): aws ssm list-commands --command-id <command> --query 'Commands[0].Comment' --output text --region ${a.region} ` +
        `(prints retrain ${a.team}/WINDOW/TASK for a window's run), or the S3 key below. ` +
        `Output: ${consoleBase(a.region)}/systems-manager/run-command/<command>/<instance>?region=${a.region} ` +
        `| logs: ${consoleBase(a.region)}/cloudwatch/home?region=${a.region}#logsV2:log-groups/log-group/${group}$3FlogStreamNameFilter$3D<command>$252F<instance> ` +
        `or aws logs tail ${a.logGroupName} --log-stream-name-prefix <command>/<instance> --region ${a.region} ` +
        `| S3: aws s3 ls s3://${a.artifactBucket}/runs/${a.team}/ --recursive | grep <command>/<instance>/ ` +
        `(a window's run writes runs/${a.team}/WINDOW/TASK/<command>/<instance>/...)`,
    ),
  };
}

/** Pattern of one association's failures (association and per-instance levels). */
export function associationFailurePattern(associationIds: readonly string[]) {
  return {
    source: ["aws.ssm"],
    "detail-type": [...ASSOCIATION_EVENT_TYPES],
    detail: { "association-id": [...associationIds], status: [...ASSOCIATION_FAILURE_STATUSES] },
  };
}

/**
 * One association's rule (its pattern names one association id), so the association's name (the
 * team's window) and its one task are literals. Only the Instance Association event names the
 * instance and its output URL; the association-level one reads `[]` there.
 */
export function associationFailureMessage(a: {
  team: string;
  window: string;
  task: string;
  region: string;
  artifactBucket: string;
}): InputTransformer {
  return {
    inputPaths: {
      type: "$.detail-type",
      status: "$.detail.status",
      association: "$.detail.association-id",
      // EC2 State Manager Instance Association State Change only.
      instance: "$.detail.instance-id",
      output: "$.detail.output-url",
      time: "$.time",
    },
    inputTemplate: plain(
      `[retrain] team ${a.team}, window ${a.window} (association <association>, task ${a.task}): <status> (<type>) at <time>. ` +
        `Instance [<instance>], output [<output>] ([] = not in this event: the association-level event names no instance). ` +
        `Runs: aws ssm describe-association-executions --association-id <association> --region ${a.region} ` +
        `| instances of a run: aws ssm describe-association-execution-targets --association-id <association> --execution-id EXECUTION_ID --region ${a.region} ` +
        `| logs: s3://${a.artifactBucket}/runs/${a.team}/${a.window}/ ` +
        `| per instance: retrain runs --team ${a.team} --window ${a.window}`,
    ),
  };
}

/**
 * Everything about the team's runs, any status: the run log the missed-run metrics count. Windows by
 * id (at most the team's maxWindows, 50: ≈1,400 characters); associations by the team's training
 * document, which every event of an association carries as `document-name` and which only the
 * team's associations run (training-document-only): a list of association ids (36 characters each)
 * would pass EventBridge's 2,048-character pattern limit at 49 associations.
 */
export function runLogPattern(of: { windowIds: readonly string[]; associationDocument?: string }) {
  const windows = of.windowIds.length
    ? [
        {
          source: ["aws.ssm"],
          "detail-type": [...WINDOW_EVENT_TYPES],
          detail: { "window-id": [...of.windowIds] },
        },
      ]
    : [];
  const associations =
    of.associationDocument !== undefined
      ? [
          {
            source: ["aws.ssm"],
            "detail-type": [...ASSOCIATION_EVENT_TYPES],
            detail: { "document-name": [of.associationDocument] },
          },
        ]
      : [];
  return { windows, associations };
}

/**
 * Metric filter terms (unstructured match: every quoted term must occur in the event's JSON; case
 * matters): https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 * JSON selectors are avoided because the event's field names contain "-". For a window, `id` is
 * the window target of its training tasks: a Task Target Invocation event names the window and the
 * window target but not the task, and the start/stop automations run on a target of their own.
 */
export function succeededFilter(kind: "maintenance-window" | "association", id: string): string {
  return kind === "maintenance-window"
    ? `"Task Target Invocation State-change" "SUCCESS" "${id}"`
    : `"Instance Association State Change" "Success" "${id}"`;
}

export function startedFilter(windowId: string): string {
  return `"Maintenance Window Execution State-change" "IN_PROGRESS" "${windowId}"`;
}
