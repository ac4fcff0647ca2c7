import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_AMI_PARAMETER, fleetOutputsSchema, loadStackConfig } from "@retrain/config";
import { resourcesOfType, runStackProgram, type StackRunResult } from "@retrain/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { iamProgram } from "../../iam/src/program.js";
import { fleetProgram } from "../src/program.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const stacksDir = path.join(here, "..", "..");
const load = (kind: string, folder: string, stack: string) =>
  loadStackConfig(path.join(stacksDir, kind, folder, stack, `Pulumi.${stack}.yaml`));

/** The iam stack's real outputs under the harness, as the fleet's upstream. */
const iamByEnv: Record<string, Record<string, unknown>> = {};
beforeAll(async () => {
  for (const env of ["dev", "prod"]) {
    const iam = load("iam", "envs", env);
    const result = await runStackProgram({
      project: iam.project,
      stack: iam.stack,
      program: iamProgram,
      config: iam.raw,
    });
    expect(result.errors).toEqual([]);
    iamByEnv[env] = result.outputs;
  }
});

async function runFleet(
  env: string,
  overrides: Record<string, unknown> = {},
  upstream?: Record<string, unknown>,
) {
  const fleet = load("fleet", "envs", env);
  return runStackProgram({
    project: fleet.project,
    stack: fleet.stack,
    program: fleetProgram,
    config: { ...fleet.raw, ...overrides },
    upstream: { [`organization/retrain-iam/${env}`]: upstream ?? (iamByEnv[env] as Record<string, unknown>) },
    mocks: { parameters: { [DEFAULT_AMI_PARAMETER]: "ami-0123456789abcdef0" } },
  });
}

describe("fleet stack", () => {
  it.each(["dev", "prod"])("runs with the %s example config and exports the contract", async (env) => {
    const result = await runFleet(env);
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.outputs).sort()).toEqual(["pools", "region"]);
    const outputs = fleetOutputsSchema.parse(result.outputs);
    const config = load("fleet", "envs", env).config as {
      pools: { name: string; instanceType: string; count: number }[];
    };
    expect(outputs.region).toBe("eu-west-1");
    expect(outputs.pools.map((p) => [p.name, p.instanceType, p.instanceIds.length])).toEqual(
      config.pools.map((p) => [p.name, p.instanceType, p.count]),
    );
    for (const pool of outputs.pools) {
      expect(pool.targetTag).toEqual({ key: "retrain:pool", value: pool.name });
      for (const id of pool.instanceIds) expect(id).toMatch(/^i-[0-9a-f]{17}$/);
    }
  });

  describe("launch templates and instances", () => {
    let result: StackRunResult;
    beforeAll(async () => {
      result = await runFleet("prod");
    });

    it("require IMDSv2 with a hop limit of 1", () => {
      for (const r of [
        ...resourcesOfType(result, "aws:ec2/launchTemplate:LaunchTemplate"),
        ...resourcesOfType(result, "aws:ec2/instance:Instance"),
      ]) {
        expect(r.inputs.metadataOptions, r.name).toMatchObject({
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
        });
      }
    });

    it("use an encrypted gp3 root volume of the configured size", () => {
      for (const lt of resourcesOfType(result, "aws:ec2/launchTemplate:LaunchTemplate")) {
        expect(lt.inputs.blockDeviceMappings).toEqual([
          {
            deviceName: "/dev/sda1",
            ebs: { volumeSize: 200, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
          },
        ]);
      }
      for (const i of resourcesOfType(result, "aws:ec2/instance:Instance")) {
        expect(i.inputs.rootBlockDevice).toMatchObject({
          encrypted: true,
          volumeType: "gp3",
          volumeSize: 200,
        });
      }
    });

    it("launch from the AMI of the public SSM parameter with the IAM stack's instance profile", () => {
      for (const lt of resourcesOfType(result, "aws:ec2/launchTemplate:LaunchTemplate")) {
        expect(lt.inputs.imageId).toBe("ami-0123456789abcdef0");
        expect(lt.inputs.iamInstanceProfile).toEqual({ name: iamByEnv.prod?.instanceProfileName });
      }
    });

    it("get no public IP and a security group without ingress", () => {
      for (const i of resourcesOfType(result, "aws:ec2/instance:Instance"))
        expect(i.inputs.associatePublicIpAddress).toBe(false);
      const [sg, ...more] = resourcesOfType(result, "aws:ec2/securityGroup:SecurityGroup");
      expect(more).toEqual([]);
      expect(sg?.inputs.ingress ?? []).toEqual([]);
      expect(sg?.inputs.egress).toEqual([
        expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443 }),
      ]);
    });

    it("carry the pool and fleet tags that windows target", () => {
      const instances = resourcesOfType(result, "aws:ec2/instance:Instance");
      expect(instances.map((i) => (i.inputs.tags as Record<string, string>)["retrain:pool"]).sort()).toEqual([
        "a10g",
        "a10g",
        "l4",
        "l4",
      ]);
      for (const i of instances)
        expect((i.inputs.tags as Record<string, string>)["retrain:fleet"]).toBe("retrain-prod");
    });

    it("bootstrap the metadata-service guard, the SSM agent, the team group, the GPU check and the idle stopper", () => {
      const [lt] = resourcesOfType(result, "aws:ec2/launchTemplate:LaunchTemplate");
      const script = Buffer.from(String(lt?.inputs.userData), "base64").toString("utf8");
      expect(script.startsWith("#!/bin/bash\n")).toBe(true);
      expect(script).toContain("-d 169.254.169.254/32 -m owner ! --uid-owner 0 -j REJECT");
      expect(script).toContain("snap install amazon-ssm-agent --classic");
      expect(script).toContain('systemctl enable --now "$agent_unit"');
      expect(script).toContain("groupadd --system retrain");
      expect(script).not.toContain("useradd");
      expect(script).toContain("nvidia-smi");
      expect(script).toContain('if [ "$idle" -ge 60 ]');
      expect(script).toContain("systemctl enable --now retrain-idle-check.timer");
    });
  });

  it("leaves the idle stopper out when stopWhenIdleMinutes is 0", async () => {
    const result = await runFleet("dev", { "fleet:stopWhenIdleMinutes": 0 });
    const [lt] = resourcesOfType(result, "aws:ec2/launchTemplate:LaunchTemplate");
    expect(Buffer.from(String(lt?.inputs.userData), "base64").toString("utf8")).not.toContain(
      "retrain-idle-check",
    );
  });

  it("fails naming the referenced stack and the key when the IAM stack lacks an output", async () => {
    const { instanceProfileName: _, ...withoutProfile } = iamByEnv.dev as Record<string, unknown>;
    const result = await runFleet("dev", {}, withoutProfile);
    const messages = result.errors.map((e) => e.message).join("\n");
    expect(messages).toContain('stack "organization/retrain-iam/dev" has no output "instanceProfileName"');
  });

  it("fails naming the stack and key when an upstream output has the wrong shape", async () => {
    const result = await runFleet("dev", {}, { ...iamByEnv.dev, instanceProfileName: 42 });
    expect(result.errors.map((e) => e.message).join("\n")).toMatch(
      /stack "organization\/retrain-iam\/dev" output "instanceProfileName" is invalid/,
    );
  });
});
