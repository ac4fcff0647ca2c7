/**
 * The account/partition/region invokes of the components: once per program run and AWS provider
 * (the iam stack builds a component per team), never shared across runs or providers.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { TeamTrainingRole } from "@retrain/components";
import { runStackProgram } from "@retrain/offline";
import { describe, expect, it } from "vitest";

const IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity";

async function run(program: () => Record<string, unknown>) {
  const calls: string[] = [];
  const result = await runStackProgram({
    project: "retrain-iam",
    stack: "dev",
    config: { "aws:region": "eu-west-1" },
    program,
    mocks: {
      invokes: {
        [IDENTITY]: (inputs) => {
          calls.push(JSON.stringify(inputs));
          return { accountId: "123456789012", arn: "arn:aws:iam::123456789012:user/x", id: "x", userId: "x" };
        },
      },
    },
  });
  expect(result.errors).toEqual([]);
  return { calls: calls.length, result };
}

const role = (name: string, opts?: pulumi.ComponentResourceOptions) =>
  new TeamTrainingRole(
    name,
    {
      roleName: `retrain-dev-team-${name}`,
      team: name,
      instanceRoleArn: "arn:aws:iam::123456789012:role/retrain-dev-training-instance",
      artifactBucket: "retrain-dev-artifacts",
      logGroupName: "/retrain/dev/runs",
    },
    opts,
  );

describe("awsContext", () => {
  it("asks once for many components of one run, again in the next run", async () => {
    const program = () => ({ a: role("alpha").roleArn, b: role("beta").roleArn, c: role("gamma").roleArn });
    const first = await run(program);
    expect(first.calls).toBe(1);
    // The ARNs still carry the account the invoke answered.
    expect(first.result.outputs.b).toMatch(/^arn:aws:iam::123456789012:role\//);
    expect((await run(program)).calls).toBe(1);
  });

  it("asks once per AWS provider: a component under another provider gets its own context", async () => {
    const { calls } = await run(() => {
      const other = new aws.Provider("other-region", { region: "us-east-1" });
      return {
        a: role("alpha").roleArn,
        b: role("beta", { providers: [other] }).roleArn,
        c: role("gamma", { providers: [other] }).roleArn,
      };
    });
    expect(calls).toBe(2);
  });
});
