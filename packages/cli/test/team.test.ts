/** `retrain team add`: the CLI face of the shared onboarding (`addTeam` in @retrain/nx-pulumi/team). */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { retrain } from "./run.js";

const FIXTURE = fileURLToPath(new URL("../../nx-pulumi/test/fixtures/workspace", import.meta.url));

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "retrain-team-cli-"));
  cpSync(FIXTURE, root, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("retrain team add", () => {
  it("creates the team's config and CODEOWNERS entry and prints the next steps", async () => {
    const r = await retrain(["team", "add", "speech", "--environment", "prod", "--root", root]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("created  stacks/scheduling/teams/speech/Pulumi.speech.yaml");
    expect(r.stdout).toContain("nx run scheduling-speech:preview");
    expect(
      readFileSync(path.join(root, "stacks/scheduling/teams/speech/Pulumi.speech.yaml"), "utf8"),
    ).toContain("scheduling:environment: prod");
    expect(readFileSync(path.join(root, ".github/CODEOWNERS"), "utf8")).toContain(
      "/stacks/scheduling/teams/speech/ @acme/speech\n",
    );
  });

  it.each([
    [["team", "add", "vision"], /team "vision" already exists/],
    [["team", "add", "Bad_Name"], /invalid team name/],
    [["team", "add", "speech", "--pool", "h100"], /pool "h100" is not in the dev fleet/],
  ])("exits 2 with the reason for %j", async (argv, message) => {
    const r = await retrain([...argv, "--root", root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(path.join(root, "stacks/scheduling/teams/speech"))).toBe(false);
  });
});
