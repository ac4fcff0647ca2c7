import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { encodeCommand, TASK_PRIORITIES, verifyTrainingDocument } from "@retrain/components";
import { ConfigError, loadStackConfig, schedulingOutputsSchema } from "@retrain/config";
import { runStackProgram, type StackRunResult } from "@retrain/offline";
import { resourcesOfType } from "@retrain/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { schedulingProgram } from "../src/program.js";
import { runExampleUpstream } from "./support/example-upstream.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const stacksDir = path.join(here, "..", "..");
const load = (kind: string, folder: string, stack: string) =>
  loadStackConfig(path.join(stacksDir, kind, folder, stack, `Pulumi.${stack}.yaml`));

const TASK = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";
const TEAMS = ["vision", "nlp", "recsys"];

/** Outputs of the real iam and fleet programs under the harness, keyed by StackReference name. */
const upstream: Record<string, Record<string, unknown>> = {};
beforeAll(async () => {
  const example = await runExampleUpstream();
  for (const { iam, fleet } of Object.values(example.runs)) {
    expect(iam.errors).toEqual([]);
    expect(fleet.errors).toEqual([]);
  }
  Object.assign(upstream, example.upstream);
});

function runTeam(team: string, config?: Record<string, unknown>, refs = upstream) {
  const loaded = load("scheduling", "teams", team);
  return runStackProgram({
    project: loaded.project,
    stack: loaded.stack,
    program: schedulingProgram,
    config: config ?? loaded.raw,
    upstream: refs,
  });
}

function must<T>(value: T | undefined): T {
  expect(value).toBeDefined();
  return value as T;
}

const param = (task: { inputs: Record<string, unknown> }, name: string) => {
  const rc = (
    task.inputs.taskInvocationParameters as {
      runCommandParameters: { parameters: { name: string; values: string[] }[] };
    }
  ).runCommandParameters;
  return rc.parameters.find((p) => p.name === name)?.values;
};

describe("scheduling stack", () => {
  it.each(TEAMS)("runs team %s's example config and exports the contract", async (team) => {
    const result = await runTeam(team);
    expect(result.errors).toEqual([]);
    const outputs = schedulingOutputsSchema.parse(result.outputs);
    expect(Object.keys(result.outputs)).toEqual(["windows", "alerts"]);
    const config = load("scheduling", "teams", team).config as {
      windows: { name: string; schedule: string }[];
    };
    expect(outputs.windows.map((w) => [w.name, w.schedule])).toEqual(
      config.windows.map((w) => [w.name, w.schedule]),
    );
    for (const w of outputs.windows) {
      expect(w.id).not.toBe("");
      expect(w.nextRuns).toHaveLength(5);
      const times = w.nextRuns.map((t) => Date.parse(t));
      expect(times.every((t, i) => i === 0 || t > (times[i - 1] as number))).toBe(true);
    }
  });

  describe("vision (maintenance window with start/stop)", () => {
    let result: StackRunResult;
    beforeAll(async () => {
      result = await runTeam("vision");
    });

    it("creates the window with the configured schedule, zone, duration and cutoff", () => {
      const [window] = resourcesOfType(result, "aws:ssm/maintenanceWindow:MaintenanceWindow");
      expect(window?.inputs).toMatchObject({
        name: "retrain-prod-vision-weekly-retrain",
        schedule: "cron(0 4 ? * SUN *)",
        scheduleTimezone: "Europe/Berlin",
        duration: 4,
        cutoff: 1,
        enabled: true,
        allowUnassociatedTargets: false,
      });
    });

    it("targets the pool by tag, never by instance id: the training tasks on one target, start/stop on another", () => {
      const targets = resourcesOfType(result, "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget");
      expect(targets.map((t) => t.inputs.name)).toEqual(["a10g-pool", "a10g-power"]);
      for (const target of targets) {
        expect(target.inputs.resourceType).toBe("INSTANCE");
        expect(target.inputs.targets).toEqual([
          { key: "tag:retrain:pool", values: ["a10g"] },
          { key: "tag:retrain:fleet", values: ["retrain-prod"] },
        ]);
      }
      const [training, power] = targets;
      for (const task of resourcesOfType(result, TASK)) {
        const on = task.inputs.taskType === "AUTOMATION" ? power : training;
        expect(task.inputs.targets).toEqual([{ key: "WindowTargetIds", values: [on?.id] }]);
      }
    });

    it("counts a success only from the training tasks' target (start/stop invocations also end in SUCCESS)", () => {
      const [training, power] = resourcesOfType(
        result,
        "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
      );
      const filters = resourcesOfType(result, "aws:cloudwatch/logMetricFilter:LogMetricFilter").filter((f) =>
        String(f.inputs.name).endsWith("-succeeded"),
      );
      expect(filters.length).toBeGreaterThan(0);
      for (const f of filters) {
        expect(f.inputs.pattern).toBe(`"Task Target Invocation State-change" "SUCCESS" "${training?.id}"`);
        expect(String(f.inputs.pattern)).not.toContain(String(power?.id));
      }
    });

    it("runs the team's document with the task timeout, command and output locations", () => {
      const task = must(resourcesOfType(result, TASK).find((t) => t.inputs.taskType === "RUN_COMMAND"));
      expect(task.inputs.taskArn).toBe("retrain-prod-vision-train");
      const rc = (task.inputs.taskInvocationParameters as { runCommandParameters: Record<string, unknown> })
        .runCommandParameters;
      expect(rc).toMatchObject({
        timeoutSeconds: 6000,
        outputS3Bucket: upstream["organization/retrain-iam/prod"]?.artifactBucket,
        outputS3KeyPrefix: "runs/vision/weekly-retrain/retrain",
        cloudwatchConfig: { cloudwatchLogGroupName: "/retrain/prod/runs", cloudwatchOutputEnabled: true },
      });
      expect(param(task, "executionTimeout")).toEqual(["6000"]);
      // The command travels encoded, never as shell text; the user is baked into the document.
      expect(param(task, "commandBase64")).toEqual([
        encodeCommand("python /opt/retrain/train.py --model resnet50 --epochs 20"),
      ]);
      expect(param(task, "runAs")).toBeUndefined();
    });

    it("pins the document version the provider made the default, in every RUN_COMMAND task", () => {
      const [doc] = resourcesOfType(result, "aws:ssm/document:Document");
      expect(doc?.outputs.latestVersion).toBe("1");
      for (const t of resourcesOfType(result, TASK).filter((t) => t.inputs.taskType === "RUN_COMMAND")) {
        const rc = (t.inputs.taskInvocationParameters as { runCommandParameters: Record<string, unknown> })
          .runCommandParameters;
        expect(rc.documentVersion).toBe(doc?.outputs.latestVersion);
      }
    });

    it("runs tasks as the window role and the start/stop runbooks as the pool's own start/stop role", () => {
      const iam = upstream["organization/retrain-iam/prod"] as Record<string, unknown>;
      const roleArn = iam.maintenanceWindowRoleArn;
      const poolRole = (iam.startStopRoleArns as Record<string, string>).a10g;
      expect(roleArn).toMatch(/^arn:aws:iam::123456789012:role\//);
      expect(poolRole).toBe("arn:aws:iam::123456789012:role/retrain-prod-startstop-a10g");
      const tasks = resourcesOfType(result, TASK);
      expect(tasks).toHaveLength(3);
      for (const t of tasks) expect(t.inputs.serviceRoleArn).toBe(roleArn);
      for (const runbook of ["AWS-StartEC2Instance", "AWS-StopEC2Instance"]) {
        const task = must(tasks.find((t) => t.inputs.taskArn === runbook));
        const auto = (
          task.inputs.taskInvocationParameters as {
            automationParameters: { parameters: { name: string; values: string[] }[] };
          }
        ).automationParameters.parameters;
        expect(auto, runbook).toEqual([
          { name: "InstanceId", values: ["{{RESOURCE_ID}}"] },
          { name: "AutomationAssumeRole", values: [poolRole] },
        ]);
      }
    });

    it("starts the pool before every task and stops it after", () => {
      const tasks = resourcesOfType(result, TASK);
      const priority = (arn: string) =>
        tasks.find((t) => t.inputs.taskArn === arn)?.inputs.priority as number;
      const work = tasks
        .filter((t) => t.inputs.taskType === "RUN_COMMAND")
        .map((t) => t.inputs.priority as number);
      expect(priority("AWS-StartEC2Instance")).toBe(TASK_PRIORITIES.startInstances);
      expect(Math.min(...work)).toBeGreaterThan(priority("AWS-StartEC2Instance"));
      expect(Math.max(...work)).toBeLessThan(priority("AWS-StopEC2Instance"));
      for (const t of tasks.filter((t) => t.inputs.taskType === "AUTOMATION"))
        expect(t.inputs.serviceRoleArn).toBeDefined();
    });

    it("owns the team's training document, with the team role the IAM stack exported baked in", () => {
      const [doc] = resourcesOfType(result, "aws:ssm/document:Document");
      expect(doc?.inputs).toMatchObject({ name: "retrain-prod-vision-train", documentType: "Command" });
      const roles = must(upstream["organization/retrain-iam/prod"]).teamRoleArns as Record<string, string>;
      const teamRoleArn = roles.vision;
      expect(teamRoleArn).toMatch(/:role\/retrain-prod-team-vision$/);
      expect(verifyTrainingDocument(String(doc?.inputs.content))).toMatchObject({
        ok: true,
        spec: { team: "vision", environment: "prod", teamRoleArn },
      });
      const content = JSON.parse(String(doc?.inputs.content)) as { parameters: Record<string, unknown> };
      expect(Object.keys(content.parameters).sort()).toEqual(["commandBase64", "executionTimeout"]);
    });
  });

  it("runs nlp's tasks in config order between starting and stopping its pool (prod stops idle instances)", async () => {
    const result = await runTeam("nlp");
    const nightly = resourcesOfType(result, TASK).filter((t) => t.parent?.endsWith("::nightly-finetune"));
    // SSM runs them by priority, whatever order they were registered in.
    const byPriority = [...nightly].sort((a, b) => Number(a.inputs.priority) - Number(b.inputs.priority));
    expect(byPriority.map((t) => [t.inputs.name, t.inputs.priority])).toEqual([
      ["start-instances", TASK_PRIORITIES.startInstances],
      ["finetune", TASK_PRIORITIES.firstTask],
      ["evaluate", TASK_PRIORITIES.firstTask + 1],
      ["stop-instances", TASK_PRIORITIES.stopInstancesAtLeast],
    ]);
    const zones = resourcesOfType(result, "aws:ssm/maintenanceWindow:MaintenanceWindow").map(
      (w) => w.inputs.scheduleTimezone,
    );
    expect(zones).toEqual(["America/New_York", "America/New_York"]);
  });

  it("creates an association for recsys on the pool tag with compliance and concurrency", async () => {
    const result = await runTeam("recsys");
    expect(resourcesOfType(result, "aws:ssm/maintenanceWindow:MaintenanceWindow")).toEqual([]);
    const [association] = resourcesOfType(result, "aws:ssm/association:Association");
    expect(association?.inputs).toMatchObject({
      name: "retrain-dev-recsys-train",
      scheduleExpression: "cron(30 2 ? * * *)",
      applyOnlyAtCronInterval: true,
      complianceSeverity: "HIGH",
      maxConcurrency: "1",
      maxErrors: "1",
      targets: [
        { key: "tag:retrain:pool", values: ["a10g"] },
        { key: "tag:retrain:fleet", values: ["retrain-dev"] },
      ],
      parameters: {
        commandBase64: encodeCommand("python /opt/recsys/refresh_embeddings.py"),
        executionTimeout: "3600",
      },
      documentVersion: "1",
    });
    expect(Object.keys(association?.inputs.parameters as object).sort()).toEqual([
      "commandBase64",
      "executionTimeout",
    ]);
  });

  it("fails on an invalid team config before any resource is registered, naming file and keys", async () => {
    const raw = load("scheduling", "teams", "vision").raw;
    const windows = structuredClone(raw["scheduling:windows"]) as Record<string, unknown>[];
    Object.assign(windows[0] as object, { schedule: "cron(0 4 * * SUN *)", durationHours: 30 });
    const result = await runTeam("vision", { ...raw, "scheduling:windows": windows });
    expect(result.resources.filter((r) => r.type !== "pulumi:pulumi:Stack")).toEqual([]);
    const [error] = result.errors;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain("Pulumi.vision.yaml");
    expect(error?.message).toContain("scheduling:windows[0].schedule");
    expect(error?.message).toContain("scheduling:windows[0].durationHours");
  });

  it("fails naming the pool and the fleet stack when the pool does not exist", async () => {
    const raw = load("scheduling", "teams", "vision").raw;
    const windows = structuredClone(raw["scheduling:windows"]) as Record<string, unknown>[];
    Object.assign(windows[0] as object, { pool: "h100" });
    // Granted, so the check that remains is the fleet's: the pool is not there.
    const registry = path.join(mkdtempSync(path.join(tmpdir(), "tenants-")), "tenants.yaml");
    writeFileSync(
      registry,
      "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: [h100]\n    alertEmailDomains: [vision.example.com]\n",
    );
    const result = await runStackProgram({
      project: "retrain-scheduling",
      stack: "vision",
      program: () => schedulingProgram({ tenantRegistry: registry }),
      config: { ...raw, "scheduling:windows": windows },
      upstream,
    });
    expect(result.errors.map((e) => e.message).join("\n")).toContain(
      'scheduling:windows[0].pool: "h100" is not a pool of fleet stack "organization/retrain-fleet/prod"',
    );
  });

  it("fails naming the pool when a start/stop window's pool has no start/stop role in the IAM stack", async () => {
    const iam = { ...upstream["organization/retrain-iam/prod"], startStopRoleArns: {} };
    const result = await runTeam("vision", undefined, { ...upstream, "organization/retrain-iam/prod": iam });
    expect(result.errors.map((e) => e.message).join("\n")).toContain(
      'window "vision/weekly-retrain" starts and stops pool "a10g", but the IAM stack of prod has no start/stop role for it',
    );
  });

  it("fails naming the referenced stack and key when the IAM stack lacks the role output", async () => {
    const { maintenanceWindowRoleArn: _, ...iam } = upstream["organization/retrain-iam/prod"] as Record<
      string,
      unknown
    >;
    const result = await runTeam("vision", undefined, { ...upstream, "organization/retrain-iam/prod": iam });
    expect(result.errors.map((e) => e.message).join("\n")).toContain(
      'stack "organization/retrain-iam/prod" has no output "maintenanceWindowRoleArn"',
    );
  });

  it("fails naming the team when the IAM stack exports no training role for it", async () => {
    const iam = upstream["organization/retrain-iam/prod"] as Record<string, unknown>;
    const { vision: _, ...others } = iam.teamRoleArns as Record<string, string>;
    const result = await runTeam("vision", undefined, {
      ...upstream,
      "organization/retrain-iam/prod": { ...iam, teamRoleArns: others },
    });
    expect(result.errors.map((e) => e.message).join("\n")).toContain(
      'iam stack of "prod" exports no training role for team "vision"',
    );
  });

  it("fails naming the stack when an upstream stack is unknown", async () => {
    const { "organization/retrain-fleet/prod": _, ...rest } = upstream;
    const result = await runTeam("vision", undefined, rest);
    expect(result.errors.map((e) => e.message).join("\n")).toContain(
      'unknown stack "organization/retrain-fleet/prod"',
    );
  });
});

describe("the tenant registry inside the program (pulumi preview without the plan)", () => {
  /** Runs `team`'s stack with its example config changed by `edit`; the registry found from the program's folder unless given. */
  async function runEdited(
    team: string,
    edit: (config: Record<string, unknown>) => Record<string, unknown>,
    options: { stack?: string; tenantRegistry?: string } = {},
  ) {
    const loaded = load("scheduling", "teams", team);
    return runStackProgram({
      project: loaded.project,
      stack: options.stack ?? loaded.stack,
      program: () =>
        schedulingProgram(
          options.tenantRegistry !== undefined ? { tenantRegistry: options.tenantRegistry } : {},
        ),
      config: edit(structuredClone(loaded.raw)),
      upstream,
    });
  }

  const withPool = (config: Record<string, unknown>, pool: string) => {
    for (const w of config["scheduling:windows"] as Record<string, unknown>[]) w.pool = pool;
    return config;
  };

  it.each<
    [string, string, (c: Record<string, unknown>) => Record<string, unknown>, RegExp, { stack?: string }?]
  >([
    [
      "a dev team moving to prod",
      "recsys",
      (c) => ({ ...c, "scheduling:environment": "prod" }),
      /scheduling:environment: team "recsys" may not use environment "prod"; it is granted dev \(pool a10g\) in policies\/tenants\.yaml/,
    ],
    [
      "a pool granted to another team",
      "vision",
      (c) => withPool(c, "l4"),
      /scheduling:windows\[0\]\.pool: team "vision" may not use pool "l4" of prod; it is granted prod \(pool a10g\)/,
    ],
    [
      // Config validation refuses these in the file; the program sees what Pulumi's parser read.
      "provider settings only Pulumi's YAML parser saw",
      "vision",
      (c) => ({
        ...c,
        "aws:profile": "team-vision",
        "aws:endpoints": JSON.stringify([{ ssm: "https://ssm.attacker.example" }]),
      }),
      /aws:endpoints: not allowed in a team's stack: a team's file sets only scheduling: keys and aws:region[\s\S]*aws:profile: not allowed in a team's stack/,
    ],
    [
      "a key of another namespace",
      "vision",
      (c) => ({ ...c, "fleet:pools": "[]" }),
      /fleet:pools: not allowed in a team's stack/,
    ],
    [
      "a team the registry does not know",
      "vision",
      (c) => ({ ...c, "scheduling:team": "mallory" }),
      /scheduling:team: team "mallory" is not registered in policies\/tenants\.yaml/,
      { stack: "mallory" },
    ],
  ])(
    "throws a ConfigError for %s before any resource, naming the team and its grants",
    async (_n, team, edit, message, opts) => {
      const result = await runEdited(team, edit, opts ?? {});
      expect(result.resources.filter((r) => r.type !== "pulumi:pulumi:Stack")).toEqual([]);
      expect(result.errors[0]).toBeInstanceOf(ConfigError);
      expect(result.errors[0]?.message).toMatch(message);
    },
  );

  it("fails closed when the registry is missing or broken", async () => {
    const missing = await runEdited("vision", (c) => c, {
      tenantRegistry: "/nonexistent/policies/tenants.yaml",
    });
    expect(missing.errors[0]).toBeInstanceOf(ConfigError);
    expect(missing.errors[0]?.message).toMatch(
      /scheduling:team: cannot check the team's grants: the tenant registry policies\/tenants\.yaml is invalid: cannot read the tenant registry/,
    );
    const broken = path.join(mkdtempSync(path.join(tmpdir(), "tenants-")), "tenants.yaml");
    writeFileSync(broken, "teams:\n  vision:\n    grants: []\n");
    const result = await runEdited("vision", (c) => c, { tenantRegistry: broken });
    expect(result.errors[0]?.message).toMatch(
      /the tenant registry \S+tenants\.yaml is invalid: teams\.vision\.grants \(line 3\): a team needs at least one grant/,
    );
    expect(result.resources.filter((r) => r.type !== "pulumi:pulumi:Stack")).toEqual([]);
  });

  it("reads no StackReference override a team might still pass as config", async () => {
    const result = await runEdited("vision", (c) => ({
      ...c,
      "scheduling:iamStack": "organization/retrain-iam/dev",
      "scheduling:fleetStack": "organization/retrain-fleet/dev",
    }));
    expect(result.errors[0]?.message).toMatch(/scheduling:iamStack: unknown key/);
    expect(result.errors[0]?.message).toMatch(/scheduling:fleetStack: unknown key/);
  });
});
