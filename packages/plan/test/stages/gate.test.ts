/** The gate (`--gate`): which findings decide the exit code, the others reported as not gating. */
import { describe, expect, it } from "vitest";
import type { Clash, PermissionFinding, StackPlan, Violation } from "../../src/model.js";
import { clashGates, gateOf, NOT_GATING_NOTE, notGatingTotal } from "../../src/stages/gate.js";
import { summarize } from "../../src/stages/report.js";
import { gateIds } from "../../src/stages/select.js";

const mandatory: Violation = {
  policy: "maintenance-window-limits",
  policyPack: "retrain-guard",
  enforcementLevel: "mandatory",
  message: 'schedule "at(2020-01-01T04:00:00)" never runs again',
};
const advisory: Violation = { ...mandatory, enforcementLevel: "advisory" };

const plan = (id: string, violations: Violation[] = [], selected = true): StackPlan => ({
  id,
  kind: id.split("/")[0]!,
  project: `retrain-${id.split("/")[0]}`,
  stack: id.split("/")[1]!,
  configFile: `stacks/${id}.yaml`,
  status: "planned",
  selected,
  resources: [],
  outputs: {},
  violations,
});

const side = (team: string) => ({
  team,
  stackId: `scheduling/${team}`,
  window: "w",
  timezone: "UTC",
  firstRun: {
    start: { local: "2026-12-06T04:00", utc: "2026-12-06T04:00:00Z" },
    end: { local: "2026-12-06T06:00", utc: "2026-12-06T06:00:00Z" },
  },
});
const clash = (a: string, b: string, environment = "prod"): Clash =>
  ({
    environment,
    pool: "a10g",
    a: side(a),
    b: side(b),
    firstOverlap: { start: "2026-12-06T04:00:00Z", end: "2026-12-06T05:00:00Z" },
    overlapCount: 1,
    overlaps: [{ start: "2026-12-06T04:00:00Z", end: "2026-12-06T05:00:00Z" }],
  }) as unknown as Clash;
const finding = (file: string, team?: string): PermissionFinding => ({
  environment: "prod",
  flow: "window-start",
  role: "r",
  file,
  ...(team !== undefined ? { team } : {}),
  message: "denied",
});

const WORKSPACE = ["iam/prod", "fleet/prod", "scheduling/vision", "scheduling/nlp", "scheduling/recsys"].map(
  (id) => ({ id, configFile: `/ws/stacks/${id}.yaml` }),
);
const rel = (file: string) => file.slice("/ws/".length);

/** The plan's exit code and what is left not gating, for findings on stacks under a gate. */
function verdict(
  gate: string[] | undefined,
  stacks: StackPlan[],
  clashes: Clash[] = [],
  findings: PermissionFinding[] = [],
  errors = 0,
) {
  const g = gateOf(gate && new Set(gate), stacks, clashes, findings, WORKSPACE, rel);
  const summary = summarize(stacks, clashes.length, errors, findings.length, g.gating);
  return { exitCode: summary.exitCode, notGating: notGatingTotal(g), gate: g, summary };
}

describe("the gate decides the exit code", () => {
  const stale = plan("scheduling/vision", [mandatory]);
  const clean = plan("scheduling/nlp");
  it.each<
    [string, string[] | undefined, StackPlan[], Clash[], PermissionFinding[], number, 0 | 1 | 2, number]
  >([
    // name, gate, stacks, clashes, permission findings, input errors, exit code, not gating
    ["no gate: a finding anywhere fails", undefined, [stale, clean], [], [], 0, 1, 0],
    ["a mandatory violation on a gated stack fails", ["scheduling/vision"], [stale, clean], [], [], 0, 1, 0],
    [
      "a mandatory violation only on an ungated stack passes",
      ["scheduling/nlp"],
      [stale, clean],
      [],
      [],
      0,
      0,
      1,
    ],
    ["the empty gate: nothing gates", [], [stale, clean], [], [], 0, 0, 1],
    [
      "advisory violations never gate",
      ["scheduling/vision"],
      [plan("scheduling/vision", [advisory])],
      [],
      [],
      0,
      0,
      0,
    ],
    [
      "an unshown stack's violations are not counted",
      ["scheduling/vision"],
      [plan("scheduling/vision", [mandatory], false)],
      [],
      [],
      0,
      0,
      0,
    ],
    [
      "a clash between a gated and an ungated stack fails",
      ["scheduling/nlp"],
      [clean],
      [clash("vision", "nlp")],
      [],
      0,
      1,
      0,
    ],
    [
      "a clash with the gated stack on side b fails",
      ["scheduling/nlp"],
      [clean],
      [clash("nlp", "vision")],
      [],
      0,
      1,
      0,
    ],
    [
      "a clash between two ungated stacks passes",
      ["scheduling/recsys"],
      [clean],
      [clash("vision", "nlp")],
      [],
      0,
      0,
      1,
    ],
    ["a clash on a gated fleet's pool fails", ["fleet/prod"], [clean], [clash("vision", "nlp")], [], 0, 1, 0],
    [
      "a clash in another environment than the gated fleet's passes",
      ["fleet/prod"],
      [clean],
      [clash("vision", "nlp", "dev")],
      [],
      0,
      0,
      1,
    ],
    [
      "a permission finding on a gated stack fails",
      ["iam/prod"],
      [clean],
      [],
      [finding("stacks/iam/prod.yaml")],
      0,
      1,
      0,
    ],
    [
      "a permission finding on an ungated stack passes",
      ["scheduling/nlp"],
      [clean],
      [],
      [finding("stacks/iam/prod.yaml")],
      0,
      0,
      1,
    ],
    [
      "a permission finding on a request from a gated team's stack fails (its document, its output)",
      ["scheduling/vision"],
      [clean],
      [],
      [finding("stacks/iam/prod.yaml", "vision")],
      0,
      1,
      0,
    ],
    [
      "a permission finding on a request from another team's stack passes under this team's gate",
      ["scheduling/nlp"],
      [clean],
      [],
      [finding("stacks/iam/prod.yaml", "vision")],
      0,
      0,
      1,
    ],
    [
      "a permission finding naming no stack gates (fail closed)",
      [],
      [clean],
      [],
      [finding("policies/x.json")],
      0,
      1,
      0,
    ],
    ["invalid input still exits 2, gate or not", [], [stale], [], [], 1, 2, 1],
  ])("%s", (_name, gate, stacks, clashes, findings, errors, exitCode, notGating) => {
    const v = verdict(gate, stacks, clashes, findings, errors);
    expect(v.exitCode).toBe(exitCode);
    expect(v.notGating).toBe(notGating);
  });

  it("reports every finding in the summary counts, gating or not", () => {
    const v = verdict(
      ["scheduling/nlp"],
      [plan("scheduling/vision", [mandatory, mandatory])],
      [clash("vision", "recsys")],
    );
    expect(v.summary).toMatchObject({ mandatory: 2, clashes: 1, exitCode: 0 });
    expect(v.gate).toEqual({
      mode: "stacks",
      stacks: ["scheduling/nlp"],
      gating: { mandatory: 0, clashes: 0, permissionFindings: 0 },
      notGating: {
        mandatory: 2,
        clashes: 1,
        permissionFindings: 0,
        stackIds: ["scheduling/vision"],
        clashIndexes: [0],
        permissionFindingIndexes: [],
      },
    });
  });

  it("is mode all without a gate, and every finding gates", () => {
    const v = verdict(undefined, [plan("scheduling/vision", [mandatory])], [clash("vision", "nlp")]);
    expect(v.gate.mode).toBe("all");
    expect(v.gate.stacks).toEqual([]);
    expect(v.gate.gating).toEqual({ mandatory: 1, clashes: 1, permissionFindings: 0 });
    expect(clashGates(undefined, clash("a", "b"))).toBe(true);
    expect(NOT_GATING_NOTE).toMatch(/pre-existing on an unchanged stack/);
  });

  it("keeps summarize's exit code without gating counts (every finding)", () => {
    expect(summarize([plan("scheduling/vision", [mandatory])], 0, 0, 0).exitCode).toBe(1);
  });
});

describe("gateIds resolves --gate like --stack", () => {
  const known = new Set(WORKSPACE.map((s) => s.id));
  it.each<[string, string[] | undefined, string[] | undefined]>([
    ["no flag: everything gates", undefined, undefined],
    ["the empty list", [], []],
    ["ids", ["scheduling/vision", "iam/prod"], ["iam/prod", "scheduling/vision"]],
    ["a unique stack name", ["vision"], ["scheduling/vision"]],
    ["<project>/<stack>", ["retrain-scheduling/nlp"], ["scheduling/nlp"]],
    ["an Nx project name", ["scheduling-recsys"], ["scheduling/recsys"]],
  ])("%s", (_name, names, ids) => {
    const r = gateIds(known, names);
    expect(r.problems).toEqual([]);
    expect(r.gate && [...r.gate].sort()).toEqual(ids);
  });

  it("rejects an unknown id, naming --gate and listing the valid ids (exit 2)", () => {
    const r = gateIds(known, ["scheduling/nope"]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ file: "(command line)", key: "--gate" });
    expect(r.problems[0]?.message).toBe(
      'unknown stack "scheduling/nope"; known stacks: fleet/prod, iam/prod, scheduling/nlp, scheduling/recsys, scheduling/vision',
    );
    expect(summarize([], 0, r.problems.length, 0).exitCode).toBe(2);
  });

  it("rejects an ambiguous name", () => {
    const r = gateIds(known, ["prod"]);
    expect(r.problems[0]?.message).toMatch(/^"prod" is ambiguous: .*give <kind>\/<stack>/);
  });
});
