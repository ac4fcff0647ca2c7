/** Stack identity: one entry per config file, valid or not, and the order around broken stacks. */
import { afterEach, describe, expect, it } from "vitest";
import { discoverStacks, invalidEntries, orderWorkspace, workspaceRelative } from "../src/index.js";
import { exampleWorkspace, fleetYaml, iamYaml, type TempWorkspace, teamYaml } from "./support/workspace.js";

let ws: TempWorkspace | undefined;
afterEach(() => ws?.remove());

describe("discoverStacks: entries", () => {
  it("gives every config file an entry with workspace-relative POSIX paths, valid or not", () => {
    ws = exampleWorkspace(["vision"]);
    ws.write(
      "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml",
      teamYaml("nlp", "dev", { schedule: "cron(0 4 * * SUN *)" }),
    );
    const { entries } = discoverStacks(ws.root);
    expect(entries.map((e) => [e.id, e.status, e.configFile, e.root])).toEqual([
      ["fleet/dev", "valid", "stacks/fleet/envs/dev/Pulumi.dev.yaml", "stacks/fleet/envs/dev"],
      ["iam/dev", "valid", "stacks/iam/envs/dev/Pulumi.dev.yaml", "stacks/iam/envs/dev"],
      [
        "scheduling/nlp",
        "invalid",
        "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml",
        "stacks/scheduling/teams/nlp",
      ],
      [
        "scheduling/vision",
        "valid",
        "stacks/scheduling/teams/vision/Pulumi.vision.yaml",
        "stacks/scheduling/teams/vision",
      ],
    ]);
    const nlp = entries.find((e) => e.id === "scheduling/nlp");
    expect(nlp?.status === "invalid" && nlp.problems).toEqual([
      expect.objectContaining({
        file: "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml",
        key: "scheduling:windows[0].schedule",
        line: expect.any(Number),
        column: expect.any(Number),
      }),
    ]);
    expect(nlp && "programDir" in nlp).toBe(false);
  });

  it("keeps a misplaced config as an invalid entry of the stack its name gives", () => {
    ws = exampleWorkspace([]);
    ws.write("stacks/iam/envs/dev/Pulumi.prod.yaml", iamYaml("prod"));
    const workspace = discoverStacks(ws.root);
    expect(invalidEntries(workspace).map((e) => [e.id, e.configFile])).toEqual([
      ["iam/prod", "stacks/iam/envs/dev/Pulumi.prod.yaml"],
    ]);
    expect(workspace.problems).toEqual([
      expect.objectContaining({
        file: "stacks/iam/envs/dev/Pulumi.prod.yaml",
        message: expect.stringMatching(/must live in/),
      }),
    ]);
  });

  it("resolves a reference to a broken config to that entry, with its status", () => {
    ws = exampleWorkspace(["vision"]);
    ws.write("stacks/fleet/envs/dev/Pulumi.dev.yaml", fleetYaml("dev").replace("g5.xlarge", "m5.large"));
    const { stacks } = discoverStacks(ws.root);
    const vision = stacks.find((s) => s.id === "scheduling/vision");
    expect(vision?.references.map((r) => [r.kind, r.targetId, r.target])).toEqual([
      ["iam", "iam/dev", { id: "iam/dev", status: "valid" }],
      ["fleet", undefined, { id: "fleet/dev", status: "invalid" }],
    ]);
  });
});

describe("orderWorkspace", () => {
  it("blocks what references a broken config and everything downstream; the rest still orders", () => {
    ws = exampleWorkspace(["vision"]);
    ws.write("stacks/iam/envs/dev/Pulumi.dev.yaml", `${iamYaml("dev")}  iam:nonsense: 1\n`);
    const workspace = discoverStacks(ws.root);
    const { order, blocked, problems } = orderWorkspace(workspace);
    expect(order.map((s) => s.id)).toEqual([]);
    expect([...blocked.keys()].sort()).toEqual(["fleet/dev", "scheduling/vision"]);
    expect(blocked.get("fleet/dev")).toMatch(/points to iam\/dev, whose config is invalid/);
    expect(problems).toEqual([]);
  });

  it("reports a reference to no stack as a workspace-relative problem and blocks the stack", () => {
    ws = exampleWorkspace([]);
    ws.write("stacks/fleet/envs/prod/Pulumi.prod.yaml", fleetYaml("prod"));
    const workspace = discoverStacks(ws.root);
    const { order, blocked, problems } = orderWorkspace(workspace);
    expect(order.map((s) => s.id)).toEqual(["iam/dev", "fleet/dev"]);
    expect(blocked.has("fleet/prod")).toBe(true);
    expect(problems).toEqual([
      expect.objectContaining({ file: "stacks/fleet/envs/prod/Pulumi.prod.yaml", key: "fleet:iamStack" }),
    ]);
  });
});

describe("workspaceRelative", () => {
  it.each([
    ["/ws", "/ws/stacks/a.yaml", {}, "stacks/a.yaml"],
    ["/ws", "stacks/a.yaml", {}, "stacks/a.yaml"],
    ["/ws", "/other/b.json", {}, "../other/b.json"],
    ["/ws", "/other/b.json", { outside: "absolute" as const }, "/other/b.json"],
  ])("%s + %s → %s", (root, file, opts, expected) => {
    expect(workspaceRelative(root, file, opts)).toBe(expected);
  });
});
