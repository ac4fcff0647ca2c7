import { rmSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type DiscoveredStack, discoverStacks, orderStacks, StackGraphError } from "../src/index.js";
import { exampleWorkspace, fleetYaml, iamYaml, type TempWorkspace, teamYaml } from "./support/workspace.js";

let ws: TempWorkspace | undefined;
afterEach(() => ws?.remove());

const ids = (stacks: readonly DiscoveredStack[]) => stacks.map((s) => s.id);

/** The StackGraphError `fn` throws. */
function graphError(fn: () => unknown): StackGraphError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StackGraphError);
    return e as StackGraphError;
  }
  throw new Error("expected a StackGraphError");
}

describe("discoverStacks", () => {
  it("finds every stack of the layout with its program, root and resolved references", () => {
    ws = exampleWorkspace(["vision", "nlp"]);
    const { root, stacks, errors } = discoverStacks(ws.root);
    expect(errors).toEqual([]);
    expect(root).toBe(path.resolve(ws.root));
    expect(ids(stacks)).toEqual(["fleet/dev", "iam/dev", "scheduling/nlp", "scheduling/vision"]);
    const vision = stacks.find((s) => s.id === "scheduling/vision");
    expect(vision).toMatchObject({
      kind: "scheduling",
      project: "retrain-scheduling",
      stack: "vision",
      programDir: path.join(ws.root, "stacks/scheduling"),
      configFile: path.join(ws.root, "stacks/scheduling/teams/vision/Pulumi.vision.yaml"),
      root: "stacks/scheduling/teams/vision",
      references: [
        { name: "organization/retrain-iam/dev", key: "scheduling:iamStack", targetId: "iam/dev" },
        { name: "organization/retrain-fleet/dev", key: "scheduling:fleetStack", targetId: "fleet/dev" },
      ],
    });
    expect(vision?.config.kind).toBe("scheduling");
    const fleet = stacks.find((s) => s.id === "fleet/dev");
    expect(fleet?.references).toEqual([
      {
        name: "organization/retrain-iam/dev",
        key: "fleet:iamStack",
        project: "retrain-iam",
        stack: "dev",
        targetId: "iam/dev",
      },
    ]);
    expect(stacks.find((s) => s.id === "iam/dev")?.references).toEqual([]);
  });

  it("resolves explicit references by project and stack, whatever the organization", () => {
    ws = exampleWorkspace([]);
    ws.write("stacks/iam/envs/shared/Pulumi.shared.yaml", iamYaml("shared"));
    ws.write(
      "stacks/scheduling/teams/vision/Pulumi.vision.yaml",
      teamYaml("vision", "dev", { extra: "  scheduling:iamStack: acme/retrain-iam/shared\n" }),
    );
    const vision = discoverStacks(ws.root).stacks.find((s) => s.id === "scheduling/vision");
    expect(vision?.references.map((r) => r.targetId)).toEqual(["iam/shared", "fleet/dev"]);
  });

  it("reports each broken config in errors and still returns the valid stacks", () => {
    ws = exampleWorkspace(["vision"]);
    ws.write(
      "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml",
      teamYaml("nlp", "dev", { schedule: "cron(0 4 * * SUN *)" }),
    );
    ws.write("stacks/fleet/envs/prod/Pulumi.prod.yaml", fleetYaml("prod").replace("g5.xlarge", "m5.large"));
    const { stacks, errors } = discoverStacks(ws.root);
    expect(ids(stacks)).toEqual(["fleet/dev", "iam/dev", "scheduling/vision"]);
    expect(errors.map((e) => e.file).sort()).toEqual([
      "stacks/fleet/envs/prod/Pulumi.prod.yaml",
      "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml",
    ]);
    const nlp = errors.find((e) => e.file.includes("nlp"));
    expect(nlp?.problems.map((p) => p.key)).toEqual(["scheduling:windows[0].schedule"]);
    const prod = errors.find((e) => e.file.includes("prod"));
    expect(prod?.problems.map((p) => p.key)).toEqual(["fleet:pools[0].instanceType"]);
  });

  it("requires each stack in its own folder named after it", () => {
    ws = exampleWorkspace([]);
    ws.write("stacks/iam/envs/dev/Pulumi.prod.yaml", iamYaml("prod"));
    const { errors } = discoverStacks(ws.root);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.file).toBe("stacks/iam/envs/dev/Pulumi.prod.yaml");
    expect(errors[0]?.message).toMatch(/stack "prod" must live in stacks\/iam\/envs\/prod\//);
  });

  it("reports a stack config whose program has no Pulumi.yaml", () => {
    ws = exampleWorkspace(["vision"]);
    rmSync(path.join(ws.root, "stacks/scheduling/Pulumi.yaml"));
    const { stacks, errors } = discoverStacks(ws.root);
    expect(ids(stacks)).toEqual(["fleet/dev", "iam/dev"]);
    expect(errors[0]?.message).toMatch(
      /no Pulumi.yaml above it: the program folder stacks\/scheduling needs one/,
    );
  });

  it("returns nothing for a folder without stacks", () => {
    ws = exampleWorkspace([]);
    const empty = discoverStacks(path.join(ws.root, "stacks/scheduling"));
    expect(empty).toMatchObject({ stacks: [], errors: [] });
  });
});

describe("orderStacks", () => {
  it("orders upstream stacks first, level by level, sorted by id within a level", () => {
    ws = exampleWorkspace(["vision", "nlp", "audio"]);
    ws.write("stacks/iam/envs/prod/Pulumi.prod.yaml", iamYaml("prod"));
    const { stacks } = discoverStacks(ws.root);
    const { order, levels } = orderStacks([...stacks].reverse());
    expect(levels.map(ids)).toEqual([
      ["iam/dev", "iam/prod"],
      ["fleet/dev"],
      ["scheduling/audio", "scheduling/nlp", "scheduling/vision"],
    ]);
    expect(ids(order)).toEqual(levels.flat().map((s) => s.id));
  });

  it("names both stacks, the file and the key of a reference to a stack that does not exist", () => {
    ws = exampleWorkspace(["vision"]);
    ws.write(
      "stacks/scheduling/teams/vision/Pulumi.vision.yaml",
      teamYaml("vision", "dev", { extra: "  scheduling:fleetStack: organization/retrain-fleet/staging\n" }),
    );
    const { stacks } = discoverStacks(ws.root);
    const error = graphError(() => orderStacks(stacks));
    expect(error.problems).toEqual([
      expect.objectContaining({
        from: "scheduling/vision",
        to: "organization/retrain-fleet/staging",
        file: path.join(ws.root, "stacks/scheduling/teams/vision/Pulumi.vision.yaml"),
        key: "scheduling:fleetStack",
      }),
    ]);
    expect(error.message).toMatch(
      /scheduling\/vision references stack "organization\/retrain-fleet\/staging" \(.*Pulumi\.vision\.yaml \(scheduling:fleetStack\)\), but no such stack exists/,
    );
  });

  it("treats a reference to a stack left out of the list as missing", () => {
    ws = exampleWorkspace(["vision"]);
    const { stacks } = discoverStacks(ws.root);
    const error = graphError(() => orderStacks(stacks.filter((s) => s.id !== "iam/dev")));
    expect(error.problems.map((p) => [p.from, p.to])).toEqual([
      ["fleet/dev", "iam/dev"],
      ["scheduling/vision", "iam/dev"],
    ]);
  });

  it("reports a stack referencing itself as a cycle", () => {
    ws = exampleWorkspace(["vision"]);
    ws.write(
      "stacks/fleet/envs/dev/Pulumi.dev.yaml",
      fleetYaml("dev", "  fleet:iamStack: organization/retrain-fleet/dev\n"),
    );
    const { stacks } = discoverStacks(ws.root);
    const error = graphError(() => orderStacks(stacks));
    expect(error.problems).toEqual([
      expect.objectContaining({ from: "fleet/dev", to: "fleet/dev", key: "fleet:iamStack" }),
    ]);
    expect(error.message).toMatch(/cycle: fleet\/dev → fleet\/dev/);
  });

  it("finds a cycle through several stacks", () => {
    const stack = (id: string, targets: string[]): DiscoveredStack =>
      ({
        id,
        configFile: `/ws/${id}/Pulumi.yaml`,
        references: targets.map((t) => ({
          name: t,
          key: "scheduling:fleetStack",
          project: "p",
          stack: t,
          targetId: t,
        })),
      }) as DiscoveredStack;
    const error = graphError(() =>
      orderStacks([stack("a", []), stack("b", ["c"]), stack("c", ["d", "a"]), stack("d", ["b"])]),
    );
    expect(error.problems.map((p) => `${p.from}->${p.to}`)).toEqual(["b->c", "c->d", "d->b"]);
    expect(error.message).toMatch(/cycle: b → c → d → b/);
  });
});
