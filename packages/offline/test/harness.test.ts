import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { runStackProgram } from "../src/index.js";
import { isConfigSecret } from "../src/pulumi-internals.js";

/** A provider resource by token, without depending on @pulumi/aws here. */
class Res extends pulumi.CustomResource {
  declare readonly arn: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  constructor(
    type: string,
    name: string,
    props: Record<string, unknown>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(type, name, { arn: undefined, ...props }, opts);
  }
}

class Group extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("test:index:Group", name, {}, opts);
    const role = new Res("aws:iam/role:Role", `${name}-role`, { name: `${name}-role` }, { parent: this });
    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}

const base = { project: "proj", config: { "aws:region": "eu-west-1" } };

describe("runStackProgram", () => {
  it("records resources with URN, parent and inputs, and resolves outputs", async () => {
    const result = await runStackProgram({
      ...base,
      stack: "dev",
      program: async () => ({ arn: new Group("g").roleArn, plain: 1 }),
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs).toEqual({ arn: "arn:aws:iam::123456789012:role/g-role", plain: 1 });
    expect(result.resources.map((r) => [r.type, r.name, r.custom])).toEqual([
      ["pulumi:pulumi:Stack", "proj-dev", false],
      ["test:index:Group", "g", false],
      ["aws:iam/role:Role", "g-role", true],
    ]);
    const [stack, group, role] = result.resources;
    expect(group?.parent).toBe(stack?.urn);
    expect(role?.parent).toBe(group?.urn);
    expect(role?.urn).toBe("urn:pulumi:dev::proj::test:index:Group$aws:iam/role:Role::g-role");
    expect(role?.inputs).toEqual({ name: "g-role" });
    expect(group?.outputs).toEqual({ roleArn: "arn:aws:iam::123456789012:role/g-role" });
  });

  it("isolates config, stack name and resources between runs in one process", async () => {
    const program = async () => {
      new Res("aws:ec2/instance:Instance", "box", {});
      return {
        a: new pulumi.Config("x").get("a") ?? "unset",
        stack: pulumi.getStack(),
        n: new pulumi.Config("x").getNumber("n"),
      };
    };
    const first = await runStackProgram({
      ...base,
      stack: "one",
      program,
      config: { ...base.config, "x:a": "set", "x:n": 3 },
    });
    const second = await runStackProgram({ ...base, stack: "two", program });
    expect(first.outputs).toEqual({ a: "set", stack: "one", n: 3 });
    expect(second.outputs).toEqual({ a: "unset", stack: "two" });
    expect(second.resources.filter((r) => r.type === "aws:ec2/instance:Instance")).toHaveLength(1);
    expect(first.resources[1]?.id).not.toBe(second.resources[1]?.id);
  });

  it("queues concurrent runs so each sees only its own state", async () => {
    const results = await Promise.all(
      ["a", "b", "c", "d"].map((stack) =>
        runStackProgram({
          ...base,
          stack,
          program: async () => ({ stack: pulumi.getStack(), v: new pulumi.Config("x").require("v") }),
          config: { ...base.config, "x:v": stack },
        }),
      ),
    );
    expect(results.map((r) => r.outputs)).toEqual(["a", "b", "c", "d"].map((s) => ({ stack: s, v: s })));
  });

  it("gives deterministic ids and ARNs shaped per type", async () => {
    const program = async () => {
      const i = new Res("aws:ec2/instance:Instance", "gpu-1", {});
      const sg = new Res("aws:ec2/securityGroup:SecurityGroup", "sg", {});
      const mw = new Res("aws:ssm/maintenanceWindow:MaintenanceWindow", "w", { name: "weekly" });
      const lg = new Res("aws:cloudwatch/logGroup:LogGroup", "lg", { name: "/retrain/dev/runs" });
      return { i: i.id, iArn: i.arn, sg: sg.id, mw: mw.id, lgArn: lg.arn };
    };
    const a = await runStackProgram({ ...base, stack: "dev", program });
    const b = await runStackProgram({ ...base, stack: "dev", program });
    expect(a.outputs).toEqual(b.outputs);
    expect(a.outputs.i).toMatch(/^i-[0-9a-f]{17}$/);
    expect(a.outputs.iArn).toBe(`arn:aws:ec2:eu-west-1:123456789012:instance/${String(a.outputs.i)}`);
    expect(a.outputs.sg).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(a.outputs.mw).toMatch(/^mw-[0-9a-f]{17}$/);
    expect(a.outputs.lgArn).toBe("arn:aws:logs:eu-west-1:123456789012:log-group:/retrain/dev/runs");
  });

  it("answers StackReferences from the given upstream outputs", async () => {
    const result = await runStackProgram({
      ...base,
      stack: "dev",
      program: async () => ({ v: new pulumi.StackReference("organization/up/dev").requireOutput("k") }),
      upstream: { "organization/up/dev": { k: ["x"] } },
    });
    expect(result.outputs).toEqual({ v: ["x"] });
  });

  it("answers each run from its own upstream, also when the same map is repeated, nested or changed", async () => {
    const read = (upstream: Record<string, unknown>) =>
      runStackProgram({
        ...base,
        stack: "dev",
        program: async () => ({ v: new pulumi.StackReference("organization/up/dev").requireOutput("roles") }),
        upstream: { "organization/up/dev": upstream },
      }).then((r) => r.outputs.v);
    const roles = { a: "arn:a", b: { nested: ["arn:b"] } };
    // The same content twice (one encoding reused), a copy, then each kind of change.
    expect(await read({ roles })).toEqual(roles);
    expect(await read(structuredClone({ roles }))).toEqual(roles);
    roles.b.nested.push("arn:c"); // the caller's own object, changed after a run
    expect(await read({ roles })).toEqual({ a: "arn:a", b: { nested: ["arn:b", "arn:c"] } });
    expect(await read({ roles: { a: "arn:a" } })).toEqual({ a: "arn:a" });
    expect(await read({ roles: { a: "arn:A" } })).toEqual({ a: "arn:A" });
  });

  it("reports an unknown upstream stack by name without hanging", async () => {
    const result = await runStackProgram({
      ...base,
      stack: "dev",
      program: async () => {
        const ref = new pulumi.StackReference("organization/up/prod");
        const dependent = new Res("aws:iam/role:Role", "r", { name: ref.requireOutput("k") });
        new Res("aws:iam/instanceProfile:InstanceProfile", "p", { role: dependent.name });
        return { name: dependent.name };
      },
      upstream: { "organization/up/dev": {} },
    });
    expect(result.errors.map((e) => e.message).join("\n")).toMatch(
      /unknown stack "organization\/up\/prod".*known stacks: organization\/up\/dev/,
    );
    expect(result.outputs).toEqual({});
  });

  it("returns the program's exception, and an unknown invoke names its token", async () => {
    const thrown = await runStackProgram({
      ...base,
      stack: "dev",
      program: async () => {
        throw new Error("bad config");
      },
    });
    expect(thrown.errors.map((e) => e.message)).toEqual(["bad config"]);
    const invoke = await runStackProgram({
      ...base,
      stack: "dev",
      program: async () => ({ x: await pulumi.runtime.invoke("aws:ec2/getAmi:getAmi", {}) }),
    });
    expect(invoke.errors.map((e) => e.message).join("\n")).toContain(
      'no mock answer for invoke "aws:ec2/getAmi:getAmi"',
    );
  });

  it("fails a registration the AWS provider would reject, naming the resource, the input and the rule", async () => {
    const run = await runStackProgram({
      ...base,
      stack: "dev",
      program: async () => {
        new Res("aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", "weekly-ab", {
          name: "ab",
          maxConcurrency: "0",
        });
        return {};
      },
    });
    const message = run.errors.map((e) => e.message).join("\n");
    expect(message).toContain('aws:ssm/maintenanceWindowTask:MaintenanceWindowTask "weekly-ab"');
    expect(message).toContain("urn:pulumi:dev::proj::");
    expect(message).toContain('name = "ab"');
    expect(message).toContain('maxConcurrency = "0"');
    expect(message).toContain("ssm/maintenance_window_task.go");
    const off = await runStackProgram({
      ...base,
      stack: "dev",
      mocks: { providerConstraints: false },
      program: async () => {
        new Res("aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", "weekly-ab", { name: "ab" });
        return {};
      },
    });
    expect(off.errors).toEqual([]);
  });

  it("adds up a role's inline policies across RolePolicy resources (IAM's 10,240 per role)", async () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: Array.from({ length: 45 }, (_, i) => ({
        Sid: `S${i}`,
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: `arn:aws:s3:::bucket-${i}/*`,
      })),
    });
    const putPolicies = (names: string[], named = true) =>
      runStackProgram({
        ...base,
        stack: "dev",
        program: async () => {
          const role = new Res("aws:iam/role:Role", "window", { name: "retrain-dev-window" });
          for (const name of names)
            new Res(
              "aws:iam/rolePolicy:RolePolicy",
              name,
              { role: role.id, ...(named ? { name } : {}), policy },
              { dependsOn: role },
            );
          // Another role's policy does not count towards this one's.
          const other = new Res("aws:iam/role:Role", "other", { name: "retrain-dev-other" });
          new Res("aws:iam/rolePolicy:RolePolicy", "other-p", { role: other.id, name: "p", policy });
          return {};
        },
      });
    expect((await putPolicies(["a", "b"])).errors).toEqual([]);
    const message = (await putPolicies(["a", "b", "c"])).errors.map((e) => e.message).join("\n");
    expect(message).toMatch(/aws:iam\/rolePolicy:RolePolicy "[abc]"/);
    expect(message).toMatch(
      /with role retrain-dev-window's other inline policies \([ab] \d+, [ab] \d+\) that is \d+, over IAM's 10240/,
    );
    expect(message).not.toContain("other-p");
    // Unnamed policies (Pulumi names each apart) add up too.
    expect((await putPolicies(["a", "b", "c"], false)).errors.map((e) => e.message).join("\n")).toMatch(
      /over IAM's 10240 for all of a role's inline policies together/,
    );
  });

  it("refuses a duplicate URN as Pulumi does, naming both registrations", async () => {
    const run = await runStackProgram({
      ...base,
      stack: "dev",
      program: async () => {
        const g = new Group("g");
        new Res(
          "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
          "w-start",
          { name: "start-instances", taskType: "AUTOMATION" },
          { parent: g },
        );
        new Res(
          "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
          "w-start",
          { name: "start", taskType: "RUN_COMMAND" },
          { parent: g },
        );
        return {};
      },
    });
    const message = run.errors.map((e) => e.message).join("\n");
    expect(message).toContain(
      "Duplicate resource URN 'urn:pulumi:dev::proj::test:index:Group$aws:ssm/maintenanceWindowTask:MaintenanceWindowTask::w-start'",
    );
    expect(message).toContain("name=start-instances, taskType=AUTOMATION");
    expect(message).toContain("name=start, taskType=RUN_COMMAND");
    // The same name under a parent of another type is another URN.
    const ok = await runStackProgram({
      ...base,
      stack: "dev",
      program: async () => {
        new Res(
          "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
          "w-start",
          { name: "start" },
          { parent: new Group("g") },
        );
        new Res("aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", "w-start", { name: "start" });
        return {};
      },
    });
    expect(ok.errors).toEqual([]);
  });

  it("uses custom invoke answers and SSM parameter values", async () => {
    const result = await runStackProgram({
      ...base,
      stack: "dev",
      program: async () => ({
        ami: (
          (await pulumi.runtime.invoke("aws:ssm/getParameter:getParameter", { name: "/p" })) as {
            value: string;
          }
        ).value,
        custom: await pulumi.runtime.invoke("aws:ec2/getAmi:getAmi", {}),
      }),
      mocks: { parameters: { "/p": "ami-1" }, invokes: { "aws:ec2/getAmi:getAmi": () => ({ id: "ami-2" }) } },
    });
    expect(result.outputs).toEqual({ ami: "ami-1", custom: { id: "ami-2" } });
  });

  it("records logs, counts logged errors as errors, and restores the process handlers", async () => {
    const before = process.listenerCount("unhandledRejection");
    const result = await runStackProgram({
      ...base,
      stack: "dev",
      program: async () => {
        pulumi.log.warn("careful");
        pulumi.log.error("broken");
        return {};
      },
    });
    expect(result.logs.map((l) => [l.severity, l.message])).toEqual([
      ["warning", "careful"],
      ["error", "broken"],
    ]);
    expect(result.errors.map((e) => e.message)).toEqual(["broken"]);
    expect(process.listenerCount("unhandledRejection")).toBe(before);
  });

  it("passes objects as JSON and secure values as secrets", async () => {
    const result = await runStackProgram({
      ...base,
      stack: "dev",
      program: async () => {
        const cfg = new pulumi.Config("x");
        return {
          obj: cfg.requireObject("obj"),
          token: cfg.get("token"),
          secret: isConfigSecret("x:token"),
        };
      },
      config: { ...base.config, "x:obj": { a: [1, "2"] }, "x:token": { secure: "v1:abc" } },
    });
    expect(result.outputs).toEqual({ obj: { a: [1, "2"] }, token: "v1:abc", secret: true });
  });
});
