/** Stage 3: every stack ends in one outcome (planned / failed / skipped), in order. */
import * as pulumi from "@pulumi/pulumi";
import type { DiscoveredStack, DiscoveredWorkspace } from "@retrain/config";
import { describe, expect, it } from "vitest";
import { type PlanContext, type ProgressEvent, planContext } from "../../src/stages/context.js";
import type { ProgramLoader, StackProgram } from "../../src/stages/load.js";
import { laneCount, levelsOf, runStacks, type StackOutcome } from "../../src/stages/run.js";
import type { Selection } from "../../src/stages/select.js";

const ROOT = "/ws";

/** A custom resource of a made-up type: the SDK's CustomResource is abstract. */
class Thing extends pulumi.CustomResource {
  constructor(name: string, props: Record<string, unknown>) {
    super("test:index:Thing", name, props);
  }
}

function stack(id: string, references: { targetId: string; key: string }[] = []): DiscoveredStack {
  const [kind, name] = id.split("/") as [string, string];
  return {
    id,
    kind,
    project: `retrain-${kind}`,
    stack: name,
    programDir: `${ROOT}/stacks/${kind}`,
    configFile: `${ROOT}/stacks/${kind}/envs/${name}/Pulumi.${name}.yaml`,
    root: `stacks/${kind}/envs/${name}`,
    config: { raw: {} },
    references: references.map((r) => ({ ...r, name: `organization/${r.targetId}` })),
  } as unknown as DiscoveredStack;
}

function selection(stacks: DiscoveredStack[], blocked: [string, string][] = []): Selection {
  return {
    workspace: { root: ROOT, stacks } as unknown as DiscoveredWorkspace,
    runList: stacks,
    blocked: new Map(blocked),
    selected: undefined,
    problems: [],
    prices: undefined,
    packConfig: undefined,
  };
}

const loader =
  (programs: Record<string, StackProgram | Error>): ProgramLoader =>
  async (dir) => {
    const p = programs[dir.slice(`${ROOT}/stacks/`.length)];
    if (p === undefined || p instanceof Error) throw p ?? new Error(`no program for ${dir}`);
    return p;
  };

function context(events: ProgressEvent[]): PlanContext {
  return planContext({
    workspace: ROOT,
    from: new Date("2026-01-05T00:00:00Z"),
    onProgress: (e) => events.push(e),
  });
}

const summary = (outcomes: ReadonlyMap<string, StackOutcome>) =>
  [...outcomes.values()].map((o) => [o.id, o.status, o.status === "planned" ? "" : o.error]);

describe("runStacks", () => {
  it("fails a stack whose program cannot load (naming the folder) and skips its dependents", async () => {
    const events: ProgressEvent[] = [];
    const iam = stack("iam/dev");
    const fleet = stack("fleet/dev", [{ targetId: "iam/dev", key: "fleet:iamStack" }]);
    const { outcomes } = await runStacks(
      context(events),
      selection([iam, fleet]),
      loader({ iam: new Error("boom") }),
    );
    expect(summary(outcomes)).toEqual([
      ["iam/dev", "failed", "boom"],
      [
        "fleet/dev",
        "skipped",
        "its StackReference organization/iam/dev (fleet:iamStack) points to iam/dev, which failed",
      ],
    ]);
    const failed = outcomes.get("iam/dev");
    expect(failed?.status === "failed" && failed.problems).toEqual([
      { file: "stacks/iam", message: "cannot load the program of iam/dev: boom" },
    ]);
    expect(events.map((e) => e.type)).toEqual([
      "start",
      "stack-start",
      "stack-done",
      "stack-start",
      "stack-done",
    ]);
  });

  it("plans a program under mocks, then fails a dependent whose upstream breaks the outputs contract", async () => {
    const planned: string[] = [];
    const iam = stack("iam/dev");
    const fleet = stack("fleet/dev", [{ targetId: "iam/dev", key: "fleet:iamStack" }]);
    const { outcomes } = await runStacks(
      context([]),
      selection([iam, fleet]),
      loader({ iam: () => ({ artifactBucket: "b" }), fleet: () => ({}) }),
      { onPlanned: (o) => planned.push(o.id) },
    );
    expect(planned).toEqual(["iam/dev"]);
    const iamOutcome = outcomes.get("iam/dev");
    expect(iamOutcome?.status === "planned" && iamOutcome.outputs).toEqual({ artifactBucket: "b" });
    const fleetOutcome = outcomes.get("fleet/dev");
    expect(fleetOutcome?.status).toBe("failed");
    expect(fleetOutcome?.status === "failed" && fleetOutcome.problems).toEqual([
      {
        file: "stacks/fleet/envs/dev/Pulumi.dev.yaml",
        key: "fleet:iamStack",
        message: expect.stringMatching(
          /does not satisfy the outputs contract fleet\/dev reads: missing output "maintenanceWindowRoleArn".*\(iam\/dev exports: artifactBucket; program stacks\/iam\)/,
        ),
      },
    ]);
  });

  it("hands what the pack reads to onPlanned and keeps only the report's part in the outcome", async () => {
    const seen: [string, string[]][] = [];
    const { outcomes } = await runStacks(
      context([]),
      selection([stack("iam/dev")]),
      loader({
        iam: () => {
          new Thing("thing", { size: 3 });
          return { artifactBucket: "b" };
        },
      }),
      { onPlanned: (o, recorded) => seen.push([o.id, recorded.map((r) => r.type)]) },
    );
    expect(seen).toEqual([["iam/dev", ["pulumi:pulumi:Stack", "test:index:Thing"]]]);
    const o = outcomes.get("iam/dev");
    expect(o?.status === "planned" && o.resources.map((r) => [r.type, r.inputs])).toContainEqual([
      "test:index:Thing",
      { size: 3 },
    ]);
    // Kept for every stack until the report, the recorded state made memory quadratic in teams.
    expect(o && "recorded" in o).toBe(false);
  });

  it("asks admit before each program and runs none while it holds the run back", async () => {
    const events: string[] = [];
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let asked = 0;
    const iam = stack("iam/dev");
    const fleet = stack("fleet/dev");
    const run = runStacks(
      context([]),
      selection([iam, fleet]),
      loader({
        iam: () => {
          events.push("run iam");
          return { artifactBucket: "b" };
        },
        fleet: () => ({}),
      }),
      {
        admit: async () => {
          events.push(`admit ${++asked}`);
          if (asked === 1) await gate;
        },
      },
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(["admit 1"]);
    open();
    await run;
    expect(events.slice(0, 3)).toEqual(["admit 1", "run iam", "admit 2"]);
    expect(asked).toBe(2);
  });

  it("fails a program that throws, with the stack named in the problem", async () => {
    const { outcomes } = await runStacks(
      context([]),
      selection([stack("iam/dev")]),
      loader({
        iam: () => {
          throw new Error("iam program exploded");
        },
      }),
    );
    const o = outcomes.get("iam/dev");
    expect(o?.status).toBe("failed");
    expect(o?.status === "failed" && o.problems.map((p) => [p.file, p.message])).toEqual([
      ["stacks/iam/envs/dev/Pulumi.dev.yaml", expect.stringMatching(/^iam\/dev: .*iam program exploded/)],
    ]);
  });

  it("skips a blocked stack without loading anything", async () => {
    const { outcomes } = await runStacks(
      context([]),
      selection([stack("iam/dev")], [["iam/dev", "a reason"]]),
      loader({}),
    );
    expect(summary(outcomes)).toEqual([["iam/dev", "skipped", "a reason"]]);
  });

  it("uses a reused result instead of running the program, and does not hand it to onPlanned", async () => {
    const planned: string[] = [];
    const asked: string[] = [];
    const { outcomes } = await runStacks(
      context([]),
      selection([stack("iam/dev")]),
      loader({ iam: new Error("must not load") }),
      {
        onPlanned: (o) => planned.push(o.id),
        reuse: (s) => {
          asked.push(s.id);
          return { status: "planned", resources: [], outputs: { artifactBucket: "cached" } };
        },
      },
    );
    const o = outcomes.get("iam/dev");
    expect(o?.status === "planned" && o.outputs).toEqual({ artifactBucket: "cached" });
    expect(o?.selected).toBe(true);
    expect(asked).toEqual(["iam/dev"]);
    expect(planned).toEqual([]);
  });

  it("never asks reuse for a blocked stack", async () => {
    const asked: string[] = [];
    await runStacks(context([]), selection([stack("iam/dev")], [["iam/dev", "a reason"]]), loader({}), {
      reuse: (s) => {
        asked.push(s.id);
        return undefined;
      },
    });
    expect(asked).toEqual([]);
  });
});

describe("levelsOf", () => {
  const ids = (levels: DiscoveredStack[][]) => levels.map((l) => l.map((s) => s.id));
  const iam = stack("iam/dev");
  const fleet = stack("fleet/dev", [{ targetId: "iam/dev", key: "fleet:iamStack" }]);
  const team = (name: string) =>
    stack(`scheduling/${name}`, [
      { targetId: "iam/dev", key: "scheduling:iamStack" },
      { targetId: "fleet/dev", key: "scheduling:fleetStack" },
    ]);
  it.each([
    ["one stack", [iam], [], [["iam/dev"]]],
    [
      "iam, fleet, then the teams together, in run order",
      [iam, fleet, team("a"), team("b")],
      [],
      [["iam/dev"], ["fleet/dev"], ["scheduling/a", "scheduling/b"]],
    ],
    [
      "a stack referencing nothing shares the first level",
      [iam, stack("iam/prod"), fleet],
      [],
      [["iam/dev", "iam/prod"], ["fleet/dev"]],
    ],
    [
      "blocked stacks last, on their own, whatever they reference",
      [iam, fleet, team("a"), stack("fleet/prod")],
      [["fleet/prod", "cycle"]],
      [["iam/dev"], ["fleet/dev"], ["scheduling/a"], ["fleet/prod"]],
    ],
  ] as [string, DiscoveredStack[], [string, string][], string[][]][])(
    "%s",
    (_t, runList, blocked, expected) => {
      expect(ids(levelsOf(runList, new Map(blocked)))).toEqual(expected);
    },
  );
});

describe("runStacks with jobs > 1", () => {
  it("runs a test loader's programs in this thread (a worker can only import programs itself)", async () => {
    const events: ProgressEvent[] = [];
    const ctx = planContext({ workspace: ROOT, from: new Date("2026-01-05T00:00:00Z"), jobs: 4 });
    const teams = ["a", "b", "c"].map((t) => stack(`scheduling/${t}`));
    const { outcomes } = await runStacks(
      { ...ctx, progress: (e) => events.push(e) },
      selection(teams),
      loader({ scheduling: () => ({ ok: true }) }),
    );
    expect(summary(outcomes)).toEqual([
      ["scheduling/a", "planned", ""],
      ["scheduling/b", "planned", ""],
      ["scheduling/c", "planned", ""],
    ]);
    expect(
      events.filter((e) => e.type === "stack-done").map((e) => e.type === "stack-done" && e.index),
    ).toEqual([1, 2, 3]);
  });
});

describe("planContext jobs", () => {
  it.each([0, -1, 1.5, Number.NaN])("rejects jobs %s", (jobs) => {
    expect(() => planContext({ workspace: ROOT, jobs })).toThrow(/jobs must be a whole number of at least 1/);
  });
});

describe("laneCount", () => {
  it.each([
    // [what, jobs, chosen, widest level, loader can go to a worker, lanes]
    ["the example (3 stacks a level), default", 2, false, 3, true, 1],
    ["99 team stacks, default", 2, false, 99, true, 1],
    ["100 team stacks, default: one worker", 2, false, 100, true, 2],
    ["5,000 team stacks, default: never more than the default", 2, false, 5000, true, 2],
    ["a one-core machine's default", 1, false, 5000, true, 1],
    ["--jobs 3 on a narrow workspace: capped by the widest level", 3, true, 2, true, 2],
    ["--jobs 2 asked for: honoured however narrow", 2, true, 3, true, 2],
    ["--jobs 4 with a test loader (cannot cross threads)", 4, true, 500, false, 1],
    ["nothing to run", 2, false, 0, true, 1],
  ])("%s", (_what, jobs, jobsChosen, widest, inWorkers, lanes) => {
    expect(laneCount({ jobs, jobsChosen }, widest, inWorkers)).toBe(lanes);
  });
});
