/**
 * Every stack of an environment deploys to its IAM stack's region: a team stack in another region
 * than its fleet (its windows would target no instance) or its IAM stack (the window role trusts SSM
 * of the IAM stack's region only) fails in the program, so `pulumi preview` and the plan stop too.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadStackConfig } from "@retrain/config";
import { runStackProgram } from "@retrain/offline";
import { beforeAll, describe, expect, it } from "vitest";
import { fleetProgram } from "../../fleet/src/program.js";
import { schedulingProgram } from "../src/program.js";
import { runExampleUpstream } from "./support/example-upstream.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const stacksDir = path.join(here, "..", "..");
const load = (kind: string, folder: string, stack: string) =>
  loadStackConfig(path.join(stacksDir, kind, folder, stack, `Pulumi.${stack}.yaml`));

const IAM = "organization/retrain-iam/prod";
const FLEET = "organization/retrain-fleet/prod";
const upstream: Record<string, Record<string, unknown>> = {};
beforeAll(async () => {
  Object.assign(upstream, (await runExampleUpstream(["prod"])).upstream);
});

const withRegion = (outputs: Record<string, unknown> | undefined, region: string) => ({ ...outputs, region });

describe("scheduling stack region", () => {
  it("the example upstream exports its region", () => {
    expect(upstream[IAM]?.region).toBe("eu-west-1");
    expect(upstream[FLEET]?.region).toBe("eu-west-1");
  });

  it.each<[string, string, string, string, RegExp | undefined]>([
    ["all in eu-west-1", "eu-west-1", "eu-west-1", "eu-west-1", undefined],
    [
      "the team in us-east-1",
      "us-east-1",
      "eu-west-1",
      "eu-west-1",
      /Pulumi\.vision\.yaml: aws:region is "us-east-1" but fleet stack "organization\/retrain-fleet\/prod" is in "eu-west-1": .*target no instance.*Set aws:region: eu-west-1/,
    ],
    [
      "the fleet in another region than the IAM stack",
      "eu-west-1",
      "eu-west-1",
      "us-east-1",
      /aws:region is "eu-west-1" but iam stack "organization\/retrain-iam\/prod" is in "us-east-1"/,
    ],
  ])("%s", async (_title, teamRegion, fleetRegion, iamRegion, message) => {
    const team = load("scheduling", "teams", "vision");
    const result = await runStackProgram({
      project: team.project,
      stack: team.stack,
      program: schedulingProgram,
      config: { ...team.raw, "aws:region": teamRegion },
      upstream: {
        ...upstream,
        [FLEET]: withRegion(upstream[FLEET], fleetRegion),
        [IAM]: withRegion(upstream[IAM], iamRegion),
      },
    });
    if (!message) {
      expect(result.errors).toEqual([]);
      return;
    }
    expect(result.errors.map((e) => e.message).join("\n")).toMatch(message);
    // Nothing that targets the fleet or runs as the team is created in the wrong region.
    const types = new Set(result.resources.map((r) => r.type));
    expect(types.has("aws:ssm/maintenanceWindowTask:MaintenanceWindowTask")).toBe(false);
    expect(types.has("aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget")).toBe(false);
  });
});

describe("fleet stack region and IAM stack", () => {
  const runFleet = (overrides: Record<string, unknown>, iamRegion = "eu-west-1") => {
    const fleet = load("fleet", "envs", "prod");
    return runStackProgram({
      project: fleet.project,
      stack: fleet.stack,
      program: fleetProgram,
      config: { ...fleet.raw, ...overrides },
      upstream: { ...upstream, [IAM]: withRegion(upstream[IAM], iamRegion) },
      mocks: {
        parameters: {
          "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id":
            "ami-0123456789abcdef0",
        },
      },
    });
  };

  it.each<[string, Record<string, unknown>, string, RegExp | undefined]>([
    ["its own environment's IAM stack, one region", { "fleet:iamStack": IAM }, "eu-west-1", undefined],
    [
      "an IAM stack in another region",
      {},
      "us-east-1",
      /Pulumi\.prod\.yaml: aws:region is "eu-west-1" but iam stack "organization\/retrain-iam\/prod" is in "us-east-1"/,
    ],
    [
      "another environment's IAM stack",
      { "fleet:iamStack": "organization/retrain-iam/dev" },
      "eu-west-1",
      /fleet:iamStack: "organization\/retrain-iam\/dev" is stack "dev", another environment than this stack's "prod"/,
    ],
  ])("%s", async (_title, overrides, iamRegion, message) => {
    const result = await runFleet(overrides, iamRegion);
    if (!message) {
      expect(result.errors).toEqual([]);
      return;
    }
    expect(result.errors.map((e) => e.message).join("\n")).toMatch(message);
    expect(result.resources.some((r) => r.type === "aws:ec2/instance:Instance")).toBe(false);
  });
});
