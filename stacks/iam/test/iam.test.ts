import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, iamOutputsSchema, loadStackConfig } from "@retrain/config";
import {
  policyDocumentsOf,
  resourceNamed,
  resourcesOfType,
  runStackProgram,
  statementsOf,
} from "@retrain/testing";
import { describe, expect, it } from "vitest";
import { iamProgram } from "../src/program.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const envFile = (env: string) => path.join(here, "..", "envs", env, `Pulumi.${env}.yaml`);

async function runEnv(env: string, overrides: Record<string, unknown> = {}) {
  const loaded = loadStackConfig(envFile(env));
  return runStackProgram({
    project: loaded.project,
    stack: loaded.stack,
    program: iamProgram,
    config: { ...loaded.raw, ...overrides },
  });
}

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe("iam stack", () => {
  it.each(["dev", "prod"])(
    "runs with the %s example config and exports exactly the contract",
    async (env) => {
      const result = await runEnv(env);
      expect(result.errors).toEqual([]);
      expect(Object.keys(result.outputs).sort()).toEqual(Object.keys(iamOutputsSchema.shape).sort());
      expect(iamOutputsSchema.parse(result.outputs)).toEqual(result.outputs);
      expect(result.outputs.maintenanceWindowRoleArn).toBe(
        `arn:aws:iam::123456789012:role/retrain-${env}-maintenance-window`,
      );
      expect(result.outputs.logGroupName).toBe(`/retrain/${env}/runs`);
    },
  );

  it("never allows a wildcard action, NotAction/NotResource, or Resource * outside describe/list actions", async () => {
    const result = await runEnv("prod");
    const docs = policyDocumentsOf(result);
    expect(docs.length).toBeGreaterThanOrEqual(4);
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
    ]);
    for (const { resource, property, document } of docs) {
      for (const [i, s] of statementsOf(document).entries()) {
        const where = `${resource.name}.${property} statement ${i}`;
        expect(s.NotAction, where).toBeUndefined();
        expect(s.NotResource, where).toBeUndefined();
        expect(s.NotPrincipal, where).toBeUndefined();
        for (const action of asList(s.Action)) expect(String(action), where).not.toMatch(/[*?]/);
        const resources = asList(s.Resource).map(String);
        if (resources.includes("*")) {
          for (const action of asList(s.Action))
            expect(resourceless.has(String(action)), `${where}: ${String(action)} on *`).toBe(true);
        }
        for (const r of resources)
          expect(r, where).not.toMatch(/^arn:[^:]+:[^:]+:[^:]*:[^:]*:\*$|^arn:[^:]+:s3:::\*$/);
      }
    }
  });

  it("limits the maintenance window role's trust to this account's windows and automations", async () => {
    const result = await runEnv("dev");
    const role = resourceNamed(result, "aws:iam/role:Role", "maintenance-window");
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
    const [statement, ...rest] = statementsOf(trust);
    expect(rest).toEqual([]);
    expect(statement).toMatchObject({
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Principal: { Service: "ssm.amazonaws.com" },
      Condition: {
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: {
          "aws:SourceArn": [
            "arn:aws:ssm:eu-west-1:123456789012:maintenancewindow/*",
            "arn:aws:ssm:eu-west-1:123456789012:automation-execution/*",
          ],
        },
      },
    });
  });

  it("scopes SendCommand, start/stop and PassRole with the conditions that keep them least-privilege", async () => {
    const result = await runEnv("dev");
    const policy = resourceNamed(result, "aws:iam/rolePolicy:RolePolicy", "maintenance-window-permissions");
    const statements = statementsOf(JSON.parse(String(policy.inputs.policy)));
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.RunProjectDocuments?.Resource).toContain(
      "arn:aws:ssm:eu-west-1:123456789012:document/retrain-dev-*",
    );
    expect(bySid.RunOnFleetInstancesOnly).toMatchObject({
      Action: "ssm:SendCommand",
      Resource: "arn:aws:ssm:eu-west-1:123456789012:instance/*".replace(":ssm:", ":ec2:"),
      Condition: { StringEquals: { "ssm:resourceTag/retrain:fleet": "retrain-dev" } },
    });
    expect(bySid.StartStopFleetInstancesOnly).toMatchObject({
      Condition: { StringEquals: { "aws:ResourceTag/retrain:fleet": "retrain-dev" } },
    });
    expect(bySid.PassOnlyItselfToSsm).toMatchObject({
      Action: "iam:PassRole",
      Resource: "arn:aws:iam::123456789012:role/retrain-dev-maintenance-window",
      Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
    });
  });

  it("drops the automation permissions and trust when start/stop is disabled", async () => {
    const result = await runEnv("dev", { "iam:allowStartStop": false });
    const policy = resourceNamed(result, "aws:iam/rolePolicy:RolePolicy", "maintenance-window-permissions");
    const actions = statementsOf(JSON.parse(String(policy.inputs.policy))).flatMap((s) => asList(s.Action));
    expect(actions).not.toContain("ssm:StartAutomationExecution");
    expect(actions).not.toContain("ec2:StartInstances");
    const role = resourceNamed(result, "aws:iam/role:Role", "maintenance-window");
    expect(String(role.inputs.assumeRolePolicy)).not.toContain("automation-execution");
  });

  it("gives the instance role SSM core, its bucket prefixes and its log group only", async () => {
    const result = await runEnv("prod");
    const attachment = resourceNamed(
      result,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "training-instance-ssm-core",
    );
    expect(attachment.inputs.policyArn).toBe("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
    const policy = resourceNamed(result, "aws:iam/rolePolicy:RolePolicy", "training-instance-artifacts");
    const bySid = Object.fromEntries(
      statementsOf(JSON.parse(String(policy.inputs.policy))).map((s) => [s.Sid, s]),
    );
    expect(asList(bySid.WriteArtifacts?.Resource).sort()).toEqual([
      "arn:aws:s3:::retrain-artifacts-prod-eu-west-1/models/*",
      "arn:aws:s3:::retrain-artifacts-prod-eu-west-1/runs/*",
    ]);
    for (const r of asList(bySid.StreamCommandOutput?.Resource)) {
      expect(String(r)).toMatch(/^arn:aws:logs:eu-west-1:123456789012:log-group:\/retrain\/prod\/runs:/);
    }
  });

  it("uses partition-aware ARNs", async () => {
    const result = await runEnv("dev", { "aws:region": "cn-north-1" });
    expect(result.errors).toEqual([]);
    const attachment = resourceNamed(
      result,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "training-instance-ssm-core",
    );
    expect(attachment.inputs.policyArn).toBe("arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore");
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
});
