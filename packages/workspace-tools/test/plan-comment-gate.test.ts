/** The PR comment under a gate (`retrain plan --gate`): findings on untouched stacks marked not gating. */
import { describe, expect, it } from "vitest";
import { NOT_GATING, planComment } from "../src/plan-comment.js";

const summary = {
  stacks: 2,
  planned: 2,
  failed: 0,
  skipped: 0,
  resources: 4,
  mandatory: 1,
  advisory: 0,
  clashes: 1,
  exitCode: 0,
};
const stale = {
  id: "scheduling/vision",
  status: "planned",
  selected: true,
  resources: [{}, {}],
  violations: [
    { policy: "maintenance-window-limits", enforcementLevel: "mandatory", message: "never runs again" },
  ],
};
const touched = {
  id: "scheduling/nlp",
  status: "planned",
  selected: true,
  resources: [{}, {}],
  violations: [],
};
const clash = (a: string, b: string) => ({
  environment: "prod",
  pool: "a10g",
  a: { team: a, window: "w" },
  b: { team: b, window: "w" },
  firstOverlap: { start: "2026-12-06T04:00:00Z" },
});
const gate = (stacks: string[], clashIndexes: number[] = []) => ({
  mode: "stacks" as const,
  stacks,
  notGating: {
    mandatory: 1,
    clashes: clashIndexes.length,
    permissionFindings: 0,
    stackIds: ["scheduling/vision"],
    clashIndexes,
    permissionFindingIndexes: [],
  },
});

describe("planComment with a gate", () => {
  it("marks findings on untouched stacks as not gating and says so in the verdict", () => {
    const body = planComment({
      summary,
      stacks: [stale, touched],
      clashes: [clash("vision", "recsys")],
      errors: [],
      gate: gate(["scheduling/nlp"], [0]),
    });
    expect(body).toContain("### Offline plan: ✅ clean for this change");
    expect(body).toContain("Gated on the stacks this pull request touches: `scheduling/nlp`. 2 findings are");
    expect(body).toContain("| `scheduling/vision` | planned | 2 | 1 (not gating) | 0 |");
    expect(body).toContain(
      `- \`scheduling/vision\` maintenance-window-limits: never runs again _(${NOT_GATING})_`,
    );
    expect(body).toContain(
      `- prod/a10g: vision/w and recsys/w, first at 2026-12-06T04:00:00Z _(${NOT_GATING})_`,
    );
  });

  it("leaves a gating clash unmarked", () => {
    const body = planComment({
      summary: { ...summary, exitCode: 1 },
      stacks: [stale, touched],
      clashes: [clash("vision", "nlp")],
      errors: [],
      gate: gate(["scheduling/nlp"]),
    });
    expect(body).toContain("### Offline plan: ❌");
    expect(body).toContain("- prod/a10g: vision/w and nlp/w, first at 2026-12-06T04:00:00Z\n");
  });

  it("shows nothing about a gate in mode all or without one", () => {
    const body = planComment({
      summary: { ...summary, exitCode: 1 },
      stacks: [stale],
      clashes: [],
      errors: [],
    });
    expect(body).not.toContain("Gated on");
    expect(body).not.toContain(NOT_GATING);
    const all = planComment({
      summary: { ...summary, exitCode: 1 },
      stacks: [stale],
      clashes: [],
      errors: [],
      gate: { ...gate([]), mode: "all" },
    });
    expect(all).not.toContain("Gated on");
  });
});
