/** Stage 1: selection, the upstream closure, and the inputs' problems (no program runs here). */
import { describe, expect, it } from "vitest";
import { planContext } from "../../src/stages/context.js";
import { resolveStackName, select, selectIds, withUpstream } from "../../src/stages/select.js";
import { REPO_ROOT, workspaceCopies } from "../support/workspace.js";

const FROM = new Date("2026-01-05T00:00:00Z");
const copy = workspaceCopies();
const KNOWN = new Set([
  "iam/dev",
  "iam/prod",
  "fleet/dev",
  "fleet/prod",
  "scheduling/vision",
  "scheduling/dev",
]);

describe("selectIds", () => {
  it.each<[string, { stacks?: string[]; teams?: string[] }, string[] | undefined, RegExp | undefined]>([
    ["nothing asked: everything", {}, undefined, undefined],
    ["an id", { stacks: ["fleet/prod"] }, ["fleet/prod"], undefined],
    ["a unique stack name", { stacks: ["vision"] }, ["scheduling/vision"], undefined],
    ["Pulumi's project/stack", { stacks: ["retrain-iam/prod"] }, ["iam/prod"], undefined],
    ["an Nx project name", { stacks: ["scheduling-vision"] }, ["scheduling/vision"], undefined],
    ["two names, one stack", { stacks: ["vision", "scheduling/vision"] }, ["scheduling/vision"], undefined],
    ["an ambiguous name", { stacks: ["prod"] }, [], /"prod" is ambiguous: iam\/prod, fleet\/prod/],
    ["an unknown stack", { stacks: ["nobody"] }, [], /^unknown stack "nobody"; known stacks: fleet\/dev, /],
    ["an unknown Nx project", { stacks: ["scheduling-ghost"] }, [], /unknown stack "scheduling-ghost"/],
    ["a team", { teams: ["vision"] }, ["scheduling/vision"], undefined],
    ["an unknown team", { teams: ["ghost"] }, [], /unknown team "ghost"; teams: dev, vision/],
  ])("%s", (_name, options, ids, problem) => {
    const { selected, problems } = selectIds(KNOWN, options);
    expect(selected && [...selected]).toEqual(ids);
    if (problem) expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(problem)]);
    else expect(problems).toEqual([]);
  });
});

describe("resolveStackName: --stack and --gate read a name alike", () => {
  it("prefers an Nx project name over a team whose stack name is spelled the same", () => {
    const withTwin = new Set([...KNOWN, "scheduling/fleet-prod"]);
    expect(resolveStackName(withTwin, "fleet-prod", "--stack")).toEqual({ id: "fleet/prod" });
    expect(resolveStackName(withTwin, "scheduling/fleet-prod", "--stack")).toEqual({
      id: "scheduling/fleet-prod",
    });
    expect(resolveStackName(withTwin, "scheduling-fleet-prod", "--gate")).toEqual({
      id: "scheduling/fleet-prod",
    });
  });

  it.each(["--stack", "--gate"] as const)(
    "%s names itself in the problem and resolves every spelling",
    (flag) => {
      for (const name of ["scheduling/vision", "vision", "retrain-scheduling/vision", "scheduling-vision"])
        expect(resolveStackName(KNOWN, name, flag)).toEqual({ id: "scheduling/vision" });
      const unknown = resolveStackName(KNOWN, "ghost", flag);
      expect(unknown).toMatchObject({ problem: { file: "(command line)", key: flag } });
      // The key names the flag; the message does not repeat it (it printed "--stack: --stack: ...").
      expect("problem" in unknown && unknown.problem.message).toMatch(/^unknown stack "ghost"/);
      const ambiguous = resolveStackName(KNOWN, "prod", flag);
      expect("problem" in ambiguous && ambiguous.problem.message).toMatch(
        /is ambiguous: iam\/prod, fleet\/prod/,
      );
    },
  );
});

describe("select", () => {
  it("runs a selected team with its upstream stacks, upstream first", () => {
    const selection = select(planContext({ workspace: REPO_ROOT, from: FROM, teams: ["vision"] }));
    expect(selection.problems).toEqual([]);
    const ids = selection.runList.map((s) => s.id);
    const vision = selection.workspace.stacks.find((s) => s.id === "scheduling/vision");
    const upstream = vision?.references.map((r) => r.targetId) ?? [];
    expect(upstream).toHaveLength(2);
    for (const u of upstream) expect(ids.indexOf(u as string)).toBeLessThan(ids.indexOf("scheduling/vision"));
    expect(ids).toHaveLength(3);
    expect([...(selection.selected ?? [])]).toEqual(["scheduling/vision"]);
  });

  it("reports a broken config with its line and column, and skips what references it", () => {
    const ws = copy();
    const fleet = "stacks/fleet/envs/prod/Pulumi.prod.yaml";
    ws.editYaml(fleet, (doc) => doc.setIn(["config", "fleet:pools", 0, "instanceType"], "m5.large"));
    const selection = select(planContext({ workspace: ws.root, from: FROM }));
    expect(selection.problems).toContainEqual({
      file: fleet,
      key: "fleet:pools[0].instanceType",
      line: expect.any(Number),
      column: expect.any(Number),
      message: expect.stringMatching(/GPU instance type/),
    });
    // fleet/prod is no stack to run; each stack referencing it is blocked and runs last (skipped).
    expect(selection.runList.map((s) => s.id)).not.toContain("fleet/prod");
    const dependents = selection.workspace.stacks
      .filter((s) => s.references.some((r) => r.target?.id === "fleet/prod"))
      .map((s) => s.id);
    expect(dependents.length).toBeGreaterThan(0);
    expect([...selection.blocked.keys()].sort()).toEqual([...dependents].sort());
    for (const id of dependents)
      expect(selection.blocked.get(id)).toMatch(/points to fleet\/prod, whose config is invalid/);
    expect(
      selection.runList
        .slice(-dependents.length)
        .map((s) => s.id)
        .sort(),
    ).toEqual([...dependents].sort());
  });

  it.each([
    [
      "a team",
      "stacks/scheduling/teams/vision/Pulumi.vision.yaml",
      "scheduling/vision",
      "fleet",
      "stacks/fleet/envs/prod/Pulumi.prod.yaml",
    ],
    [
      "a fleet",
      "stacks/fleet/envs/prod/Pulumi.prod.yaml",
      "fleet/prod",
      "iam",
      "stacks/iam/envs/prod/Pulumi.prod.yaml",
    ],
  ])(
    "reports %s in another region than its upstream once, with the key and line, and does not run it",
    (_what, file, id, kind, upstream) => {
      const ws = copy();
      ws.editYaml(file, (doc) => doc.setIn(["config", "aws:region"], "us-east-1"));
      const selection = select(planContext({ workspace: ws.root, from: FROM }));
      const regional = selection.problems.filter((p) => p.key === "aws:region" && p.file === file);
      expect(regional).toEqual([
        {
          file,
          key: "aws:region",
          line: expect.any(Number),
          column: expect.any(Number),
          message: expect.stringContaining(
            `is "us-east-1" but ${kind} stack "organization/retrain-${kind}/prod" (${upstream}) is in "eu-west-1"`,
          ),
        },
      ]);
      expect(ws.read(file).split("\n")[regional[0]!.line! - 1]).toContain("aws:region");
      expect(selection.blocked.get(id)).toBe(
        `aws:region "us-east-1" is not its ${kind} stack's "eu-west-1" (${upstream})`,
      );
      expect(selection.runList.filter((s) => s.id === id)).toHaveLength(1);
    },
  );

  it("keeps an unknown --stack as a command-line problem", () => {
    const selection = select(
      planContext({ workspace: REPO_ROOT, from: FROM, stacks: ["scheduling/nobody"] }),
    );
    expect(selection.problems).toEqual([expect.objectContaining({ file: "(command line)", key: "--stack" })]);
    expect(selection.runList).toEqual([]);
  });
});

describe("withUpstream", () => {
  it("adds every referenced stack transitively and keeps blocked ones last", () => {
    const stack = (id: string, targets: string[]) =>
      ({ id, references: targets.map((t) => ({ targetId: t })) }) as never;
    const a = stack("iam/dev", []);
    const b = stack("fleet/dev", ["iam/dev"]);
    const c = stack("scheduling/t", ["iam/dev", "fleet/dev"]);
    const d = stack("scheduling/u", ["fleet/dev"]);
    const run = withUpstream(
      [a, b, c, d],
      [a, b, c],
      new Map([["scheduling/u", "why"]]),
      new Set(["scheduling/u"]),
    );
    expect(run.map((s: { id: string }) => s.id)).toEqual(["iam/dev", "fleet/dev", "scheduling/u"]);
  });
});

describe("planContext", () => {
  it.each([0, 1.5, 1000])("rejects a horizon of %s weeks", (weeks) => {
    expect(() => planContext({ workspace: REPO_ROOT, weeks })).toThrow(RangeError);
  });

  it("shows paths workspace-relative", () => {
    const ctx = planContext({ workspace: REPO_ROOT, from: FROM });
    expect(ctx.rel(`${REPO_ROOT}/stacks/iam/envs/dev/Pulumi.dev.yaml`)).toBe(
      "stacks/iam/envs/dev/Pulumi.dev.yaml",
    );
    expect(ctx.to.getTime() - ctx.from.getTime()).toBe(4 * 7 * 86_400_000);
  });
});
