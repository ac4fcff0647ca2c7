/** `@retrain/testing` is the one import a stack test needs: the harness with its fake upstream stacks. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { resourcesOfType, runStackProgram } from "../src/index.js";

/** A custom resource of the AWS provider's bucket type, without the provider's package. */
class Bucket extends pulumi.CustomResource {
  constructor(name: string, args: { bucket: pulumi.Input<string> }) {
    super("aws:s3/bucketV2:BucketV2", name, args);
  }
}

describe("@retrain/testing", () => {
  it("runs a program under mocks, feeding a StackReference the upstream outputs it is given", async () => {
    const result = await runStackProgram({
      project: "retrain-scheduling",
      stack: "vision",
      program: () => {
        const iam = new pulumi.StackReference("organization/retrain-iam/dev");
        new Bucket("artifacts", { bucket: iam.getOutput("artifactBucket") });
        return { bucket: iam.getOutput("artifactBucket") };
      },
      upstream: { "organization/retrain-iam/dev": { artifactBucket: "retrain-dev-artifacts" } },
    });
    expect(result.errors).toEqual([]);
    const [bucket] = resourcesOfType(result, "aws:s3/bucketV2:BucketV2");
    expect(bucket?.inputs).toMatchObject({ bucket: "retrain-dev-artifacts" });
    expect(result.outputs).toEqual({ bucket: "retrain-dev-artifacts" });
  });
});
