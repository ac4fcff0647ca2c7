/**
 * The benchmark's replay floor (bench/fixtures/replay-plan.ts) must register exactly the resources
 * of the plan JSON it reads, or the plan-vs-floor ratio compares different work. Not timed.
 */

import type * as pulumi from "@pulumi/pulumi";
import { runStackProgram } from "@retrain/offline";
import { describe, expect, it } from "vitest";
import {
  type ReplayPlanJson,
  type ReplayStack,
  registerStack,
  replayPlan,
} from "../bench/fixtures/replay-plan.js";

const urn = (stack: string, project: string, chain: string, name: string) =>
  `urn:pulumi:${stack}::${project}::${chain}::${name}`;
const S = "pulumi:pulumi:Stack";

/** A small plan: nested components, two components of one type, a StackReference, nested inputs. */
function stackOf(project: string, stack: string): ReplayStack {
  const root = urn(stack, project, S, `${project}-${stack}`);
  const winA = urn(stack, project, `${S}$retrain:scheduling:RetrainingWindow`, "a");
  const winB = urn(stack, project, `${S}$retrain:scheduling:RetrainingWindow`, "b");
  const alerts = urn(
    stack,
    project,
    "retrain:scheduling:RetrainingWindow$retrain:scheduling:TeamAlerts",
    "b-alerts",
  );
  return {
    project,
    stack,
    status: "planned",
    outputs: { teamName: stack },
    resources: [
      { urn: root, type: S, name: `${project}-${stack}`, parent: null, id: null, inputs: {} },
      {
        urn: urn(stack, project, `${S}$pulumi:pulumi:StackReference`, "organization/retrain-iam/dev"),
        type: "pulumi:pulumi:StackReference",
        name: "organization/retrain-iam/dev",
        parent: root,
        id: "organization/retrain-iam/dev",
        inputs: { name: "organization/retrain-iam/dev" },
      },
      {
        urn: winA,
        type: "retrain:scheduling:RetrainingWindow",
        name: "a",
        parent: root,
        id: null,
        inputs: {},
      },
      {
        urn: winB,
        type: "retrain:scheduling:RetrainingWindow",
        name: "b",
        parent: root,
        id: null,
        inputs: {},
      },
      {
        urn: urn(
          stack,
          project,
          "retrain:scheduling:RetrainingWindow$aws:ssm/maintenanceWindow:MaintenanceWindow",
          "b-mw",
        ),
        type: "aws:ssm/maintenanceWindow:MaintenanceWindow",
        name: "b-mw",
        parent: winB,
        id: "b-mw-id",
        inputs: {
          schedule: "cron(0 2 ? * SUN *)",
          duration: 2,
          cutoff: 1,
          enabled: true,
          tags: { team: stack },
        },
      },
      {
        urn: urn(
          stack,
          project,
          "retrain:scheduling:RetrainingWindow$aws:ssm/maintenanceWindow:MaintenanceWindow",
          "a-mw",
        ),
        type: "aws:ssm/maintenanceWindow:MaintenanceWindow",
        name: "a-mw",
        parent: winA,
        id: "a-mw-id",
        inputs: { schedule: "rate(7 days)", duration: 3, cutoff: 1, enabled: false, tags: {} },
      },
      {
        urn: alerts,
        type: "retrain:scheduling:TeamAlerts",
        name: "b-alerts",
        parent: winB,
        id: null,
        inputs: {},
      },
      {
        urn: urn(stack, project, "retrain:scheduling:TeamAlerts$aws:sns/topic:Topic", "b-topic"),
        type: "aws:sns/topic:Topic",
        name: "b-topic",
        parent: alerts,
        id: "b-topic-id",
        inputs: {
          name: `${stack}-alerts`,
          policy: JSON.stringify({ Statement: [{ Effect: "Deny" }] }),
          list: [1, "x", { y: null }],
        },
      },
    ],
  };
}

const PLAN: ReplayPlanJson = {
  stacks: [
    stackOf("retrain-scheduling", "team-a"),
    stackOf("retrain-scheduling", "team-b"),
    // A stack the plan did not run registers nothing.
    { project: "retrain-scheduling", stack: "broken", status: "failed", resources: [] },
  ],
};

describe("the replay floor of the plan benchmark", () => {
  it("registers, under the plan's own harness, exactly the plan's resources: types, names, parents, inputs", async () => {
    for (const s of PLAN.stacks.filter((st) => st.status === "planned")) {
      const run = await runStackProgram({
        project: s.project,
        stack: s.stack,
        upstream: { "organization/retrain-iam/dev": {} },
        program: async () => {
          registerStack(s);
          return s.outputs;
        },
      });
      expect(run.errors).toEqual([]);
      const got = run.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent ?? null,
        inputs: r.inputs,
      }));
      const want = s.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        inputs: r.inputs,
      }));
      // Registration order follows the RPCs, not the program: compare as sets.
      const byUrn = (a: { urn: string }, b: { urn: string }) => a.urn.localeCompare(b.urn);
      expect(got.sort(byUrn)).toEqual(want.sort(byUrn));
    }
  });

  it("registers the same resources under pulumi.runtime.setMocks, stack after stack in one process", async () => {
    const seen: {
      stack: string;
      type: string;
      name: string;
      inputs: unknown;
      custom: boolean | undefined;
    }[] = [];
    const result = await replayPlan(PLAN, (s) => ({
      newResource: (args: pulumi.runtime.MockResourceArgs) => {
        seen.push({
          stack: s.stack,
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          custom: args.custom,
        });
        if (args.type === "pulumi:pulumi:StackReference")
          return { id: args.name, state: { name: args.name, outputs: {}, secretOutputNames: [] } };
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
    }));
    const planned = PLAN.stacks.filter((st) => st.status === "planned");
    expect(result.stacks).toBe(planned.length);
    expect(result.resources).toBe(planned.reduce((n, st) => n + st.resources.length, 0));
    // The mocks see every resource (the stack from runInPulumiStack) with its inputs; components'
    // inputs stay local, as the plan records them ({}).
    const want = planned.flatMap((st) =>
      st.resources.map((r) => ({
        stack: st.stack,
        type: r.type,
        name: r.name,
        inputs: r.inputs,
        custom: r.id !== null,
      })),
    );
    const key = (x: { stack: string; type: string; name: string }) => `${x.stack} ${x.type} ${x.name}`;
    expect([...seen].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      want.sort((a, b) => key(a).localeCompare(key(b))),
    );
    // The URN the mocks gave each replayed resource is the plan's: same stack, project, parent chain.
    result.urns.forEach((byPlanUrn) => {
      for (const [planUrn, replayUrn] of byPlanUrn) expect(replayUrn).toBe(planUrn);
    });
  });
});
