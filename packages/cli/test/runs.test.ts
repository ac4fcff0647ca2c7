/**
 * `retrain runs` end to end against a local endpoint that speaks the SSM JSON protocol: the real
 * SDK client, its credential chain (fake static keys in the environment) and its endpoint setting.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT, workspaceCopies } from "../../plan/test/support/workspace.js";
import * as R from "./fixtures/ssm/responses.js";
import { retrain } from "./run.js";
import { type Responder, type SsmEndpoint, startSsmEndpoint } from "./support/ssm-endpoint.js";

const NOW = new Date("2026-12-01T12:00:00Z");
const ENV_KEYS = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_EC2_METADATA_DISABLED",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_SSM",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_REGION",
] as const;
const saved: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

/** No ambient credentials or config: only what a test sets. */
function isolateEnv(credentials: boolean) {
  for (const k of ENV_KEYS) delete process.env[k];
  process.env.AWS_CONFIG_FILE = "/nonexistent/aws-config";
  process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent/aws-credentials";
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  if (credentials) {
    process.env.AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    process.env.AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  }
}

const documented: Responder = (op, body) => {
  switch (op) {
    case "DescribeMaintenanceWindows": {
      const name = (body.Filters as { Values: string[] }[])[0]?.Values[0];
      return {
        body:
          name === "retrain-prod-vision-weekly-retrain"
            ? R.describeMaintenanceWindows
            : { WindowIdentities: [] },
      };
    }
    case "DescribeMaintenanceWindowExecutions":
      return { body: R.describeMaintenanceWindowExecutions };
    case "DescribeMaintenanceWindowExecutionTasks":
      return { body: R.executionTasks(String(body.WindowExecutionId)) };
    case "DescribeMaintenanceWindowExecutionTaskInvocations":
      return { body: R.taskInvocations(String(body.WindowExecutionId), String(body.TaskId)) };
    case "ListAssociations":
      return { body: R.listAssociations };
    case "DescribeAssociationExecutions":
      return { body: R.describeAssociationExecutions };
    case "DescribeAssociationExecutionTargets":
      return { body: R.describeAssociationExecutionTargets };
    default:
      return { status: 400, body: { __type: "InvalidAction", message: `unexpected ${op}` } };
  }
};

let endpoint: SsmEndpoint;
let respond: Responder = documented;
beforeAll(async () => {
  for (const k of ENV_KEYS) if (process.env[k] !== undefined) saved[k] = process.env[k];
  endpoint = await startSsmEndpoint((op, body) => respond(op, body));
});
afterAll(async () => {
  for (const k of ENV_KEYS) delete process.env[k];
  Object.assign(process.env, saved);
  await endpoint.close();
});
beforeEach(() => {
  endpoint.received.length = 0;
  respond = documented;
  isolateEnv(true);
});
afterEach(() => {
  isolateEnv(false);
});

const runs = (args: string[]) => retrain(["runs", "--workspace", REPO_ROOT, ...args], { now: NOW });

interface RunsJson {
  since: string;
  runs: {
    team: string;
    window: string;
    mode: string;
    executionId: string;
    status: string;
    start: string;
    durationSeconds: number | null;
    instances: {
      instanceId: string | null;
      task: string;
      status: string;
      commandId: string | null;
      durationSeconds: number | null;
      logs: { logGroup: string; streamPrefix: string; console: string } | null;
    }[];
  }[];
  notFound: { team: string; window: string; name: string }[];
  invalid: { file: string; problem: string }[];
}

const copy = workspaceCopies();

describe("retrain runs against the SSM JSON protocol", () => {
  it("lists a window's executions with per-instance results and log locations, asking SSM by window name", async () => {
    const r = await runs(["--team", "vision", "--since", "14d", "--json", "--endpoint", endpoint.url]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const ops = endpoint.received.map((q) => q.operation);
    expect(ops).toEqual([
      "DescribeMaintenanceWindows",
      "DescribeMaintenanceWindowExecutions",
      "DescribeMaintenanceWindowExecutionTasks",
      "DescribeMaintenanceWindowExecutionTaskInvocations",
      "DescribeMaintenanceWindowExecutionTaskInvocations",
      "DescribeMaintenanceWindowExecutionTasks",
      "DescribeMaintenanceWindowExecutionTaskInvocations",
      "DescribeMaintenanceWindowExecutionTaskInvocations",
    ]);
    const [find, executions, tasks, invocations] = endpoint.received;
    expect(find?.body).toEqual({
      Filters: [{ Key: "Name", Values: ["retrain-prod-vision-weekly-retrain"] }],
    });
    expect(executions?.body).toEqual({
      WindowId: R.WINDOW_ID,
      Filters: [{ Key: "ExecutedAfter", Values: ["2026-11-17T12:00:00Z"] }],
    });
    expect(tasks?.body).toEqual({ WindowExecutionId: R.OK_EXECUTION });
    expect(invocations?.body).toEqual({
      WindowExecutionId: R.OK_EXECUTION,
      TaskId: `${R.OK_EXECUTION.slice(0, 8)}-task-start`,
    });
    for (const q of endpoint.received) {
      expect(q.contentType).toBe("application/x-amz-json-1.1");
      // Signed with the static keys from the environment, for the team's region.
      expect(q.authorization).toMatch(/Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/ssm\/aws4_request/);
    }

    const out = JSON.parse(r.stdout) as RunsJson;
    expect(out.since).toBe("2026-11-17T12:00:00.000Z");
    expect(out.notFound).toEqual([]);
    expect(out.runs.map((x) => [x.window, x.status, x.start, x.durationSeconds])).toEqual([
      ["weekly-retrain", "SUCCESS", "2026-11-29T03:00:00.000Z", 6120],
      ["weekly-retrain", "FAILED", "2026-11-22T03:00:00.000Z", 905],
    ]);
    const failed = out.runs[1]?.instances ?? [];
    expect(failed.map((i) => [i.task, i.instanceId, i.status, i.commandId])).toEqual([
      ["start-instances", R.INSTANCE, "SUCCESS", null],
      ["retrain", R.INSTANCE, "FAILED", R.FAILED_COMMAND_ID],
    ]);
    expect(failed[1]?.logs).toMatchObject({
      logGroup: "/retrain/prod/runs",
      streamPrefix: `${R.FAILED_COMMAND_ID}/${R.INSTANCE}/`,
    });
    expect(failed[1]?.logs?.console).toMatch(
      /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#logsV2:log-groups\/log-group\/\$252Fretrain\$252Fprod\$252Fruns/,
    );
  });

  it("prints the same as text: one line per execution and per instance with its logs", async () => {
    const r = await runs([
      "--team",
      "vision",
      "--window",
      "weekly-retrain",
      "--since",
      "14d",
      "--endpoint",
      endpoint.url,
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("vision/weekly-retrain (maintenance window)");
    expect(lines).toContain(`  2026-11-22 03:00 UTC  FAILED       15m 05s  execution ${R.FAILED_EXECUTION}`);
    expect(lines.find((l) => l.includes(R.FAILED_COMMAND_ID) && l.includes("logs:"))).toContain(
      `logs: /retrain/prod/runs stream ${R.FAILED_COMMAND_ID}/${R.INSTANCE}/*`,
    );
    expect(lines.some((l) => /^ {4}retrain\s+i-02573cafcfEXAMPLE\s+FAILED {2}13m 05s$/.test(l))).toBe(true);
    expect(lines.at(-2)).toBe("2 runs since 2026-11-17T12:00:00.000Z, 1 not successful");
  });

  it("names a Run Command task from its command's comment when the invocation's parameters do not", async () => {
    // AWS's example of the invocation's Parameters holds only the document, instances, concurrency
    // and parameters: the task then comes from ListCommands' Comment ("retrain <team>/<window>/<task>").
    const withoutTaskNames =
      (listCommands: Responder): Responder =>
      (op, body) => {
        if (op === "ListCommands") return listCommands(op, body);
        const answer = documented(op, body);
        if (op !== "DescribeMaintenanceWindowExecutionTaskInvocations") return answer;
        const ids = (answer.body as { WindowExecutionTaskInvocationIdentities: { Parameters: string }[] })
          .WindowExecutionTaskInvocationIdentities;
        for (const inv of ids) {
          const {
            comment: _c,
            outputS3KeyPrefix: _o,
            ...rest
          } = JSON.parse(inv.Parameters) as Record<string, unknown>;
          inv.Parameters = JSON.stringify(rest);
        }
        return answer;
      };
    const asked: string[] = [];
    respond = withoutTaskNames((_op, body) => {
      asked.push(String(body.CommandId));
      return {
        body: { Commands: [{ CommandId: body.CommandId, Comment: "retrain vision/weekly-retrain/retrain" }] },
      };
    });
    const tasks = async () => {
      const r = await runs(["--team", "vision", "--since", "14d", "--json", "--endpoint", endpoint.url]);
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout) as RunsJson).runs.map((x) => x.instances.map((i) => i.task));
    };
    expect(await tasks()).toEqual([
      ["start-instances", "retrain"],
      ["start-instances", "retrain"],
    ]);
    expect(asked.sort()).toEqual([R.COMMAND_ID, R.FAILED_COMMAND_ID].sort());

    // Without the permission the document is the label, and the runs still list.
    respond = withoutTaskNames(() => ({
      status: 400,
      body: { __type: "AccessDeniedException", message: "not authorized" },
    }));
    expect(await tasks()).toEqual([
      ["start-instances", "retrain-prod-vision-train"],
      ["start-instances", "retrain-prod-vision-train"],
    ]);
  });

  it("reads an association's executions and targets by association name", async () => {
    const r = await runs(["--team", "recsys", "--json", "--endpoint", endpoint.url]);
    expect(r.code).toBe(0);
    expect(endpoint.received.map((q) => [q.operation, q.body])).toEqual([
      [
        "ListAssociations",
        { AssociationFilterList: [{ key: "AssociationName", value: "retrain-dev-recsys-daily-refresh" }] },
      ],
      [
        "DescribeAssociationExecutions",
        {
          AssociationId: R.ASSOCIATION_ID,
          Filters: [{ Key: "CreatedTime", Value: "2026-11-24T12:00:00Z", Type: "GREATER_THAN" }],
        },
      ],
      [
        "DescribeAssociationExecutionTargets",
        { AssociationId: R.ASSOCIATION_ID, ExecutionId: R.ASSOCIATION_EXECUTION },
      ],
    ]);
    const out = JSON.parse(r.stdout) as RunsJson;
    expect(out.runs).toHaveLength(1);
    expect(out.runs[0]).toMatchObject({ window: "daily-refresh", mode: "association", status: "Success" });
    expect(out.runs[0]?.instances[0]).toMatchObject({
      instanceId: R.INSTANCE,
      commandId: R.ASSOCIATION_COMMAND,
      logs: { logGroup: "/retrain/dev/runs", streamPrefix: `${R.ASSOCIATION_COMMAND}/${R.INSTANCE}/` },
    });
  });

  it("takes the endpoint from AWS_ENDPOINT_URL_SSM, the SDK's own setting", async () => {
    process.env.AWS_ENDPOINT_URL_SSM = endpoint.url;
    const r = await runs(["--team", "recsys", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(endpoint.received.map((q) => q.operation)).toContain("DescribeAssociationExecutionTargets");
  });

  it("says which windows SSM does not know (not deployed, other account or region)", async () => {
    const r = await runs(["--team", "nlp", "--endpoint", endpoint.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "nlp/nightly-finetune: no window or association named retrain-prod-nlp-nightly-finetune in SSM",
    );
    expect(r.stdout).toContain("0 runs since");
  });

  it("without --team warns about each invalid team config and lists it in --json, still exiting 0", async () => {
    const ws = copy();
    const file = "stacks/scheduling/teams/recsys/Pulumi.recsys.yaml";
    ws.editYaml(file, (doc) => doc.setIn(["config", "scheduling:windows", 0, "schedule"], "whenever"));
    const r = await retrain(["runs", "--workspace", ws.root, "--endpoint", endpoint.url, "--json"], {
      now: NOW,
    });
    expect(r.code).toBe(0);
    const warnings = r.stderr.split("\n").filter((l) => l.startsWith("warning:"));
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warning: ${file}: left out, its config is invalid: scheduling:windows\\[0\\]\\.schedule \\(line \\d+:\\d+\\): `,
        ),
      ),
    ]);
    const json = JSON.parse(r.stdout) as RunsJson;
    expect(json.invalid).toEqual([
      { file, problem: expect.stringMatching(/^scheduling:windows\[0\]\.schedule/) },
    ]);
    expect(json.runs.map((x) => x.team)).toContain("vision");
    expect(json.runs.map((x) => x.team)).not.toContain("recsys");
  });

  it("lists no invalid configs when every team config is valid", async () => {
    const r = await runs(["--endpoint", endpoint.url, "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("warning:");
    expect((JSON.parse(r.stdout) as RunsJson).invalid).toEqual([]);
  });

  it("exits 1 naming the SSM error when a call is refused", async () => {
    respond = () => ({
      status: 400,
      body: {
        __type: "AccessDeniedException",
        message: "User is not authorized to perform: ssm:DescribeMaintenanceWindows",
      },
    });
    const r = await runs(["--team", "vision", "--endpoint", endpoint.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /Systems Manager call failed: AccessDeniedException: User is not authorized to perform: ssm:DescribeMaintenanceWindows/,
    );
  });

  it("without credentials exits 2 saying how to provide them, and sends nothing", async () => {
    isolateEnv(false);
    const r = await runs(["--team", "vision", "--endpoint", endpoint.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error: no AWS credentials found\. .*aws sso login --profile .*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    expect(endpoint.received).toEqual([]);
  });

  it.each([
    [["--since", "0d"], /--since must be a duration such as 30m, 12h or 7d, at most 30d/],
    [["--since", "31d"], /--since must be a duration .* at most 30d/],
    [["--since", "2w"], /--since must be a duration/],
    [
      ["--team", "nobody"],
      /--team must be one of the workspace's teams: nlp, recsys, vision \(found "nobody"\)/,
    ],
    [
      ["--team", "vision", "--window", "nope"],
      /--window must be a window of vision: vision\/weekly-retrain \(found "nope"\)/,
    ],
    [["--endpoint", "ftp://example.com"], /--endpoint must be an http\(s\) URL/],
    [["--region", "Europe"], /--region must be an AWS region such as eu-west-1 \(found "Europe"\)/],
    [["--log-group", ""], /--log-group needs a log group name, got an empty value: 1-512 characters/],
    [
      ["--log-group", "--json"],
      /--log-group needs a log group name, got "--json", which looks like an option/,
    ],
    [["--log-group", "-x"], /--log-group needs a log group name, got "-x"/],
    [
      ["--log-group", "/retrain/prod runs"],
      /--log-group must be 1-512 characters of letters, digits and \. - _ \/ # .*\(found "\/retrain\/prod runs"\)/,
    ],
    [["--log-group", "/retrain/prod:runs"], /--log-group must be .*\(found "\/retrain\/prod:runs"\)/],
    [["--log-group", "a".repeat(513)], /--log-group must be 1-512 characters/],
  ])("rejects %j with exit 2 naming the flag", async (args, message) => {
    const r = await runs(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(endpoint.received).toEqual([]);
  });
});
