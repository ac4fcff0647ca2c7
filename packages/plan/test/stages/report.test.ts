/** Stage 5: the stacks as reported, and the summary's exit code. */
import type { DiscoveredStack } from "@retrain/config";
import { describe, expect, it } from "vitest";
import type { StackPlan, Violation } from "../../src/model.js";
import { planContext } from "../../src/stages/context.js";
import { stackPlanOf, summarize } from "../../src/stages/report.js";
import type { StackOutcome } from "../../src/stages/run.js";

const ctx = planContext({ workspace: "/ws", from: new Date("2026-01-05T00:00:00Z") });
const stack = {
  id: "iam/dev",
  kind: "iam",
  project: "retrain-iam",
  stack: "dev",
  configFile: "/ws/stacks/iam/envs/dev/Pulumi.dev.yaml",
} as DiscoveredStack;
const planned: StackOutcome = {
  id: "iam/dev",
  stack,
  selected: true,
  status: "planned",
  resources: [{ urn: "urn:x", type: "aws:s3/bucket:Bucket", name: "b", inputs: {} }],
  outputs: { a: 1 },
};
const violation: Violation = {
  policy: "p",
  policyPack: "retrain-guard",
  enforcementLevel: "mandatory",
  message: "m",
};

describe("stackPlanOf", () => {
  it("reports a stack the pack could not analyse as failed, while the run's view keeps it planned", () => {
    const analysis = { analyses: new Map([["iam/dev", { error: "policy pack: died" }]]), problems: [] };
    const { ran, reported } = stackPlanOf(planned, ctx, analysis);
    expect(ran.status).toBe("planned");
    expect(reported).toEqual({ ...ran, status: "failed", error: "policy pack: died" });
    expect(reported.configFile).toBe("stacks/iam/envs/dev/Pulumi.dev.yaml");
  });

  it("carries the analysis' violations on a planned stack", () => {
    const analysis = { analyses: new Map([["iam/dev", { violations: [violation] }]]), problems: [] };
    const { reported } = stackPlanOf(planned, ctx, analysis);
    expect(reported.status).toBe("planned");
    expect(reported.violations).toEqual([violation]);
    expect(reported.outputs).toEqual({ a: 1 });
  });

  it("gives a skipped stack no resources or outputs and its reason", () => {
    const { reported } = stackPlanOf(
      { id: "iam/dev", stack, selected: false, status: "skipped", error: "why" },
      ctx,
    );
    expect(reported).toMatchObject({
      status: "skipped",
      resources: [],
      outputs: {},
      error: "why",
      selected: false,
    });
  });
});

describe("summarize", () => {
  const plan = (status: StackPlan["status"], violations: Violation[] = [], selected = true): StackPlan => ({
    id: "x",
    kind: "iam",
    project: "p",
    stack: "s",
    configFile: "f",
    status,
    selected,
    resources: [],
    outputs: {},
    violations,
  });
  it.each<[string, StackPlan[], number, number, number, 0 | 1 | 2]>([
    ["clean", [plan("planned")], 0, 0, 0, 0],
    ["advisory only", [plan("planned", [{ ...violation, enforcementLevel: "advisory" }])], 0, 0, 0, 0],
    ["a mandatory violation", [plan("planned", [violation])], 0, 0, 0, 1],
    ["a mandatory violation of an unshown stack", [plan("planned", [violation], false)], 0, 0, 0, 0],
    ["a clash", [plan("planned")], 1, 0, 0, 1],
    ["a permission finding", [plan("planned")], 0, 0, 1, 1],
    ["an input error beats everything", [plan("planned", [violation])], 1, 1, 1, 2],
  ])("%s", (_n, stacks, clashes, errors, findings, exitCode) => {
    expect(summarize(stacks, clashes, errors, findings).exitCode).toBe(exitCode);
  });

  it("counts only shown stacks by status", () => {
    const s = summarize(
      [plan("planned"), plan("failed"), plan("skipped"), plan("failed", [], false)],
      0,
      0,
      0,
    );
    expect([s.stacks, s.planned, s.failed, s.skipped]).toEqual([3, 1, 1, 1]);
  });
});
