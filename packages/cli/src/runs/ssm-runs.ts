/**
 * The last runs of a team's windows and associations, read from Systems Manager with the AWS SDK v3
 * (standard credential chain; the endpoint from `--endpoint` or the SDK's own AWS_ENDPOINT_URL_SSM).
 * Window ids come from the window names (`retrain-<env>-<team>-<window>`), association ids from
 * the association names, so the command needs no stack outputs.
 */
import {
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  DescribeMaintenanceWindowsCommand,
  ListAssociationsCommand,
  ListCommandsCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { resourceName } from "@retrain/config/workspace";

export interface RunsQuery {
  team: string;
  environment: string;
  region: string;
  /** Training log group (CloudWatch stream `<command-id>/<instance-id>/...`). */
  logGroupName: string;
  windows: { name: string; mode: "maintenance-window" | "association" }[];
  since: Date;
}

export interface InstanceResult {
  instanceId: string | null;
  /** The step the instance ran: a task name, `start-instances`, `stop-instances`, or the association. */
  task: string;
  status: string;
  statusDetails: string | null;
  start: string | null;
  durationSeconds: number | null;
  /** Run Command id: names the output in the console, CloudWatch and S3. */
  commandId: string | null;
  logs: { logGroup: string; streamPrefix: string; console: string } | null;
}

export interface RunRecord {
  team: string;
  window: string;
  mode: "maintenance-window" | "association";
  /** Window execution id or association execution id. */
  executionId: string;
  status: string;
  start: string | null;
  durationSeconds: number | null;
  instances: InstanceResult[];
}

export interface RunsResult {
  runs: RunRecord[];
  /** Windows or associations of the config that SSM does not know (not deployed, other region). */
  notFound: { team: string; window: string; name: string }[];
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);
/** The filter timestamps as the API reference writes them: `2024-11-04T05:00:00Z`, no fraction. */
const filterTime = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
const seconds = (a: Date | undefined, b: Date | undefined) =>
  a && b ? Math.round((b.getTime() - a.getTime()) / 1000) : null;

/** Every page of a paginated SSM call (NextToken), items concatenated. */
async function all<T>(
  page: (token: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
) {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const { items, next } = await page(token);
    out.push(...items);
    token = next;
  } while (token);
  return out;
}

function logsOf(q: RunsQuery, commandId: string | null, instanceId: string | null) {
  if (!commandId || !instanceId) return null;
  const streamPrefix = `${commandId}/${instanceId}/`;
  const group = q.logGroupName.replaceAll("/", "$252F");
  return {
    logGroup: q.logGroupName,
    streamPrefix,
    console: `https://${q.region}.console.aws.amazon.com/cloudwatch/home?region=${q.region}#logsV2:log-groups/log-group/${group}$3FlogStreamNameFilter$3D${encodeURIComponent(streamPrefix).replaceAll("%", "$25")}`,
  };
}

/** What a task invocation's `Parameters` (JSON text) says: instance and task name. */
function invocationParameters(text: string | undefined): { instanceId: string | null; task: string | null } {
  if (!text) return { instanceId: null, task: null };
  try {
    const p = JSON.parse(text) as {
      instanceIds?: string[];
      outputS3KeyPrefix?: string;
      comment?: string;
      parameters?: { InstanceId?: string[] };
    };
    const fromPrefix = p.outputS3KeyPrefix?.split("/").pop();
    const fromComment = p.comment?.split("/").pop();
    // Run Command names the instances; the start/stop automations get theirs as InstanceId.
    const instanceId = p.instanceIds?.[0] ?? p.parameters?.InstanceId?.[0] ?? null;
    return { instanceId, task: fromPrefix ?? fromComment ?? null };
  } catch {
    return { instanceId: null, task: null };
  }
}

/**
 * The task name from the command's comment (`retrain <team>/<window>/<task>`, set by the stack),
 * for invocations whose `Parameters` carry neither comment nor output prefix: AWS's examples of
 * DescribeMaintenanceWindowExecutionTaskInvocations show only the document, instances, concurrency
 * and parameters. Without ssm:ListCommands (or on any error) the document name stays the label.
 */
async function commandTask(ssm: SSMClient, commandId: string): Promise<string | null> {
  try {
    const r = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
    const comment = r.Commands?.[0]?.Comment;
    return comment?.startsWith("retrain ") ? (comment.split("/").pop() ?? null) : null;
  } catch {
    return null;
  }
}

function taskLabel(taskArn: string | undefined): string {
  if (taskArn === "AWS-StartEC2Instance") return "start-instances";
  if (taskArn === "AWS-StopEC2Instance") return "stop-instances";
  return taskArn ?? "task";
}

async function windowRuns(
  ssm: SSMClient,
  q: RunsQuery,
  window: string,
  name: string,
): Promise<RunRecord[] | undefined> {
  const found = await all(async (NextToken) => {
    const r = await ssm.send(
      new DescribeMaintenanceWindowsCommand({ Filters: [{ Key: "Name", Values: [name] }], NextToken }),
    );
    return { items: r.WindowIdentities ?? [], next: r.NextToken };
  });
  const id = found.find((w) => w.Name === name)?.WindowId;
  if (!id) return undefined;
  const executions = await all(async (NextToken) => {
    const r = await ssm.send(
      new DescribeMaintenanceWindowExecutionsCommand({
        WindowId: id,
        Filters: [{ Key: "ExecutedAfter", Values: [filterTime(q.since)] }],
        NextToken,
      }),
    );
    return { items: r.WindowExecutions ?? [], next: r.NextToken };
  });
  const runs: RunRecord[] = [];
  for (const e of executions) {
    if (!e.WindowExecutionId) continue;
    const executionId = e.WindowExecutionId;
    const tasks = await all(async (NextToken) => {
      const r = await ssm.send(
        new DescribeMaintenanceWindowExecutionTasksCommand({ WindowExecutionId: executionId, NextToken }),
      );
      return { items: r.WindowExecutionTaskIdentities ?? [], next: r.NextToken };
    });
    const instances: InstanceResult[] = [];
    for (const t of tasks) {
      if (!t.TaskExecutionId) continue;
      const taskId = t.TaskExecutionId;
      const invocations = await all(async (NextToken) => {
        const r = await ssm.send(
          new DescribeMaintenanceWindowExecutionTaskInvocationsCommand({
            WindowExecutionId: executionId,
            TaskId: taskId,
            NextToken,
          }),
        );
        return { items: r.WindowExecutionTaskInvocationIdentities ?? [], next: r.NextToken };
      });
      for (const inv of invocations) {
        const params = invocationParameters(inv.Parameters);
        const commandId = inv.TaskType === "RUN_COMMAND" ? (inv.ExecutionId ?? null) : null;
        const task = commandId ? (params.task ?? (await commandTask(ssm, commandId))) : null;
        instances.push({
          instanceId: params.instanceId,
          task: task ?? taskLabel(t.TaskArn),
          status: inv.Status ?? "UNKNOWN",
          statusDetails: inv.StatusDetails ?? null,
          start: iso(inv.StartTime),
          durationSeconds: seconds(inv.StartTime, inv.EndTime),
          commandId,
          logs: logsOf(q, commandId, params.instanceId),
        });
      }
      if (invocations.length === 0) {
        // A task that reached no instance (no targets, role denied) is a result too.
        instances.push({
          instanceId: null,
          task: taskLabel(t.TaskArn),
          status: t.Status ?? "UNKNOWN",
          statusDetails: t.StatusDetails ?? null,
          start: iso(t.StartTime),
          durationSeconds: seconds(t.StartTime, t.EndTime),
          commandId: null,
          logs: null,
        });
      }
    }
    runs.push({
      team: q.team,
      window,
      mode: "maintenance-window",
      executionId,
      status: e.Status ?? "UNKNOWN",
      start: iso(e.StartTime),
      durationSeconds: seconds(e.StartTime, e.EndTime),
      instances,
    });
  }
  return runs;
}

async function associationRuns(
  ssm: SSMClient,
  q: RunsQuery,
  window: string,
  name: string,
): Promise<RunRecord[] | undefined> {
  const found = await all(async (NextToken) => {
    const r = await ssm.send(
      new ListAssociationsCommand({
        AssociationFilterList: [{ key: "AssociationName", value: name }],
        NextToken,
      }),
    );
    return { items: r.Associations ?? [], next: r.NextToken };
  });
  const id = found.find((a) => a.AssociationName === name)?.AssociationId;
  if (!id) return undefined;
  const executions = await all(async (NextToken) => {
    const r = await ssm.send(
      new DescribeAssociationExecutionsCommand({
        AssociationId: id,
        Filters: [{ Key: "CreatedTime", Value: filterTime(q.since), Type: "GREATER_THAN" }],
        NextToken,
      }),
    );
    return { items: r.AssociationExecutions ?? [], next: r.NextToken };
  });
  const runs: RunRecord[] = [];
  for (const e of executions) {
    if (!e.ExecutionId) continue;
    const executionId = e.ExecutionId;
    const targets = await all(async (NextToken) => {
      const r = await ssm.send(
        new DescribeAssociationExecutionTargetsCommand({
          AssociationId: id,
          ExecutionId: executionId,
          NextToken,
        }),
      );
      return { items: r.AssociationExecutionTargets ?? [], next: r.NextToken };
    });
    const instances = targets.map((t): InstanceResult => {
      const commandId =
        t.OutputSource?.OutputSourceType === "RunCommand" ? (t.OutputSource.OutputSourceId ?? null) : null;
      const instanceId =
        t.ResourceType === "ManagedInstance" || t.ResourceId?.startsWith("i-")
          ? (t.ResourceId ?? null)
          : null;
      return {
        instanceId,
        task: window,
        status: t.Status ?? "UNKNOWN",
        statusDetails: t.DetailedStatus ?? null,
        start: iso(t.LastExecutionDate),
        durationSeconds: null,
        commandId,
        logs: logsOf(q, commandId, instanceId),
      };
    });
    runs.push({
      team: q.team,
      window,
      mode: "association",
      executionId,
      status: e.Status ?? "UNKNOWN",
      start: iso(e.CreatedTime),
      durationSeconds: null,
      instances,
    });
  }
  return runs;
}

/** The runs of the query's windows and associations since `since`, newest first. */
export async function fetchRuns(ssm: SSMClient, q: RunsQuery): Promise<RunsResult> {
  const runs: RunRecord[] = [];
  const notFound: RunsResult["notFound"] = [];
  for (const w of q.windows) {
    // The name the stack gives the window and the association alike (RetrainingWindow/Association).
    const name = resourceName("maintenanceWindow", q.environment, q.team, w.name);
    const found =
      w.mode === "association"
        ? await associationRuns(ssm, q, w.name, name)
        : await windowRuns(ssm, q, w.name, name);
    if (found === undefined) notFound.push({ team: q.team, window: w.name, name });
    else runs.push(...found);
  }
  runs.sort((a, b) => (b.start ?? "").localeCompare(a.start ?? ""));
  return { runs, notFound };
}
