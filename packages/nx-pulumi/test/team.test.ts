/** Team onboarding: `addTeam` on disk, the Nx generator on Nx's file tree, and `nx g` end to end. */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadStackConfig } from "@retrain/config/workspace";
import { FsTree, flushChanges } from "nx/src/generators/tree.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { teamGenerator } from "../src/generators/team/generator.js";
import { addTeam, codeownersOrg, TeamError } from "../src/team.js";
import { FIXTURE, PACKAGE_DIR, TempWorkspace } from "./support/workspace.js";

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "nx-pulumi-team-"));
  cpSync(FIXTURE, root, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const read = (file: string) => readFileSync(path.join(root, file), "utf8");

describe("addTeam", () => {
  it("creates a valid config for the team, owned by @<org>/<team> in CODEOWNERS", () => {
    const result = addTeam({ workspaceRoot: root, team: "speech" });
    expect(result).toMatchObject({
      configFile: "stacks/scheduling/teams/speech/Pulumi.speech.yaml",
      codeowners: ".github/CODEOWNERS",
      owners: ["@acme/speech"],
      project: "scheduling-speech",
    });
    const loaded = loadStackConfig(path.join(root, result.configFile));
    expect(loaded.kind).toBe("scheduling");
    if (loaded.kind !== "scheduling") return;
    expect(loaded.stack).toBe("speech");
    expect(loaded.region).toBe("eu-west-1");
    expect(loaded.config).toMatchObject({ team: "speech", environment: "dev", windows: [{ pool: "a10g" }] });
    expect(read(".github/CODEOWNERS").split("\n").filter(Boolean).at(-1)).toBe(
      "/stacks/scheduling/teams/speech/ @acme/speech",
    );
    expect(result.nextSteps.join("\n")).toMatch(
      /pulumi stack init speech[\s\S]*nx run scheduling-speech:preview/,
    );
  });

  it("takes the environment, pool and explicit owners", () => {
    const result = addTeam({
      workspaceRoot: root,
      team: "ranking",
      environment: "prod",
      pool: "a10g",
      owners: ["@acme/ranking", "ml-lead@example.com"],
    });
    expect(read(result.configFile)).toContain("scheduling:environment: prod");
    expect(read(".github/CODEOWNERS")).toContain(
      "/stacks/scheduling/teams/ranking/ @acme/ranking ml-lead@example.com\n",
    );
  });

  it.each([
    [{ team: "vision" }, /team "vision" already exists/],
    [{ team: "Vision" }, /invalid team name "Vision": team must be lowercase/],
    [{ team: "x" }, /invalid team name "x": team must be 2-24 characters/],
    [{ team: "a-very-long-team-name-beyond-limits" }, /team must be 2-24 characters/],
    [
      { team: "speech", environment: "staging" },
      /no fleet stack for environment "staging".*environments: dev, prod/,
    ],
    [{ team: "speech", pool: "h100" }, /pool "h100" is not in the dev fleet; pools: a10g/],
    [{ team: "speech", owners: ["not an owner"] }, /invalid owner "not an owner"/],
  ])("refuses %j", (opts, message) => {
    const before = read(".github/CODEOWNERS");
    expect(() => addTeam({ workspaceRoot: root, ...opts })).toThrow(TeamError);
    expect(() => addTeam({ workspaceRoot: root, ...opts })).toThrow(message);
    expect(read(".github/CODEOWNERS")).toBe(before);
    if (opts.team !== "vision")
      expect(existsSync(path.join(root, "stacks/scheduling/teams", opts.team))).toBe(false);
  });

  it("asks for owners when CODEOWNERS names no org", () => {
    rmSync(path.join(root, ".github/CODEOWNERS"));
    expect(() => addTeam({ workspaceRoot: root, team: "speech" })).toThrow(/pass the owners/);
    addTeam({ workspaceRoot: root, team: "speech", owners: ["@acme/speech"] });
    expect(read(".github/CODEOWNERS")).toBe("/stacks/scheduling/teams/speech/ @acme/speech\n");
  });

  it.each([
    ["* @acme/platform\n", "acme"],
    ["# @nope/x\n/stacks/ @my-org/platform @someone\n", "my-org"],
    ["* @someone\n", undefined],
  ])("codeownersOrg(%j) = %j", (text, org) => {
    expect(codeownersOrg(text)).toBe(org);
  });
});

describe("the team generator", () => {
  it("writes through Nx's tree and prints the next steps afterwards", async () => {
    const tree = new FsTree(root, false);
    const callback = await teamGenerator(tree, { name: "speech", owners: "@acme/speech, @acme/platform" });
    expect(existsSync(path.join(root, "stacks/scheduling/teams/speech"))).toBe(false);
    flushChanges(root, tree.listChanges());
    expect(read("stacks/scheduling/teams/speech/Pulumi.speech.yaml")).toContain("scheduling:team: speech");
    expect(read(".github/CODEOWNERS")).toContain(
      "/stacks/scheduling/teams/speech/ @acme/speech @acme/platform\n",
    );
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      await callback();
    } finally {
      console.log = log;
    }
    expect(lines.join("\n")).toContain("Next steps");
  });

  it("runs as `nx g <plugin>:team` from generators.json", () => {
    const ws = TempWorkspace.create();
    try {
      const r = ws.nx(["g", `${path.resolve(PACKAGE_DIR)}:team`, "speech"]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain("CREATE stacks/scheduling/teams/speech/Pulumi.speech.yaml");
      expect(readFileSync(path.join(ws.root, ".github/CODEOWNERS"), "utf8")).toContain("@acme/speech");
      expect(ws.nx(["g", `${path.resolve(PACKAGE_DIR)}:team`, "speech"]).status).not.toBe(0);
    } finally {
      ws.dispose();
    }
  });
});
