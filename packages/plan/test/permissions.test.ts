/**
 * The permissions proof against the example stacks (the real iam, fleet and scheduling programs
 * under the harness): every flow passes as written, and each mutation of a policy (a statement
 * removed, a resource or trust widened) or of a task's role is a finding naming flow, role and
 * permission.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadStackConfig } from "@retrain/config";
import { runStackProgram } from "@retrain/offline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schedulingProgram } from "../../../stacks/scheduling/src/program.js";
import { runExampleUpstream } from "../../../stacks/scheduling/test/support/example-upstream.js";
import type { PlannedResource } from "../src/model.js";
import { type EnvironmentStacks, provePermissions } from "../src/permissions/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const stacksDir = path.join(here, "..", "..", "..", "stacks");
const load = (kind: string, folder: string, stack: string) =>
  loadStackConfig(path.join(stacksDir, kind, folder, stack, `Pulumi.${stack}.yaml`));
const TEAMS: Record<string, string[]> = { dev: ["recsys"], prod: ["nlp", "vision"] };

const envs: Record<string, EnvironmentStacks> = {};
beforeAll(async () => {
  const { upstream, runs } = await runExampleUpstream();
  for (const env of ["dev", "prod"]) {
    const { iam, fleet } = runs[env]!;
    expect(iam.errors).toEqual([]);
    expect(fleet.errors).toEqual([]);
    const scheduling = [];
    for (const team of TEAMS[env] ?? []) {
      const c = load("scheduling", "teams", team);
      const run = await runStackProgram({
        project: c.project,
        stack: team,
        program: schedulingProgram,
        config: c.raw,
        upstream,
      });
      expect(run.errors).toEqual([]);
      scheduling.push({
        id: `scheduling/${team}`,
        team,
        configFile: `stacks/scheduling/teams/${team}/Pulumi.${team}.yaml`,
        resources: run.resources,
      });
    }
    envs[env] = {
      environment: env,
      region: load("iam", "envs", env).region,
      configFile: `stacks/iam/envs/${env}/Pulumi.${env}.yaml`,
      iam: { resources: iam.resources, outputs: iam.outputs },
      fleet: { outputs: fleet.outputs },
      scheduling,
    };
  }
});

const env = (name: string) => {
  const e = envs[name];
  if (!e) throw new Error(`no environment ${name}`);
  return e;
};

type Statement = Record<string, unknown>;
/** A copy of an environment with one resource's policy document (policy or assumeRolePolicy) edited. */
function mutate(
  name: string,
  resourceName: string,
  field: "policy" | "assumeRolePolicy",
  edit: (statements: Statement[]) => Statement[],
): EnvironmentStacks {
  const base = env(name);
  const resources: PlannedResource[] = base.iam.resources.map((r) => {
    if (r.name !== resourceName || r.inputs[field] === undefined) return r;
    const doc = JSON.parse(String(r.inputs[field])) as { Statement: Statement[] };
    return {
      ...r,
      inputs: {
        ...r.inputs,
        [field]: JSON.stringify({ ...doc, Statement: edit(structuredClone(doc.Statement)) }),
      },
    };
  });
  if (!base.iam.resources.some((r) => r.name === resourceName && r.inputs[field] !== undefined))
    throw new Error(`no resource ${resourceName} with ${field}`);
  return { ...base, iam: { ...base.iam, resources } };
}
const without = (sid: string) => (ss: Statement[]) => {
  if (!ss.some((s) => s.Sid === sid)) throw new Error(`no statement ${sid}`);
  return ss.filter((s) => s.Sid !== sid);
};
const editing = (sid: string, change: (s: Statement) => void) => (ss: Statement[]) => {
  const s = ss.find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}`);
  change(s);
  return ss;
};

describe("permissions proof of the example stacks", () => {
  it.each(["dev", "prod"])(
    "proves every flow of %s: needed requests allowed, forbidden ones denied",
    async (name) => {
      const report = await provePermissions([env(name)]);
      expect(report.findings).toEqual([]);
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      const flows = new Set(report.checks.map((c) => c.flow));
      for (const team of TEAMS[name] ?? []) expect(flows).toContain(`team-run/${team}`);
      for (const flow of flows) {
        const checks = report.checks.filter((c) => c.flow === flow);
        expect(
          checks.some((c) => c.expect === "allow"),
          `${flow} proves something needed`,
        ).toBe(true);
        expect(
          checks.every((c) => c.doc.startsWith("https://docs.aws.amazon.com/")),
          flow,
        ).toBe(true);
      }
    },
  );

  // The requests the issue names, each with the decision the stacks must get.
  it.each([
    ["window/send-command", "ssm:SendCommand", "document/retrain-prod-vision-train", "allow", "Allowed"],
    ["window/send-command", "ssm:SendCommand", "::document/AWS-RunShellScript", "deny", "ImplicitlyDenied"],
    ["window/send-command", "ssm:SendCommand", "instance/i-0ffffffffffffffff", "deny", "ImplicitlyDenied"],
    [
      "window/start-stop-runbooks",
      "ssm:StartAutomationExecution",
      "::automation-definition/AWS-StopEC2Instance:$DEFAULT",
      "allow",
      "Allowed",
    ],
    [
      "window/start-stop-runbooks",
      "ssm:StartAutomationExecution",
      "::document/AWS-StartEC2Instance",
      "allow",
      "Allowed",
    ],
    ["window/start-stop-runbooks", "ec2:StopInstances", "instance/", "deny", "ImplicitlyDenied"],
    ["window/pass-role", "iam:PassRole", "role/retrain-prod-startstop-l4", "allow", "Allowed"],
    [
      "automation/start-stop/a10g",
      "ec2:StopInstances",
      "instance/i-0bbbbbbbbbbbbbbbb",
      "deny",
      "ImplicitlyDenied",
    ],
    ["agent/core", "ssm:GetParameters", "parameter/retrain/any-secret", "deny", "ImplicitlyDenied"],
    ["agent/command-output", "s3:PutObject", "/runs/nlp/", "allow", "Allowed"],
    ["agent/team-handoff", "sts:AssumeRole", "role/retrain-prod-team-vision", "allow", "Allowed"],
    ["team-run/vision", "s3:PutObject", "/runs/nlp/", "deny", "ImplicitlyDenied"],
    ["team-run/vision", "s3:GetObject", "/datasets/vision/", "allow", "Allowed"],
    ["team-run/nlp", "s3:GetObject", "/datasets/vision/", "deny", "ImplicitlyDenied"],
  ])("%s: %s on …%s is %s (%s)", async (flow, action, resource, expectation, decision) => {
    const report = await provePermissions([env("prod")]);
    const matching = report.checks.filter(
      (c) => c.flow === flow && c.action === action && c.resource.includes(resource),
    );
    expect(
      matching.length,
      JSON.stringify(report.checks.filter((c) => c.flow === flow).map((c) => [c.action, c.resource])),
    ).toBeGreaterThan(0);
    for (const c of matching) {
      expect(c.expect).toBe(expectation);
      expect(c.decision).toBe(decision);
    }
  });

  it.each([
    [
      "maintenance-window-permissions",
      "retrain-prod-maintenance-window",
      "RunProjectDocuments",
      "window/send-command",
      "ssm:SendCommand on arn:aws:ssm:eu-west-1:123456789012:document/retrain-prod-nlp-train",
    ],
    [
      "maintenance-window-permissions",
      "retrain-prod-maintenance-window",
      "StartStopAutomations",
      "window/start-stop-runbooks",
      "ssm:StartAutomationExecution on arn:aws:ssm:eu-west-1::automation-definition/AWS-StartEC2Instance:$DEFAULT",
    ],
    [
      "maintenance-window-permissions",
      "retrain-prod-maintenance-window",
      "PassPoolStartStopRolesToSsm",
      "window/pass-role",
      "iam:PassRole on arn:aws:iam::123456789012:role/retrain-prod-startstop-a10g",
    ],
    [
      "startstop-l4-permissions",
      "retrain-prod-startstop-l4",
      "StartStopPoolInstancesOnly",
      "automation/start-stop/l4",
      "ec2:StartInstances on arn:aws:ec2:eu-west-1:123456789012:instance/",
    ],
    [
      "training-instance-agent",
      "retrain-prod-training-instance",
      "AgentOutputToS3",
      "agent/command-output",
      "s3:PutObject on arn:aws:s3:::retrain-artifacts-prod-eu-west-1/runs/vision/",
    ],
    [
      "training-instance-agent",
      "retrain-prod-training-instance",
      "AssumeTeamRolesOnly",
      "agent/team-handoff",
      "sts:AssumeRole on arn:aws:iam::123456789012:role/retrain-prod-team-nlp",
    ],
    [
      "team-vision-permissions",
      "retrain-prod-team-vision",
      "ReadOwnDatasets",
      "team-run/vision",
      "s3:GetObject on arn:aws:s3:::retrain-artifacts-prod-eu-west-1/datasets/vision/",
    ],
  ])(
    "removing %s's (role %s) statement %s is a finding of flow %s naming the missing %s",
    async (resource, role, sid, flow, missing) => {
      const report = await provePermissions([mutate("prod", resource, "policy", without(sid))]);
      const finding = report.findings.find(
        (f) => f.flow === flow && f.message.includes(`missing permission: ${missing}`),
      );
      expect(finding, JSON.stringify(report.findings, null, 2)).toBeDefined();
      expect(finding?.file).toBe("stacks/iam/envs/prod/Pulumi.prod.yaml");
      expect(finding?.message).toContain(`role ${role} is denied`);
      expect(finding?.role).toBe(`arn:aws:iam::123456789012:role/${role}`);
    },
  );

  it("a finding on a request made from a team's stack names the team (the gate counts it for that team)", async () => {
    const output = await provePermissions([
      mutate("prod", "training-instance-agent", "policy", without("AgentOutputToS3")),
    ]);
    const vision = output.findings.find(
      (f) => f.flow === "agent/command-output" && f.message.includes("runs/vision/"),
    );
    expect(vision?.team).toBe("vision");
    const startStop = await provePermissions([
      mutate("prod", "startstop-l4-permissions", "policy", without("StartStopPoolInstancesOnly")),
    ]);
    const pool = startStop.findings.find((f) => f.flow === "automation/start-stop/l4");
    expect(pool).toBeDefined();
    expect(pool?.team).toBeUndefined();
  });

  it.each([
    [
      "a team's write prefix widened to runs/*",
      "team-vision-permissions",
      "policy" as const,
      editing("ReadWriteOwnRunsAndModels", (s) => {
        s.Resource = "arn:aws:s3:::retrain-artifacts-prod-eu-west-1/runs/*";
      }),
      "team-run/vision",
      "is allowed s3:PutObject on arn:aws:s3:::retrain-artifacts-prod-eu-west-1/runs/nlp/",
    ],
    [
      "the pool condition dropped from a start/stop role",
      "startstop-a10g-permissions",
      "policy" as const,
      editing("StartStopPoolInstancesOnly", (s) => {
        s.Condition = { StringEquals: { "aws:ResourceTag/retrain:fleet": "retrain-prod" } };
      }),
      "automation/start-stop/a10g",
      'aws:ResourceTag/retrain:pool="l4"',
    ],
    [
      "SendCommand widened to every document of the region",
      "maintenance-window-permissions",
      "policy" as const,
      editing("RunProjectDocuments", (s) => {
        s.Resource = ["arn:aws:ssm:eu-west-1::document/*", ...(s.Resource as string[])];
      }),
      "window/send-command",
      "is allowed ssm:SendCommand on arn:aws:ssm:eu-west-1::document/AWS-RunShellScript",
    ],
    [
      "Parameter Store granted to the instance role",
      "training-instance-agent",
      "policy" as const,
      (ss: Statement[]) => [
        ...ss,
        {
          Sid: "Params",
          Effect: "Allow",
          Action: "ssm:GetParameters",
          Resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/*",
        },
      ],
      "agent/core",
      "is allowed ssm:GetParameters on arn:aws:ssm:eu-west-1:123456789012:parameter/retrain/any-secret by statement Params",
    ],
    [
      "a team role trusting the whole account",
      "team-nlp",
      "assumeRolePolicy" as const,
      editing("OnlyTheInstanceRole", (s) => {
        delete s.Condition;
      }),
      "agent/team-handoff",
      "arn:aws:iam::123456789012:role/retrain-prod-someone-else",
    ],
    [
      "the window role's trust without the confused-deputy conditions",
      "maintenance-window",
      "assumeRolePolicy" as const,
      editing("SsmServiceOfThisAccount", (s) => {
        delete s.Condition;
      }),
      "ssm-trust/retrain-prod-maintenance-window",
      "on behalf of another account",
    ],
  ])("%s is a must-deny finding", async (_what, resource, field, edit, flow, text) => {
    const report = await provePermissions([mutate("prod", resource, field, edit)]);
    const finding = report.findings.find((f) => f.flow === flow && f.message.includes(text));
    expect(finding, JSON.stringify(report.findings, null, 2)).toBeDefined();
    expect(finding?.message).toMatch(/must be denied/);
  });

  it("names the task when a start/stop task runs as another role than its pool's", async () => {
    const base = env("prod");
    const windowRole = String(base.iam.outputs.maintenanceWindowRoleArn);
    const scheduling = base.scheduling.map((s) => ({
      ...s,
      resources: s.resources.map((r) => {
        if (r.inputs.taskType !== "AUTOMATION") return r;
        return {
          ...r,
          inputs: {
            ...r.inputs,
            taskInvocationParameters: {
              automationParameters: {
                documentVersion: "$DEFAULT",
                parameters: [
                  { name: "InstanceId", values: ["{{RESOURCE_ID}}"] },
                  { name: "AutomationAssumeRole", values: [windowRole] },
                ],
              },
            },
          },
        };
      }),
    }));
    const report = await provePermissions([{ ...base, scheduling }]);
    const finding = report.findings.find((f) => f.flow === "automation/start-stop/a10g");
    expect(finding?.file).toBe("stacks/scheduling/teams/vision/Pulumi.vision.yaml");
    expect(finding?.message).toContain(
      `with AutomationAssumeRole ${windowRole}, but pool a10g's start/stop role is`,
    );
  });

  it("proves the agent's upload for every task's and association's real output location", async () => {
    for (const name of ["dev", "prod"]) {
      const report = await provePermissions([env(name)]);
      const uploads = report.checks.filter(
        (c) => c.flow === "agent/command-output" && c.action === "s3:PutObject" && c.expect === "allow",
      );
      for (const team of TEAMS[name] ?? []) {
        expect(
          uploads.some(
            (c) => c.why.includes(`of scheduling/${team}`) && c.resource.includes(`/runs/${team}/`),
          ),
          team,
        ).toBe(true);
      }
      expect(uploads.every((c) => c.decision === "Allowed")).toBe(true);
    }
  });

  it("names the task whose output location leaves its team's runs/ prefix", async () => {
    const base = env("prod");
    const scheduling = base.scheduling.map((s) =>
      s.team !== "vision"
        ? s
        : {
            ...s,
            resources: s.resources.map((r) => {
              const p = (
                r.inputs.taskInvocationParameters as
                  | { runCommandParameters?: Record<string, unknown> }
                  | undefined
              )?.runCommandParameters;
              if (!p) return r;
              return {
                ...r,
                inputs: {
                  ...r.inputs,
                  taskInvocationParameters: {
                    runCommandParameters: { ...p, outputS3KeyPrefix: "runs/nlp/weekly" },
                  },
                },
              };
            }),
          },
    );
    const report = await provePermissions([{ ...base, scheduling }]);
    const finding = report.findings.find((f) => f.flow === "agent/command-output");
    expect(finding?.file).toBe("stacks/scheduling/teams/vision/Pulumi.vision.yaml");
    expect(finding?.message).toContain(
      "s3://retrain-artifacts-prod-eu-west-1/runs/nlp/weekly, outside team vision's own runs/vision/ prefix",
    );
  });

  it("reads a role's inlinePolicies like its RolePolicy resources", async () => {
    const base = env("prod");
    const policy = base.iam.resources.find((r) => r.name === "team-vision-permissions");
    const resources = base.iam.resources
      .filter((r) => r !== policy)
      .map((r) =>
        r.type === "aws:iam/role:Role" && r.inputs.name === "retrain-prod-team-vision"
          ? {
              ...r,
              inputs: { ...r.inputs, inlinePolicies: [{ name: "inline", policy: policy?.inputs.policy }] },
            }
          : r,
      );
    const moved = await provePermissions([{ ...base, iam: { ...base.iam, resources } }]);
    expect(moved.findings).toEqual([]);
    const check = moved.checks.find(
      (c) => c.flow === "team-run/vision" && c.action === "s3:GetObject" && c.expect === "allow",
    );
    expect(check?.allowedBy.some((s) => s.endsWith("(inline)"))).toBe(true);
  });

  it("reads an attached customer managed policy of the stack like an inline one", async () => {
    const base = env("prod");
    const policy = base.iam.resources.find((r) => r.name === "team-vision-permissions");
    const managed: PlannedResource[] = [
      {
        urn: "urn:pulumi:prod::retrain-iam::aws:iam/policy:Policy::vision-managed",
        type: "aws:iam/policy:Policy",
        name: "vision-managed",
        inputs: { name: "retrain-prod-vision-managed", policy: policy?.inputs.policy },
      },
      {
        urn: "urn:pulumi:prod::retrain-iam::aws:iam/rolePolicyAttachment:RolePolicyAttachment::vision-managed",
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name: "vision-managed",
        inputs: {
          role: "retrain-prod-team-vision",
          policyArn: "arn:aws:iam::123456789012:policy/retrain-prod-vision-managed",
        },
      },
    ];
    const resources = [...base.iam.resources.filter((r) => r !== policy), ...managed];
    const report = await provePermissions([{ ...base, iam: { ...base.iam, resources } }]);
    expect(report.findings).toEqual([]);
    const check = report.checks.find(
      (c) => c.flow === "team-run/vision" && c.action === "s3:PutObject" && c.expect === "allow",
    );
    expect(check?.allowedBy.some((s) => s.endsWith("(retrain-prod-vision-managed)"))).toBe(true);
  });

  it("refuses to prove a role with an attached managed policy (its content is unknown offline)", async () => {
    const base = env("dev");
    const attachment: PlannedResource = {
      urn: "urn:pulumi:dev::retrain-iam::aws:iam/rolePolicyAttachment:RolePolicyAttachment::core",
      type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      name: "core",
      inputs: {
        role: "retrain-dev-training-instance",
        policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      },
    };
    const report = await provePermissions([
      { ...base, iam: { ...base.iam, resources: [...base.iam.resources, attachment] } },
    ]);
    expect(report.findings.map((f) => f.message).join("\n")).toContain(
      "role retrain-dev-training-instance has the managed policy arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore attached",
    );
    // The same through the Role's managedPolicyArns.
    const resources = base.iam.resources.map((r) =>
      r.type === "aws:iam/role:Role" && r.inputs.name === "retrain-dev-team-recsys"
        ? { ...r, inputs: { ...r.inputs, managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"] } }
        : r,
    );
    const viaRole = await provePermissions([{ ...base, iam: { ...base.iam, resources } }]);
    expect(viaRole.findings.map((f) => f.message).join("\n")).toContain(
      "role retrain-dev-team-recsys has the managed policy arn:aws:iam::aws:policy/AmazonS3FullAccess attached",
    );
  });
});

describe("an iam stack whose outputs break the contract", () => {
  // A renamed output fails every downstream StackReference (reported there, exit 2): the proof
  // says once why it cannot run instead of a made-up finding per flow that read the missing value.
  it.each(["logGroupName", "artifactBucket", "teamRoleArns", "instanceProfileName"])(
    "without %s: one finding naming the key, no flow simulated",
    async (key) => {
      const base = env("prod");
      const { [key]: _, ...outputs } = base.iam.outputs;
      const report = await provePermissions([{ ...base, iam: { ...base.iam, outputs } }]);
      expect(report.checks).toEqual([]);
      expect(report.findings).toHaveLength(1);
      expect(report.findings[0]).toMatchObject({ flow: "(all)", environment: base.environment });
      expect(report.findings[0]?.message).toMatch(
        new RegExp(`permissions cannot be proven: the iam stack's outputs break the contract .*${key}`),
      );
    },
  );
});

/**
 * A multi-team environment from prod: every resource and output of team `vision` (its role, its
 * policy, its scheduling stack) cloned for each generated team, as a workspace of many teams has.
 */
function withTeams(name: string, count: number): EnvironmentStacks {
  const base = env(name);
  const teams = Array.from({ length: count }, (_, i) => `gen${String(i).padStart(2, "0")}`);
  const renamed = <T>(value: T, team: string): T =>
    JSON.parse(JSON.stringify(value).replaceAll("vision", team)) as T;
  const ofVision = base.iam.resources.filter((r) => JSON.stringify(r).includes("vision"));
  const roles = base.iam.outputs.teamRoleArns as Record<string, string>;
  const vision = base.scheduling.find((s) => s.team === "vision");
  if (!vision || !roles.vision || ofVision.length === 0) throw new Error(`no team vision in ${name}`);
  return {
    ...base,
    iam: {
      resources: [...base.iam.resources, ...teams.flatMap((t) => renamed(ofVision, t))],
      outputs: {
        ...base.iam.outputs,
        teamRoleArns: { ...roles, ...Object.fromEntries(teams.map((t) => [t, renamed(roles.vision, t)])) },
      },
    },
    scheduling: [...base.scheduling, ...teams.map((t) => renamed(vision, t))],
  };
}

/** `base` with one team's own-datasets grant removed: a broken grant, so the findings are not empty. */
function brokenGrant(base: EnvironmentStacks, team: string): EnvironmentStacks {
  const resource = `team-${team}-permissions`;
  if (!base.iam.resources.some((r) => r.name === resource)) throw new Error(`no resource ${resource}`);
  const resources = base.iam.resources.map((r) => {
    if (r.name !== resource) return r;
    const doc = JSON.parse(String(r.inputs.policy)) as { Statement: Statement[] };
    const Statement = without("ReadOwnDatasets")(doc.Statement);
    return { ...r, inputs: { ...r.inputs, policy: JSON.stringify({ ...doc, Statement }) } };
  });
  return { ...base, iam: { ...base.iam, resources } };
}

describe("the proof's memo (across plans, in the plan cache directory)", () => {
  const dirs: string[] = [];
  const memoDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), "proof-memo-"));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const memoFiles = (dir: string) =>
    readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".json"))
      .map((f) => path.join(dir, f));

  const cases: [string, () => EnvironmentStacks[], boolean][] = [
    ["the example dev and prod", () => [env("dev"), env("prod")], false],
    ["prod with a team's grant removed", () => [brokenGrant(env("prod"), "vision")], true],
    ["a generated prod of 14 teams", () => [withTeams("prod", 12)], false],
    [
      "a generated prod of 14 teams, one grant removed",
      () => [brokenGrant(withTeams("prod", 12), "gen07")],
      true,
    ],
  ];

  it.each(cases)(
    "%s: the same checks and findings cold, warm, and without the memo",
    async (_what, envsOf, broken) => {
      const envs = envsOf();
      const plain = await provePermissions(envs);
      expect(plain.findings.length > 0).toBe(broken);
      const dir = memoDir();
      const cold = await provePermissions(envs, { memoDir: dir });
      const stored = memoFiles(dir).map(
        (f) => Object.keys((JSON.parse(readFileSync(f, "utf8")) as { entries: object }).entries).length,
      );
      // One file per environment, one entry per check: each check is a request of its own.
      expect(stored.length).toBe(envs.length);
      expect(stored.reduce((a, b) => a + b, 0)).toBe(plain.checks.length);
      const warm = await provePermissions(envs, { memoDir: dir });
      expect(cold).toEqual(plain);
      expect(warm).toEqual(plain);
    },
  );

  it("a memo warmed by intact stacks does not hide a broken grant, nor a fixed one's old finding", async () => {
    const intact = withTeams("prod", 12);
    const broken = brokenGrant(intact, "gen07");
    const dir = memoDir();
    await provePermissions([intact], { memoDir: dir });
    const afterIntact = await provePermissions([broken], { memoDir: dir });
    expect(afterIntact).toEqual(await provePermissions([broken]));
    expect(afterIntact.findings.map((f) => f.flow)).toContain("team-run/gen07");
    const fixed = await provePermissions([intact], { memoDir: dir });
    expect(fixed).toEqual(await provePermissions([intact]));
    expect(fixed.findings).toEqual([]);
  });

  it("keeps only the latest proof's entries of an environment (bounded by one proof)", async () => {
    const dir = memoDir();
    await provePermissions([withTeams("prod", 12)], { memoDir: dir });
    const small = await provePermissions([withTeams("prod", 2)], { memoDir: dir });
    const [file] = memoFiles(dir);
    const stored = JSON.parse(readFileSync(file ?? "", "utf8")) as { entries: Record<string, unknown> };
    expect(Object.keys(stored.entries).length).toBeLessThanOrEqual(small.checks.length);
  });

  it("uses what it stored: the directory is trusted, which is why it is the plan cache's (outside the workspace)", async () => {
    const envs = [env("prod")];
    const dir = memoDir();
    await provePermissions(envs, { memoDir: dir });
    const [file] = memoFiles(dir);
    writeFileSync(
      file ?? "",
      readFileSync(file ?? "", "utf8").replaceAll('"decision":"ImplicitlyDenied"', '"decision":"Allowed"'),
    );
    const report = await provePermissions(envs, { memoDir: dir });
    expect(report.findings.some((f) => f.message.includes("which must be denied"))).toBe(true);
  });

  it.each([
    ["not JSON", () => "{ truncated"],
    ["of another format", (s: string) => s.replace('"format":1', '"format":0')],
    ["of other library versions", (s: string) => s.replace(/"libraries":"[^"]*"/, '"libraries":"x@0 y@0"')],
    ["with malformed entries", (s: string) => s.replaceAll(/"decision":"[A-Za-z]+"/g, '"decision":"Maybe"')],
  ])("ignores a memo file %s", async (_what, spoil) => {
    const envs = [brokenGrant(env("prod"), "vision")];
    const dir = memoDir();
    await provePermissions(envs, { memoDir: dir });
    const [file] = memoFiles(dir);
    writeFileSync(file ?? "", spoil(readFileSync(file ?? "", "utf8")));
    expect(await provePermissions(envs, { memoDir: dir })).toEqual(await provePermissions(envs));
  });
});
