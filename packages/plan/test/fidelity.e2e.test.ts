import { PROVIDER_CONSTRAINTS } from "@retrain/offline";
import { describe, expect, it } from "vitest";
import { runPlan } from "../src/engine.js";
import { environmentOf, REPO_ROOT, type WorkspaceCopy, workspaceCopies } from "./support/workspace.js";

const FROM = new Date("2026-11-30T00:00:00Z");
const copy = workspaceCopies();

describe("provider constraints in the plan", () => {
  it("cover every AWS resource type the example stacks create (adding a type means adding its entry)", async () => {
    const report = await runPlan({ workspace: REPO_ROOT, from: FROM });
    expect(report.summary.exitCode, JSON.stringify(report.errors, null, 2)).toBe(0);
    const types = new Set(
      report.stacks.flatMap((s) => s.resources.map((r) => r.type)).filter((t) => t.startsWith("aws:")),
    );
    expect(types.size).toBeGreaterThan(5);
    const missing = [...types].filter((t) => !(t in PROVIDER_CONSTRAINTS));
    expect(missing, "types without an entry in packages/testing/src/provider-constraints").toEqual([]);
  });

  it("is invalid input (exit 2) on an input the provider rejects, naming the file, stack, resource and input", async () => {
    const ws = copy();
    const file = "stacks/iam/src/program.ts";
    const source = ws.read(file);
    const marker = "\n  return {";
    expect(source).toContain(marker);
    // 31 days is not a CloudWatch retention period.
    const injected = `\n  new aws.cloudwatch.LogGroup("seed-logs", { name: "/retrain/seed", retentionInDays: 31 });\n`;
    ws.write(file, source.replace(marker, `${injected}${marker}`));
    const env = environmentOf(ws);
    const report = await runPlan({ workspace: ws.root, from: FROM, stacks: [`iam/${env}`] });
    expect(report.summary.exitCode).toBe(2);
    const error = report.errors.find((e) => e.message.includes("seed-logs"));
    expect(error, JSON.stringify(report.errors, null, 2)).toBeDefined();
    expect(error!.file).toBe(`stacks/iam/envs/${env}/Pulumi.${env}.yaml`);
    expect(error!.message).toContain(`iam/${env}:`);
    expect(error!.message).toContain("aws:cloudwatch/logGroup:LogGroup::seed-logs");
    expect(error!.message).toMatch(/retentionInDays = 31: must be one of 0, 1, 3, 5, 7, 14, 30/);
    expect(error!.message).toContain("logs/group.go");
    expect(report.stacks.find((s) => s.id === `iam/${env}`)!.status).toBe("failed");
  });

  it("is invalid input (exit 2) on a URN registered twice, as Pulumi refuses it, naming both registrations", async () => {
    const ws = copy();
    const file = "stacks/iam/src/program.ts";
    const source = ws.read(file);
    const marker = "\n  return {";
    const injected = `
  new aws.cloudwatch.LogGroup("seed-twice", { name: "/retrain/seed-a" });
  new aws.cloudwatch.LogGroup("seed-twice", { name: "/retrain/seed-b" });
`;
    ws.write(file, source.replace(marker, `${injected}${marker}`));
    const env = environmentOf(ws);
    const report = await runPlan({ workspace: ws.root, from: FROM, stacks: [`iam/${env}`] });
    expect(report.summary.exitCode).toBe(2);
    const error = report.errors.find((e) => e.message.includes("Duplicate resource URN"));
    expect(error, JSON.stringify(report.errors, null, 2)).toBeDefined();
    expect(error!.file).toBe(`stacks/iam/envs/${env}/Pulumi.${env}.yaml`);
    expect(error!.message).toContain("aws:cloudwatch/logGroup:LogGroup::seed-twice");
    expect(error!.message).toContain("name=/retrain/seed-a");
    expect(error!.message).toContain("name=/retrain/seed-b");
  });

  it("is invalid input (exit 2) on a task named like the window's start task, naming the key", async () => {
    const ws = copy();
    const file = "stacks/scheduling/teams/vision/Pulumi.vision.yaml";
    ws.write(file, ws.read(file).replace("- name: retrain\n", "- name: start\n"));
    const report = await runPlan({ workspace: ws.root, from: FROM, stacks: ["scheduling/vision"] });
    expect(report.summary.exitCode).toBe(2);
    expect(report.errors).toContainEqual(
      expect.objectContaining({
        file,
        key: "scheduling:windows[0].tasks[0].name",
        message: expect.stringMatching(/reserved/),
      }),
    );
  });
});

describe("cross-stack checks in the plan", () => {
  /** The fleet program with its `network` output's endpoints replaced (a program bug the config cannot cause). */
  function fleetWithEndpoints(ws: WorkspaceCopy, endpoints: string[]) {
    const file = "stacks/fleet/src/program.ts";
    const source = ws.read(file);
    const ret = "return { pools: fleet.pools, region, network: network.network };";
    expect(source).toContain(ret);
    ws.write(
      file,
      source.replace(
        ret,
        `return { pools: fleet.pools, region, network: network.network.apply((n) => ({ ...n, endpoints: ${JSON.stringify(endpoints)} })) };`,
      ),
    );
  }

  it("names the fleet file and key when its network cannot reach SSM", async () => {
    const ws = copy();
    fleetWithEndpoints(ws, ["ssm", "logs", "s3"]);
    const report = await runPlan({ workspace: ws.root, from: FROM });
    expect(report.summary.exitCode).toBe(2);
    for (const env of ["dev", "prod"])
      expect(report.errors).toContainEqual(
        expect.objectContaining({
          file: `stacks/fleet/envs/${env}/Pulumi.${env}.yaml`,
          key: "fleet:vpcEndpoints",
          message: expect.stringMatching(
            /cannot reach Systems Manager: no VPC endpoint for ssmmessages, ec2messages/,
          ),
        }),
      );
  });

  it("names the team key of an association on a pool that stops when idle, and of a window that does not start it", async () => {
    const ws = copy();
    // dev's a10g pool stops when idle again (the fleet default is 30 minutes).
    const devFleet = "stacks/fleet/envs/dev/Pulumi.dev.yaml";
    const fleetText = ws.read(devFleet);
    expect(fleetText).toContain("stopWhenIdleMinutes: 0");
    ws.write(devFleet, fleetText.replace("stopWhenIdleMinutes: 0", "stopWhenIdleMinutes: 30"));
    // nlp's first window no longer starts prod/l4, which stops when idle.
    const nlp = "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml";
    const nlpText = ws.read(nlp);
    expect(nlpText).toContain("startStopInstances: true");
    ws.write(nlp, nlpText.replace("startStopInstances: true", "startStopInstances: false"));
    const report = await runPlan({ workspace: ws.root, from: FROM });
    expect(report.summary.exitCode).toBe(2);
    expect(report.errors).toContainEqual(
      expect.objectContaining({
        file: "stacks/scheduling/teams/recsys/Pulumi.recsys.yaml",
        key: "scheduling:windows[0].mode",
        message: expect.stringMatching(/State Manager skips stopped instances/),
      }),
    );
    expect(report.errors).toContainEqual(
      expect.objectContaining({
        file: nlp,
        key: "scheduling:windows[0].startStopInstances",
        message: expect.stringMatching(/would find its instances stopped: pool "l4" of fleet\/prod/),
      }),
    );
    expect(report.errors.filter((e) => e.file.includes("vision"))).toEqual([]);
  });
});
