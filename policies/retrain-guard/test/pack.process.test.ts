/**
 * The pack as the Pulumi CLI runs it: the compiled pack started through
 * @pulumi/pulumi/cmd/run-policy-pack (port on the first stdout line) and driven over the Analyzer gRPC
 * protocol by @retrain/testing's host. One process for the whole file.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type AnalyzerResource,
  PolicyConfigError,
  PolicyPackError,
  type PolicyPackHost,
  startPolicyPack,
  UNKNOWN,
} from "@retrain/offline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLICIES } from "../src/policies/index.js";

const packDir = fileURLToPath(new URL("..", import.meta.url));
const STACK = "urn:pulumi:vision::retrain-scheduling";
const urn = (type: string, name: string) => `${STACK}::${type}::${name}`;
const WINDOW = "aws:ssm/maintenanceWindow:MaintenanceWindow";
const TARGET = "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget";
const TASK = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";

const seedRole: AnalyzerResource = {
  urn: urn("aws:iam/role:Role", "seed"),
  type: "aws:iam/role:Role",
  name: "seed",
  properties: {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ssm.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    inlinePolicies: [
      {
        name: "all",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
        }),
      },
    ],
    tags: { "managed-by": "pulumi", "retrain:stack": "retrain-iam/dev" },
  },
};

const window = (name: string, props: Record<string, unknown> = {}): AnalyzerResource => ({
  urn: urn(WINDOW, name),
  type: WINDOW,
  name,
  properties: {
    schedule: "cron(0 4 ? * SUN *)",
    scheduleTimezone: "Europe/Berlin",
    duration: 3,
    cutoff: 1,
    tags: { "managed-by": "pulumi", "retrain:stack": "s", "retrain:team": "vision" },
    ...props,
  },
});

let host: PolicyPackHost;

beforeAll(async () => {
  if (!existsSync(`${packDir}/dist/index.js`))
    throw new Error(
      `${packDir}dist/index.js is missing: build the pack first (tsc -b policies/retrain-guard)`,
    );
  host = await startPolicyPack({
    packDir,
    stack: { stack: "vision", project: "retrain-scheduling", tags: { team: "vision" } },
  });
});

afterAll(async () => {
  await host?.close();
});

describe("retrain-guard over the Analyzer protocol", () => {
  it("lists every policy with its enforcement level and config schema", async () => {
    const info = await host.info();
    expect(info.name).toBe("retrain-guard");
    expect(info.supportsConfig).toBe(true);
    expect(info.policies.map((p) => [p.name, p.enforcementLevel])).toEqual(
      POLICIES.map((p) => [p.name, p.enforcementLevel]),
    );
    const limits = info.policies.find((p) => p.name === "maintenance-window-limits");
    expect(limits?.policyType).toBe("resource");
    expect(limits?.configSchema?.properties.maxDurationHours).toMatchObject({ type: "integer", default: 4 });
    expect(info.policies.find((p) => p.name === "maintenance-window-overlap")?.policyType).toBe("stack");
    for (const p of info.policies) expect(p.remediationSteps).not.toBe("");
  });

  it("rejects the seed role (Action * on Resource *, assumed by ssm.amazonaws.com) as mandatory", async () => {
    const diags = await host.analyze(seedRole);
    expect(diags).toEqual([
      expect.objectContaining({
        policyName: "no-wildcard-iam",
        policyPackName: "retrain-guard",
        enforcementLevel: "mandatory",
        urn: seedRole.urn,
        message: expect.stringMatching(
          /statement #0 of inlinePolicies\[0\]\.policy allows Action "\*".*Fix:/,
        ),
      }),
    ]);
  });

  // The host strips the "<description>\n" @pulumi/policy's server puts before a string violation.
  it("hands back the violation's own message, without @pulumi/policy's description prefix", async () => {
    const [d] = await host.analyze(seedRole);
    expect(d?.description).toBe(POLICIES.find((p) => p.name === "no-wildcard-iam")?.description);
    expect(d?.message).toMatch(/^\[wildcard-action\] Role "seed": statement #0 /);
  });

  it("reports fleet hygiene as advisory", async () => {
    const diags = await host.analyze({
      urn: urn("aws:ec2/instance:Instance", "gpu"),
      type: "aws:ec2/instance:Instance",
      name: "gpu",
      properties: {
        associatePublicIpAddress: true,
        metadataOptions: { httpTokens: "required" },
        rootBlockDevice: { encrypted: true },
      },
      provider: {
        type: "pulumi:providers:aws",
        urn: urn("pulumi:providers:aws", "default"),
        name: "default",
        properties: { region: "eu-west-1" },
      },
    });
    expect(diags.map((d) => [d.policyName, d.enforcementLevel]).sort()).toEqual([
      ["no-public-ip", "advisory"],
      ["required-tags", "advisory"],
    ]);
  });

  it("takes tags from the provider's defaultTags", async () => {
    const diags = await host.analyze({
      urn: urn("aws:ec2/securityGroup:SecurityGroup", "sg"),
      type: "aws:ec2/securityGroup:SecurityGroup",
      name: "sg",
      properties: { ingress: [] },
      provider: {
        type: "pulumi:providers:aws",
        urn: urn("pulumi:providers:aws", "default"),
        name: "default",
        properties: {
          defaultTags: JSON.stringify({
            tags: { "managed-by": "pulumi", "retrain:stack": "retrain-fleet/dev" },
          }),
        },
      },
    });
    expect(diags).toEqual([]);
  });

  it("does not judge or crash on values unknown during preview", async () => {
    const diags = await host.analyze({
      urn: urn("aws:iam/rolePolicy:RolePolicy", "later"),
      type: "aws:iam/rolePolicy:RolePolicy",
      name: "later",
      properties: { role: UNKNOWN, policy: UNKNOWN },
    });
    expect(diags).toEqual([]);
    const windowDiags = await host.analyze(window("later", { schedule: UNKNOWN, duration: UNKNOWN }));
    expect(windowDiags).toEqual([]);
  });

  it("accepts a changed limit, which changes the verdict", async () => {
    const fiveHours = window("long", { duration: 5 });
    expect((await host.analyze(fiveHours)).map((d) => d.policyName)).toEqual(["maintenance-window-limits"]);
    const resolved = await host.configure({ "maintenance-window-limits": { maxDurationHours: 6 } });
    expect(resolved["maintenance-window-limits"]).toEqual({
      enforcementLevel: "mandatory",
      properties: { maxDurationHours: 6, minIntervalMinutes: 60 },
    });
    expect(await host.analyze(fiveHours)).toEqual([]);
    await host.configure({});
    expect((await host.analyze(fiveHours)).map((d) => d.policyName)).toEqual(["maintenance-window-limits"]);
  });

  it.each([
    [
      "negative hours",
      { "maintenance-window-limits": { maxDurationHours: -1 } },
      /maintenance-window-limits\.maxDurationHours: must be >= 1/,
    ],
    [
      "an allowlist entry without justification",
      { "no-wildcard-iam": { allowlist: [{ action: "kms:*" }] } },
      /no-wildcard-iam\.allowlist\.0: must have required property 'justification'/,
    ],
    [
      "a blank justification",
      { "no-wildcard-iam": { allowlist: [{ urn: "urn:x", justification: " " }] } },
      /allowlist\.0\.justification: must match pattern/,
    ],
    [
      "an unknown enforcement level",
      { "no-public-ip": "strict" },
      /no-public-ip: "strict" is not an enforcement level/,
    ],
    [
      "a misspelt setting",
      { "maintenance-window-limits": { maxDurationHour: 4 } },
      /maintenance-window-limits\.maxDurationHour: no such setting \(allowed: enforcementLevel, maxDurationHours, minIntervalMinutes\)/,
    ],
    [
      "a setting of a policy that has none",
      { "ebs-encrypted": { enforcementLevel: "mandatory", strict: true } },
      /ebs-encrypted\.strict: no such setting \(allowed: enforcementLevel\)/,
    ],
    [
      "a policy the pack does not have",
      { "no-such-policy": "mandatory" },
      /no-such-policy: no such policy in retrain-guard/,
    ],
  ])("rejects %s", async (_what, config, message) => {
    const error = await host.configure(config as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyConfigError);
    expect((error as Error).message).toMatch(message);
    // The previous config stays in force.
    expect(await host.analyze(window("ok"))).toEqual([]);
  });

  it.each([
    [
      "a misspelt setting",
      { "maintenance-window-limits": { maxDurationHour: 4 } },
      /invalid retrain-guard config: maintenance-window-limits: Unrecognized key: "maxDurationHour"/,
    ],
    [
      "a setting of a policy that has none",
      { "ebs-encrypted": { enforcementLevel: "mandatory", strict: true } },
      /ebs-encrypted: Unrecognized key: "strict"/,
    ],
  ])(
    "refuses at Configure, as the Pulumi CLI would send it, %s (no stack trace, config unchanged)",
    async (_what, config, message) => {
      const error = await host.configure(config as never, { asPulumiCli: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toMatch(/\n\s+at /);
      // The previous config stays in force.
      expect(await host.analyze(window("ok"))).toEqual([]);
    },
  );

  it("applies enforcement levels from the config, including all", async () => {
    const publicInstance: AnalyzerResource = {
      urn: urn("aws:ec2/instance:Instance", "pub"),
      type: "aws:ec2/instance:Instance",
      name: "pub",
      properties: {
        associatePublicIpAddress: true,
        launchTemplate: { id: "lt-1" },
        tags: { "managed-by": "p", "retrain:stack": "s" },
      },
    };
    await host.configure({ "no-public-ip": "mandatory" });
    expect((await host.analyze(publicInstance)).map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
    await host.configure({ all: "disabled" });
    expect(await host.analyze(seedRole)).toEqual([]);
    await host.configure({
      "no-wildcard-iam": { allowlist: [{ urn: seedRole.urn, justification: "test: exempted on purpose" }] },
    });
    expect(await host.analyze(seedRole)).toEqual([]);
    await host.configure({});
    expect(await host.analyze(seedRole)).toHaveLength(1);
  });

  it("finds overlapping windows on one pool and a task longer than its window with analyzeStack", async () => {
    const component = `${STACK}::retrain:scheduling:RetrainingWindow::weekly`;
    // other-l4 names no fleet: maintenance-window-overlap reads a shared fleet tag as the same instances.
    const target = (name: string, win: string, pool: string, fleet = true): AnalyzerResource => ({
      urn: urn(TARGET, name),
      type: TARGET,
      name,
      properties: {
        windowId: UNKNOWN,
        resourceType: "INSTANCE",
        targets: [
          { key: "tag:retrain:pool", values: [pool] },
          ...(fleet ? [{ key: "tag:retrain:fleet", values: ["retrain-prod"] }] : []),
        ],
      },
      propertyDependencies: { windowId: [urn(WINDOW, win)] },
      dependencies: [urn(WINDOW, win)],
    });
    const resources: AnalyzerResource[] = [
      { ...window("weekly"), parent: component },
      window("hourlater", { schedule: "cron(0 5 ? * SUN *)" }),
      window("other-pool"),
      target("weekly-a10g", "weekly", "a10g"),
      target("hourlater-a10g", "hourlater", "a10g"),
      target("other-l4", "other-pool", "l4", false),
      {
        urn: urn(TASK, "train"),
        type: TASK,
        name: "train",
        parent: component,
        properties: {
          windowId: UNKNOWN,
          taskType: "RUN_COMMAND",
          taskArn: "retrain-run",
          taskInvocationParameters: { runCommandParameters: { timeoutSeconds: 9000 } },
        },
        propertyDependencies: { windowId: [urn(WINDOW, "weekly")] },
      },
    ];
    const diags = await host.analyzeStack(resources);
    // These windows have no alert rules: window-notifications (advisory) names each of them.
    const mandatory = diags.filter((d) => d.policyName !== "window-notifications");
    expect(mandatory.map((d) => [d.policyName, d.enforcementLevel, d.urn]).sort()).toEqual([
      ["maintenance-task-timeout", "mandatory", urn(TASK, "train")],
      ["maintenance-window-overlap", "mandatory", urn(WINDOW, "hourlater")],
      // A target without a fleet fails closed; vision (stack "vision") is granted prod/a10g only: the
      // pack found policies/tenants.yaml from its dist/.
      ["tenant-grants", "mandatory", urn(TARGET, "other-l4")],
      ["tenant-grants", "mandatory", urn(TARGET, "other-l4")],
      // "retrain-run" is no training document of the stack, and the task pins no version.
      ["training-document-only", "mandatory", urn(TASK, "train")],
      ["training-document-only", "mandatory", urn(TASK, "train")],
    ]);
    expect(
      diags
        .filter((d) => d.policyName === "window-notifications")
        .map((d) => [d.enforcementLevel, d.urn])
        .sort(),
    ).toEqual([
      ["advisory", urn(WINDOW, "hourlater")],
      ["advisory", urn(WINDOW, "other-pool")],
      ["advisory", urn(WINDOW, "weekly")],
    ]);
    const overlap = diags.find((d) => d.policyName === "maintenance-window-overlap");
    expect(overlap?.message).toMatch(/"hourlater" and "weekly" both target tag:retrain:pool=a10g/);
    const grants = diags.filter((d) => d.policyName === "tenant-grants").map((d) => d.message);
    expect(grants).toEqual([
      expect.stringMatching(/"other-l4": has no tag:retrain:fleet target/),
      expect.stringMatching(
        /team "vision" may not use pool "l4" of prod; it is granted prod \(pool a10g\) in policies\/tenants\.yaml/,
      ),
    ]);
  });

  it("rejects start/stop automations that run with another role than their pool's", async () => {
    const target: AnalyzerResource = {
      urn: urn(TARGET, "weekly-pool"),
      type: TARGET,
      name: "weekly-pool",
      properties: {
        windowId: UNKNOWN,
        resourceType: "INSTANCE",
        targets: [
          { key: "tag:retrain:pool", values: ["a10g"] },
          { key: "tag:retrain:fleet", values: ["retrain-prod"] },
        ],
      },
      propertyDependencies: { windowId: [urn(WINDOW, "weekly")] },
    };
    const start = (role: string): AnalyzerResource => ({
      urn: urn(TASK, "start"),
      type: TASK,
      name: "start",
      properties: {
        windowId: UNKNOWN,
        taskType: "AUTOMATION",
        taskArn: "AWS-StartEC2Instance",
        targets: [{ key: "WindowTargetIds", values: [UNKNOWN] }],
        taskInvocationParameters: {
          automationParameters: {
            parameters: [
              { name: "InstanceId", values: ["{{RESOURCE_ID}}"] },
              { name: "AutomationAssumeRole", values: [role] },
            ],
          },
        },
      },
      propertyDependencies: { windowId: [urn(WINDOW, "weekly")], targets: [target.urn] },
    });
    const own = await host.analyzeStack([
      window("weekly"),
      target,
      start("arn:aws:iam::123456789012:role/retrain-prod-startstop-a10g"),
    ]);
    // The window has no alert rule in this bare stack: only window-notifications (advisory) speaks.
    expect(own.filter((d) => d.policyName !== "window-notifications")).toEqual([]);
    const windowRole = await host.analyzeStack([
      window("weekly"),
      target,
      start("arn:aws:iam::123456789012:role/retrain-prod-maintenance-window"),
    ]);
    expect(
      windowRole
        .filter((d) => d.policyName !== "window-notifications")
        .map((d) => [d.policyName, d.enforcementLevel, d.urn]),
    ).toEqual([["start-stop-own-pool", "mandatory", urn(TASK, "start")]]);
  });

  it("rejects pending and later calls with a clear error when the pack process dies", async () => {
    const pending = host.analyzeStack([seedRole]).then(
      () => undefined,
      (e: unknown) => e,
    );
    process.kill(host.pid, "SIGKILL");
    // The call may have been answered before the signal landed; if not, it fails with the reason.
    const outcome = await pending;
    if (outcome !== undefined) {
      expect(outcome).toBeInstanceOf(PolicyPackError);
      expect((outcome as Error).message).toMatch(/was killed by SIGKILL/);
    }
    const later = await host.analyze(seedRole).catch((e: unknown) => e);
    expect(later).toBeInstanceOf(PolicyPackError);
    expect((later as Error).message).toMatch(/policy pack .* was killed by SIGKILL/);
  });
});
