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
        {
          name: "organization/retrain-iam/dev",
          key: "scheduling:environment",
          kind: "iam",
          targetId: "iam/dev",
        },
        {
          name: "organization/retrain-fleet/dev",
          key: "scheduling:environment",
          kind: "fleet",
          targetId: "fleet/dev",
        },
      ],
    });
    expect(vision?.config.kind).toBe("scheduling");
    const fleet = stacks.find((s) => s.id === "fleet/dev");
    expect(fleet?.references).toEqual([
      {
        name: "organization/retrain-iam/dev",
        key: "fleet:iamStack",
        kind: "iam",
        project: "retrain-iam",
        stack: "dev",
        targetId: "iam/dev",
        target: { id: "iam/dev", status: "valid" },
      },
    ]);
    expect(stacks.find((s) => s.id === "iam/dev")?.references).toEqual([]);
  });

  it("resolves a platform override by project and stack, whatever the organization", () => {
    ws = exampleWorkspace([]);
    ws.write("stacks/iam/envs/shared/Pulumi.shared.yaml", iamYaml("shared"));
    ws.write(
      "stacks/fleet/envs/dev/Pulumi.dev.yaml",
      fleetYaml("dev", "  fleet:iamStack: acme/retrain-iam/shared\n"),
    );
    const fleet = discoverStacks(ws.root).stacks.find((s) => s.id === "fleet/dev");
    expect(fleet?.references.map((r) => r.targetId)).toEqual(["iam/shared"]);
  });

  it("names every reference with the organisation of the workspace's retrain.json", () => {
    ws = exampleWorkspace(["vision"]);
    ws.write("retrain.json", JSON.stringify({ pulumi: { organization: "acme" } }));
    const { stacks, errors } = discoverStacks(ws.root);
    expect(errors).toEqual([]);
    expect(
      stacks.find((s) => s.id === "scheduling/vision")?.references.map((r) => [r.name, r.targetId]),
    ).toEqual([
      ["acme/retrain-iam/dev", "iam/dev"],
      ["acme/retrain-fleet/dev", "fleet/dev"],
    ]);
    expect(stacks.find((s) => s.id === "fleet/dev")?.references[0]?.name).toBe("acme/retrain-iam/dev");
  });

  it.each([
    [
      "an organisation that is no name",
      JSON.stringify({ pulumi: { organization: "a b" } }),
      /pulumi\.organization/,
    ],
    ["an unknown key", JSON.stringify({ pulumi: { org: "acme" } }), /pulumi\.org.*unknown key/],
    ["invalid JSON", "{ pulumi", /invalid JSON/],
  ])("reports a retrain.json with %s, naming the file", (_name, text, message) => {
    ws = exampleWorkspace(["vision"]);
    ws.write("retrain.json", text);
    const { errors } = discoverStacks(ws.root);
    const error = errors.find((e) => e.file === "retrain.json");
    expect(error, errors.map((e) => e.message).join("\n")).toBeDefined();
    expect(error?.problems.map((p) => `${p.key} ${p.message}`).join("\n")).toMatch(message);
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

describe("discoverStacks: a team folder holds exactly Pulumi.<team>.yaml", () => {
  const VISION = "stacks/scheduling/teams/vision";

  it.each<[string, (w: TempWorkspace) => void, string, RegExp]>([
    [
      "a second spelling of its config (.yml)",
      (w) => w.write(`${VISION}/Pulumi.vision.yml`, teamYaml("vision")),
      `${VISION}/Pulumi.vision.yml`,
      /holds exactly one file, Pulumi\.vision\.yaml; remove Pulumi\.vision\.yml \(.*second spelling/,
    ],
    [
      "another team's config",
      (w) => w.write(`${VISION}/Pulumi.nlp.yaml`, teamYaml("nlp")),
      `${VISION}/Pulumi.nlp.yaml`,
      /remove Pulumi\.nlp\.yaml \(stack "nlp" lives in its own folder nlp\/\)/,
    ],
    [
      "any other file",
      (w) => w.write(`${VISION}/notes.md`, "hello\n"),
      `${VISION}/notes.md`,
      /holds exactly one file, Pulumi\.vision\.yaml; remove notes\.md$/,
    ],
    [
      "a folder",
      (w) => w.write(`${VISION}/extra/Pulumi.vision.yaml`, teamYaml("vision")),
      `${VISION}/extra`,
      /remove extra$/,
    ],
  ])("reports %s by name, and does not plan the team", (_name, add, file, message) => {
    ws = exampleWorkspace(["vision", "nlp"]);
    add(ws);
    const { stacks, errors } = discoverStacks(ws.root);
    expect(ids(stacks)).toEqual(["fleet/dev", "iam/dev", "scheduling/nlp"]);
    expect(errors.find((e) => e.file === file)?.problems[0]?.message).toMatch(message);
    expect(errors.find((e) => e.file === `${VISION}/Pulumi.vision.yaml`)?.message).toMatch(
      /holds other entries .*; a team folder holds exactly this one file/,
    );
  });

  it("reports a team folder without its config, and a config outside any folder", () => {
    ws = exampleWorkspace(["nlp"]);
    ws.write(`${VISION}/Pulumi.vision.yml`, teamYaml("vision"));
    ws.write("stacks/scheduling/teams/Pulumi.audio.yaml", teamYaml("audio"));
    const { stacks, errors } = discoverStacks(ws.root);
    expect(ids(stacks)).toEqual(["fleet/dev", "iam/dev", "scheduling/nlp"]);
    expect(errors.map((e) => e.file).sort()).toEqual([
      "stacks/scheduling/teams/Pulumi.audio.yaml",
      `${VISION}/Pulumi.vision.yml`,
    ]);
    expect(errors.find((e) => e.file.endsWith("audio.yaml"))?.message).toMatch(/move it to teams\/audio\//);
  });

  it("keeps one stack per id in platform folders too: a second config is an error, never a twin", () => {
    ws = exampleWorkspace([]);
    ws.write("stacks/iam/envs/dev/Pulumi.dev.yml", iamYaml("dev"));
    const { stacks, errors } = discoverStacks(ws.root);
    expect(ids(stacks)).toEqual(["fleet/dev", "iam/dev"]);
    expect(errors.map((e) => [e.file, e.problems[0]?.message])).toEqual([
      [
        "stacks/iam/envs/dev/Pulumi.dev.yml",
        "a second config of stack iam/dev (the first is stacks/iam/envs/dev/Pulumi.dev.yaml); a stack has exactly one",
      ],
    ]);
    expect(() => orderStacks(stacks)).not.toThrow();
  });
});

describe("discoverStacks: the tenant registry", () => {
  it("rejects a team's environment or pool the registry does not grant, naming the key and line", () => {
    ws = exampleWorkspace(["vision"]);
    ws.write(
      "policies/tenants.yaml",
      "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: [l4]\n",
    );
    const { stacks, errors } = discoverStacks(ws.root);
    expect(ids(stacks)).not.toContain("scheduling/vision");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.file).toBe("stacks/scheduling/teams/vision/Pulumi.vision.yaml");
    expect(errors[0]?.problems).toEqual([
      expect.objectContaining({
        key: "scheduling:environment",
        line: 4,
        message: expect.stringMatching(
          /team "vision" may not use environment "dev"; it is granted prod \(pool l4\) in policies\/tenants\.yaml/,
        ),
      }),
    ]);
  });

  it("reports a broken registry once under its own name, and each team as unchecked", () => {
    ws = exampleWorkspace(["vision", "nlp"]);
    ws.write("policies/tenants.yaml", "teams:\n  vision:\n    grants: []\n");
    const { stacks, errors } = discoverStacks(ws.root);
    expect(ids(stacks)).toEqual(["fleet/dev", "iam/dev"]);
    const registry = errors.filter((e) => e.file === "policies/tenants.yaml");
    expect(registry).toHaveLength(1);
    expect(registry[0]?.problems[0]).toMatchObject({ key: "teams.vision.grants", line: 3 });
    for (const team of ["nlp", "vision"]) {
      expect(errors.find((e) => e.file.includes(`/${team}/`))?.message).toMatch(
        /cannot check the team's grants: the tenant registry policies\/tenants\.yaml is invalid: teams\.vision\.grants \(line 3\)/,
      );
    }
  });

  it("fails every team closed when there is no registry, but still plans platform stacks", () => {
    ws = exampleWorkspace(["vision"]);
    rmSync(path.join(ws.root, "policies/tenants.yaml"));
    const { stacks, errors } = discoverStacks(ws.root);
    expect(ids(stacks)).toEqual(["fleet/dev", "iam/dev"]);
    expect(errors.map((e) => e.file)).toEqual(["stacks/scheduling/teams/vision/Pulumi.vision.yaml"]);
    expect(errors[0]?.message).toMatch(/no tenant registry \(policies\/tenants\.yaml\) at or above/);
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
    // prod is granted to vision, but this workspace has no prod stacks.
    ws.write("stacks/scheduling/teams/vision/Pulumi.vision.yaml", teamYaml("vision", "prod"));
    const { stacks } = discoverStacks(ws.root);
    const error = graphError(() => orderStacks(stacks));
    expect(error.problems).toEqual(
      ["iam", "fleet"].map((kind) =>
        expect.objectContaining({
          from: "scheduling/vision",
          to: `organization/retrain-${kind}/prod`,
          file: path.join(ws!.root, "stacks/scheduling/teams/vision/Pulumi.vision.yaml"),
          key: "scheduling:environment",
        }),
      ),
    );
    expect(error.message).toMatch(
      /scheduling\/vision references stack "organization\/retrain-fleet\/prod" \(.*Pulumi\.vision\.yaml \(scheduling:environment\)\), but no such stack exists/,
    );
    // The file as in every problem, workspace-relative, wherever the command runs from.
    expect(error.message).toContain(
      "(stacks/scheduling/teams/vision/Pulumi.vision.yaml (scheduling:environment))",
    );
    expect(error.message).not.toContain("..");
  });

  it("rejects two stacks of one id with an error naming both files, whatever else is wrong", () => {
    // The root of `TypeError: reading 'id'`: ids keyed a map that silently dropped the second stack.
    ws = exampleWorkspace(["vision"]);
    const { stacks } = discoverStacks(ws.root);
    const vision = stacks.find((s) => s.id === "scheduling/vision")!;
    const twin = { ...vision, configFile: `${vision.configFile.slice(0, -4)}yml` };
    for (const list of [
      [...stacks, twin],
      // Also when the twin is part of a missing reference or of no valid order at all.
      [twin, vision],
    ]) {
      const error = graphError(() => orderStacks(list));
      expect(error.problems).toEqual([
        expect.objectContaining({ from: "scheduling/vision", file: list.at(-1)!.configFile }),
      ]);
      expect(error.message).toMatch(
        /two configs of stack scheduling\/vision: .*Pulumi\.vision\.ya?ml and .*Pulumi\.vision\.ya?ml;/,
      );
      expect(error.message).toContain(".yml");
    }
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
          key: "scheduling:environment",
          kind: "fleet" as const,
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
