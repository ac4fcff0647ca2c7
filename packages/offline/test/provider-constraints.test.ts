import { describe, expect, it } from "vitest";
import { checkProviderConstraints, PROVIDER_CONSTRAINTS } from "../src/index.js";
import type { Constraint, ConstraintContext, RegisteredResource } from "../src/provider-constraints/index.js";

const ctxOf = (others: Record<string, RegisteredResource> = {}): ConstraintContext => ({
  byId: (id) => others[id],
  ofType: (type) => Object.values(others).filter((r) => r.type === type),
});

const rows = Object.entries(PROVIDER_CONSTRAINTS).flatMap(([type, constraints]) =>
  constraints.map((c: Constraint, i) => ({ type, i, c, label: `${type} #${i} ${c.path}` })),
);

describe("provider constraints table", () => {
  it("has a source for every constraint", () => {
    for (const { label, c } of rows)
      expect(c.source, label).toMatch(
        /terraform-provider-aws internal\/(service|verify)\/|^https:\/\/docs\.aws\.amazon\.com\//,
      );
  });

  it.each(rows)("$label: the good example passes", ({ c }) => {
    expect(c.check(c.examples.good, ctxOf(c.examples.others))).toEqual([]);
  });

  it.each(rows)("$label: the bad example fails, naming the input", ({ c }) => {
    const findings = c.check(c.examples.bad, ctxOf(c.examples.others));
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.message.length).toBeGreaterThan(10);
  });

  it.each(rows)("$label: unknown (absent) values are not judged", ({ c }) => {
    expect(c.check({}, ctxOf())).toEqual([]);
  });
});

describe("checkProviderConstraints", () => {
  it("reports path, phase and source; 0 is a valid maxErrors but not a valid maxConcurrency", () => {
    const task = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";
    const v = checkProviderConstraints(task, { name: "ab", maxConcurrency: "0", maxErrors: "0" }, ctxOf());
    expect(v.map((x) => x.path).sort()).toEqual(["maxConcurrency", "name"]);
    expect(v[0]!.source).toContain("ssm/maintenance_window_task.go");
    expect(v.every((x) => x.phase === "preview")).toBe(true);
  });

  it("checks every element of a list", () => {
    const v = checkProviderConstraints(
      "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
      {
        targets: [
          { key: "tag:a", values: ["x"] },
          { key: "", values: ["y"] },
        ],
      },
      ctxOf(),
    );
    expect(v.map((x) => x.path)).toEqual(["targets[1].key"]);
  });

  it("finds the launch-template / network-interface conflict across resources (issue 13 item 1)", () => {
    const lt: RegisteredResource = {
      type: "aws:ec2/launchTemplate:LaunchTemplate",
      name: "gpu-a10g",
      urn: "urn:lt",
      inputs: { vpcSecurityGroupIds: ["sg-1"] },
    };
    const instance = { launchTemplate: { id: "lt-1" }, subnetId: "subnet-1", vpcSecurityGroupIds: ["sg-1"] };
    const ctx = ctxOf({ "lt-1": lt });
    expect(checkProviderConstraints("aws:ec2/instance:Instance", instance, ctx)).toEqual([]);
    const bad = checkProviderConstraints(
      "aws:ec2/instance:Instance",
      { ...instance, associatePublicIpAddress: false },
      ctx,
    );
    expect(bad).toHaveLength(1);
    expect(bad[0]!.message).toContain("InvalidParameterCombination");
    expect(bad[0]!.message).toContain('"gpu-a10g"');
    expect(bad[0]!.phase).toBe("up");
  });

  it("has nothing to say about types without an entry", () => {
    expect(checkProviderConstraints("aws:foo/bar:Bar", { name: "" }, ctxOf())).toEqual([]);
  });
});
