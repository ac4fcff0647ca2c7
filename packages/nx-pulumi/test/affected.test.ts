/**
 * `nx show projects --affected` on a real git repository: per-team edits stay per-team, the shared
 * program affects every stack of it, a package affects exactly the stacks whose program imports it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempWorkspace } from "./support/workspace.js";

let ws: TempWorkspace;
beforeAll(() => {
  ws = TempWorkspace.create();
});
afterAll(() => ws?.dispose());

const append = (line: string) => (text: string) => `${text}${line}\n`;
/** Only the stack projects (packages and programs are named @retrain/...). */
const stacks = (projects: string[]) => projects.filter((p) => !p.startsWith("@"));

describe("nx affected with the Pulumi plugin", () => {
  it("a change to one team's config affects only that team's stack", () => {
    ws.scenario("team-config", {
      "stacks/scheduling/teams/vision/Pulumi.vision.yaml": (t) =>
        t.replace("--model vision", "--model vit-b16"),
    });
    expect(ws.affected()).toEqual(["scheduling-vision"]);
  });

  it("a change to the shared scheduling program affects every team and nothing upstream", () => {
    ws.scenario("scheduling-program", {
      "stacks/scheduling/src/index.ts": append("export const changed = true;"),
    });
    expect(stacks(ws.affected())).toEqual(["scheduling-nlp", "scheduling-vision"]);
  });

  it("a change to a package affects every stack whose program depends on it, and only those", () => {
    ws.scenario("package", { "packages/components/src/index.ts": append("export const more = 2;") });
    const affected = ws.affected();
    expect(stacks(affected)).toEqual(["fleet-dev", "fleet-prod", "scheduling-nlp", "scheduling-vision"]);
    expect(affected).not.toContain("iam-dev");
  });

  it("a change to an upstream stack affects the stacks that reference it", () => {
    ws.scenario("iam-dev", { "stacks/iam/envs/dev/Pulumi.dev.yaml": append("  iam:logRetentionDays: 14") });
    expect(stacks(ws.affected())).toEqual(["fleet-dev", "iam-dev", "scheduling-nlp"]);
  });

  it("a change to the tenant registry or retrain.json affects the stacks checked against it", () => {
    ws.scenario("registry", {
      "policies/tenants.yaml": append(
        "  speech:\n    grants:\n      - environment: dev\n        pools: [a10g]",
      ),
    });
    const affected = stacks(ws.affected());
    expect(affected).toEqual(expect.arrayContaining(["scheduling-nlp", "scheduling-vision"]));
  });
});
