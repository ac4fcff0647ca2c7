/** The `team` generator: `addTeam` (@retrain/workspace-tools) through Nx's file tree, and `nx g` end to end. */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { teamGenerator } from "../src/generators/team/generator.js";
import { nxFsTree } from "../src/nx-internals.js";
import { FIXTURE, PACKAGE_DIR, TempWorkspace } from "./support/workspace.js";

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "nx-pulumi-team-"));
  cpSync(FIXTURE, root, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const read = (file: string) => readFileSync(path.join(root, file), "utf8");

describe("the team generator", () => {
  it("writes through Nx's tree and prints the next steps afterwards", async () => {
    const { FsTree, flushChanges } = nxFsTree();
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
