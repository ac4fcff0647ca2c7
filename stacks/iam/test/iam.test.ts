import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, iamOutputsSchema, loadStackConfig } from "@retrain/config";
import { runStackProgram } from "@retrain/offline";
import { policyDocumentsOf, resourceNamed, resourcesOfType, statementsOf } from "@retrain/testing";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { iamProgram } from "../src/program.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const envFile = (env: string) => path.join(here, "..", "envs", env, `Pulumi.${env}.yaml`);
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

async function runEnv(
  env: string,
  overrides: Record<string, unknown> = {},
  options: Parameters<typeof iamProgram>[0] = {},
) {
  const loaded = loadStackConfig(envFile(env));
  return runStackProgram({
    project: loaded.project,
    stack: loaded.stack,
    program: () => iamProgram(options),
    config: { ...loaded.raw, ...overrides },
  });
}
type Run = Awaited<ReturnType<typeof runEnv>>;

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const policyOf = (result: Run, name: string) =>
  statementsOf(JSON.parse(String(resourceNamed(result, ROLE_POLICY, name).inputs.policy)));
const bySid = (statements: Record<string, unknown>[]) =>
  Object.fromEntries(statements.map((s) => [String(s.Sid), s]));
const trustOf = (result: Run, name: string) =>
  statementsOf(JSON.parse(String(resourceNamed(result, ROLE, name).inputs.assumeRolePolicy)));
const actionsOf = (statements: Record<string, unknown>[]) => statements.flatMap((s) => asList(s.Action));

describe("iam stack", () => {
  it.each([
    ["dev", ["recsys"], ["a10g"]],
    ["prod", ["nlp", "vision"], ["a10g", "l4"]],
  ])(
    "runs with the %s example config: a role per granted team and pool, exactly the contract",
    async (env, teams, pools) => {
      const result = await runEnv(env);
      expect(result.errors).toEqual([]);
      expect(Object.keys(result.outputs).sort()).toEqual(Object.keys(iamOutputsSchema.shape).sort());
      expect(iamOutputsSchema.parse(result.outputs)).toEqual(result.outputs);
      expect(result.outputs.maintenanceWindowRoleArn).toBe(
        `arn:aws:iam::123456789012:role/retrain-${env}-maintenance-window`,
      );
      expect(result.outputs.teamRoleArns).toEqual(
        Object.fromEntries(teams.map((t) => [t, `arn:aws:iam::123456789012:role/retrain-${env}-team-${t}`])),
      );
      expect(result.outputs.startStopRoleArns).toEqual(
        Object.fromEntries(
          pools.map((p) => [p, `arn:aws:iam::123456789012:role/retrain-${env}-startstop-${p}`]),
        ),
      );
      expect(result.outputs.logGroupName).toBe(`/retrain/${env}/runs`);
    },
  );

  it("never allows a wildcard action, NotAction/NotResource, or Resource * outside resource-less actions", async () => {
    const result = await runEnv("prod");
    const docs = policyDocumentsOf(result);
    expect(docs.length).toBeGreaterThanOrEqual(10);
    // Actions AWS defines without a resource type: the only ones allowed on "*".
    const resourceless = new Set([
      "ssm:CancelCommand",
      "ssm:GetCommandInvocation",
      "ssm:ListCommandInvocations",
      "ssm:ListCommands",
      "ssm:DescribeInstanceInformation",
      "ec2:DescribeInstanceStatus",
      "ec2:DescribeInstances",
      "logs:DescribeLogGroups",
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
      "ec2messages:AcknowledgeMessage",
      "ec2messages:DeleteMessage",
      "ec2messages:FailMessage",
      "ec2messages:GetEndpoint",
      "ec2messages:GetMessages",
      "ec2messages:SendReply",
    ]);
    // The agent's own managed-node calls, in AWS's own form (AmazonSSMManagedInstanceCore), exempted
    // by the pack's reviewed project exemptions; only on the instance role's policy.
    const agentNode = new Set([
      "ssm:UpdateInstanceInformation",
      "ssm:ListInstanceAssociations",
      "ssm:DescribeAssociation",
      "ssm:UpdateInstanceAssociationStatus",
      "ssm:PutComplianceItems",
    ]);
    for (const { resource, property, document } of docs) {
      for (const [i, s] of statementsOf(document).entries()) {
        const where = `${resource.name}.${property} statement ${i}`;
        expect(s.NotAction, where).toBeUndefined();
        expect(s.NotResource, where).toBeUndefined();
        expect(s.NotPrincipal, where).toBeUndefined();
        expect(s.Principal, where).not.toBe("*");
        for (const action of asList(s.Action)) expect(String(action), where).not.toMatch(/[*?]/);
        const resources = asList(s.Resource).map(String);
        if (resources.includes("*")) {
          for (const action of asList(s.Action)) {
            const allowed =
              resourceless.has(String(action)) ||
              (resource.name === "training-instance-agent" && agentNode.has(String(action)));
            expect(allowed, `${where}: ${String(action)} on *`).toBe(true);
          }
        }
        for (const r of resources)
          expect(r, where).not.toMatch(/^arn:[^:]+:[^:]+:[^:]*:[^:]*:\*$|^arn:[^:]+:s3:::\*$/);
      }
    }
    expect(resourcesOfType(result, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toEqual([]);
  });

  it("trusts SSM for the window and start/stop roles only in the documented confused-deputy form", async () => {
    const result = await runEnv("dev");
    for (const role of ["maintenance-window", "startstop-a10g"]) {
      const [statement, ...rest] = trustOf(result, role);
      expect(rest, role).toEqual([]);
      expect(statement, role).toEqual({
        Sid: "SsmServiceOfThisAccount",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "ssm.amazonaws.com" },
        Condition: {
          StringEquals: { "aws:SourceAccount": "123456789012" },
          ArnLike: { "aws:SourceArn": "arn:aws:ssm:eu-west-1:123456789012:*" },
        },
      });
    }
  });

  it("lets the window role send project documents to fleet instances and start runbooks, never start/stop itself", async () => {
    const result = await runEnv("dev");
    const statements = policyOf(result, "maintenance-window-permissions");
    const s = bySid(statements);
    expect(s.RunProjectDocuments?.Resource).toContain(
      "arn:aws:ssm:eu-west-1:123456789012:document/retrain-dev-*",
    );
    expect(s.RunOnFleetInstancesOnly).toMatchObject({
      Action: "ssm:SendCommand",
      Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
      Condition: { StringEquals: { "ssm:resourceTag/retrain:fleet": "retrain-dev" } },
    });
    expect(asList(s.StartStopAutomations?.Resource).sort()).toEqual([
      "arn:aws:ssm:eu-west-1:123456789012:automation-execution/*",
      "arn:aws:ssm:eu-west-1::automation-definition/AWS-StartEC2Instance:*",
      "arn:aws:ssm:eu-west-1::automation-definition/AWS-StopEC2Instance:*",
      "arn:aws:ssm:eu-west-1::document/AWS-StartEC2Instance",
      "arn:aws:ssm:eu-west-1::document/AWS-StopEC2Instance",
    ]);
    // The pools' roles by their name prefix, as the documents: a list of every pool's role would
    // outgrow the role's 10,240 characters of inline policy at ≈140 pools.
    expect(s.PassPoolStartStopRolesToSsm).toMatchObject({
      Action: "iam:PassRole",
      Resource: "arn:aws:iam::123456789012:role/retrain-dev-startstop-*",
      Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
    });
    expect(s.PassOnlyItselfToSsm).toMatchObject({
      Resource: "arn:aws:iam::123456789012:role/retrain-dev-maintenance-window",
      Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
    });
    const actions = actionsOf(statements);
    for (const denied of ["ec2:StartInstances", "ec2:StopInstances", "tag:GetResources", "ssm:GetParameters"])
      expect(actions, denied).not.toContain(denied);
  });

  it("scopes each start/stop role to its own pool of this fleet", async () => {
    const result = await runEnv("prod");
    for (const pool of ["a10g", "l4"]) {
      const s = bySid(policyOf(result, `startstop-${pool}-permissions`));
      expect(s.StartStopPoolInstancesOnly).toEqual({
        Sid: "StartStopPoolInstancesOnly",
        Effect: "Allow",
        Action: ["ec2:StopInstances", "ec2:StartInstances"],
        Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
        Condition: {
          StringEquals: {
            "aws:ResourceTag/retrain:fleet": "retrain-prod",
            "aws:ResourceTag/retrain:pool": pool,
          },
        },
      });
      expect(resourceNamed(result, ROLE, `startstop-${pool}`).inputs.tags).toMatchObject({
        "retrain:pool": pool,
      });
    }
  });

  it("drops the start/stop roles and automation permissions when start/stop is disabled", async () => {
    const result = await runEnv("dev", { "iam:allowStartStop": false });
    expect(result.errors).toEqual([]);
    expect(result.outputs.startStopRoleArns).toEqual({});
    const actions = actionsOf(policyOf(result, "maintenance-window-permissions"));
    expect(actions).not.toContain("ssm:StartAutomationExecution");
    expect(resourcesOfType(result, ROLE).map((r) => r.name)).not.toContain("startstop-a10g");
  });

  it("keeps the instance role to the agent's needs and the team hand-off: no Parameter Store, no team data", async () => {
    const result = await runEnv("prod");
    const statements = policyOf(result, "training-instance-agent");
    const actions = actionsOf(statements);
    expect(actions).toContain("ssm:UpdateInstanceInformation");
    expect(actions).toContain("ec2messages:GetMessages");
    for (const denied of [
      "ssm:GetParameter",
      "ssm:GetParameters",
      "ssm:PutInventory",
      "s3:GetObject",
      "s3:ListBucket",
    ])
      expect(actions, denied).not.toContain(denied);
    const s = bySid(statements);
    expect(s.AgentOutputToS3?.Resource).toBe("arn:aws:s3:::retrain-artifacts-prod-eu-west-1/runs/*");
    expect(s.AssumeTeamRolesOnly).toMatchObject({
      Action: "sts:AssumeRole",
      Resource: "arn:aws:iam::123456789012:role/retrain-prod-team-*",
    });
    expect(s.ProjectDocumentsOnly?.Resource).toBe(
      "arn:aws:ssm:eu-west-1:123456789012:document/retrain-prod-*",
    );
  });

  it("gives each team a role tagged with the team, trusted by the instance role only, on its own prefixes", async () => {
    const result = await runEnv("prod");
    const role = resourceNamed(result, ROLE, "team-vision");
    expect(role.inputs.name).toBe("retrain-prod-team-vision");
    expect(role.inputs.tags).toMatchObject({ "retrain:team": "vision" });
    expect(trustOf(result, "team-vision")).toEqual([
      {
        Sid: "OnlyTheInstanceRole",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Condition: {
          ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/retrain-prod-training-instance" },
        },
      },
    ]);
    const s = bySid(policyOf(result, "team-vision-permissions"));
    const bucket = "arn:aws:s3:::retrain-artifacts-prod-eu-west-1";
    expect(asList(s.ReadWriteOwnRunsAndModels?.Resource).sort()).toEqual([
      `${bucket}/models/vision/*`,
      `${bucket}/runs/vision/*`,
    ]);
    expect(s.ReadOwnDatasets).toMatchObject({
      Action: "s3:GetObject",
      Resource: `${bucket}/datasets/vision/*`,
    });
    expect(s.ListOwnPrefixesOnly).toMatchObject({
      Resource: bucket,
      Condition: { StringLike: { "s3:prefix": ["runs/vision/*", "models/vision/*", "datasets/vision/*"] } },
    });
    expect(s.WriteOwnLogStreams?.Resource).toBe(
      "arn:aws:logs:eu-west-1:123456789012:log-group:/retrain/prod/runs:log-stream:teams/vision/*",
    );
    // A team not granted prod gets no role there.
    expect(resourcesOfType(result, ROLE).map((r) => r.name)).not.toContain("team-recsys");
  });

  // Every policy of the stack must stay within IAM's size quotas however many pools and teams the
  // registry grants: a list of every pool's role in the window role's policy outgrew its 10,240
  // characters at ≈140 pools (the 5,000-team workspace of the bench). The offline runtime's
  // provider constraints refuse an oversized policy as AWS would, so this run fails if one grows.
  it("stays within IAM's policy size quotas with 160 pools in one environment", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "many-pools-"));
    mkdirSync(path.join(dir, "policies"));
    const teams = Object.fromEntries(
      Array.from({ length: 160 }, (_, i) => [
        `team${String(i).padStart(3, "0")}`,
        { grants: [{ environment: "dev", pools: [`pool-${String(i).padStart(3, "0")}`] }] },
      ]),
    );
    writeFileSync(path.join(dir, "policies/tenants.yaml"), stringify({ teams }));
    const result = await runEnv("dev", { "iam:roleQuota": "2000" }, { registrySearchFrom: [dir] });
    expect(result.errors.map((e) => e.message.slice(0, 400))).toEqual([]);
    expect(Object.keys(result.outputs.startStopRoleArns as Record<string, string>)).toHaveLength(160);
    const window = JSON.stringify(
      JSON.parse(String(resourceNamed(result, ROLE_POLICY, "maintenance-window-permissions").inputs.policy)),
    );
    expect(window.length).toBeLessThan(10_240);
  });

  it("fails closed naming the registry when no tenant registry is found", async () => {
    const nowhere = mkdtempSync(path.join(tmpdir(), "no-registry-"));
    const result = await runEnv("dev", {}, { registrySearchFrom: [nowhere] });
    const [error] = result.errors;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain("policies/tenants.yaml");
    expect(resourcesOfType(result, ROLE)).toEqual([]);
  });

  it("finds the workspace's registry above its own folder whatever the cwd (the plan runs it in-process)", async () => {
    const cwd = process.cwd();
    process.chdir(mkdtempSync(path.join(tmpdir(), "elsewhere-")));
    try {
      const result = await runEnv("dev");
      expect(result.errors).toEqual([]);
      expect(Object.keys(result.outputs.teamRoleArns as Record<string, string>)).toEqual(["recsys"]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("uses partition-aware ARNs", async () => {
    const result = await runEnv("dev", { "aws:region": "cn-north-1" });
    expect(result.errors).toEqual([]);
    for (const { document } of policyDocumentsOf(result))
      for (const s of statementsOf(document))
        for (const r of asList(s.Resource)) if (String(r) !== "*") expect(String(r)).toMatch(/^arn:aws-cn:/);
    expect(result.outputs.teamRoleArns).toEqual({
      recsys: "arn:aws-cn:iam::123456789012:role/retrain-dev-team-recsys",
    });
  });

  it("keeps the artifact bucket private, encrypted and versioned", async () => {
    const result = await runEnv("prod");
    expect(
      resourcesOfType(result, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0]?.inputs,
    ).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(
      resourcesOfType(
        result,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      )[0]?.inputs,
    ).toMatchObject({ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
    expect(resourcesOfType(result, "aws:s3/bucketVersioning:BucketVersioning")[0]?.inputs).toMatchObject({
      versioningConfiguration: { status: "Enabled" },
    });
  });

  it("fails on invalid config before registering any resource, naming the file and every key", async () => {
    const result = await runEnv("dev", { "iam:logRetentionDays": 8, "iam:bogus": "x" });
    expect(result.resources.filter((r) => r.type !== "pulumi:pulumi:Stack")).toEqual([]);
    const [error] = result.errors;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain("Pulumi.dev.yaml");
    expect(error?.message).toContain("iam:logRetentionDays");
    expect(error?.message).toContain("iam:bogus");
  });

  it.each([
    // wave size, whether the first team's role registers before the second team's component
    [1, true],
    [1000, false],
  ])(
    "team roles in waves of %i: a wave registers before the next is built (%s), same resources",
    async (wave, settledFirst) => {
      const result = await runEnv("prod", {}, { teamRoleWave: wave });
      expect(result.errors).toEqual([]);
      const order = result.resources.map((r) => `${r.type} ${r.name}`);
      const firstRole = order.indexOf(`${ROLE} team-nlp`);
      const secondTeam = order.indexOf("retrain:iam:TeamTrainingRole team-vision");
      expect(firstRole).toBeGreaterThan(-1);
      expect(secondTeam).toBeGreaterThan(-1);
      expect(firstRole < secondTeam).toBe(settledFirst);
      const baseline = await runEnv("prod");
      expect([...order].sort()).toEqual(baseline.resources.map((r) => `${r.type} ${r.name}`).sort());
    },
  );
});

describe("the run logs' delivery policy", () => {
  // CloudWatch Logs allows 10 resource policies per account and region: one per environment, never
  // one per team, and it must cover exactly the run logs the teams' alerts create.
  it("is one policy per environment letting EventBridge write only into the teams' run logs", async () => {
    const result = await runEnv("prod");
    const policies = resourcesOfType(result, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy");
    expect(policies).toHaveLength(1);
    const [statement] = statementsOf(JSON.parse(String(policies[0]?.inputs.policyDocument)));
    expect(statement?.Action).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
    const resource = String(statement?.Resource);
    expect(resource).toBe("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/events/retrain-prod-*-runs:*");
    // The alerts component names a team's run log from the same prefix.
    const { runLogGroupPrefix } = await import("@retrain/components");
    const glob = new RegExp(`^${resource.replace(/[.+?^${}()|[\]\\/]/g, "\\$&").replace(/\*/g, ".*")}$`);
    const arn = (group: string) => `arn:aws:logs:eu-west-1:123456789012:log-group:${group}:log-stream:x`;
    expect(arn(`${runLogGroupPrefix("prod")}vision-runs`)).toMatch(glob);
    expect(arn("/retrain/prod/runs")).not.toMatch(glob);
    expect(arn(`${runLogGroupPrefix("dev")}recsys-runs`)).not.toMatch(glob);
  });
});
