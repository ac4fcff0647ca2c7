/** `retrain team add`: the CLI face of the shared onboarding (`addTeam` in @retrain/workspace-tools). */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
    expect(r.stdout).toContain("updated  policies/tenants.yaml (speech granted prod: a10g)");
    expect(readFileSync(path.join(root, "policies/tenants.yaml"), "utf8")).toMatch(
      /\n {2}speech:\n {4}grants:\n {6}- environment: prod\n {8}pools: \[a10g\]\n$/,
    );
  });

  it("grants the pools given with --pools, and the new team passes config check", async () => {
    const fleet = path.join(root, "stacks/fleet/envs/dev/Pulumi.dev.yaml");
    writeFileSync(fleet, `${readFileSync(fleet, "utf8")}    - name: l4\n      instanceType: g6.xlarge\n`);
    const r = await retrain(["team", "add", "speech", "--pools", "l4,a10g", "--root", root]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("(speech granted dev: l4, a10g)");
    const check = await retrain([
      "config",
      "check",
      path.join(root, "stacks/scheduling/teams/speech/Pulumi.speech.yaml"),
    ]);
    expect(check.code, check.stdout).toBe(0);
  });

  it.each([
    [["team", "add", "vision"], /team "vision" already exists/],
    [["team", "add", "Bad_Name"], /invalid team name/],
    [["team", "add", "speech", "--pool", "h100"], /pool "h100" is not in the dev fleet/],
    [["team", "add", "speech", "--pools", "a10g", "h100"], /pool "h100" is not in the dev fleet/],
    [
      ["team", "add", "speech", "--environment", "prod", "--pools", "a10g", "--region", "us-east-1"],
      /region "us-east-1" is not the prod environment's: stacks\/fleet\/envs\/prod\/Pulumi\.prod\.yaml sets aws:region: eu-west-1/,
    ],
  ])("exits 2 with the reason for %j", async (argv, message) => {
    const registry = path.join(root, "policies/tenants.yaml");
    const before = existsSync(registry) ? readFileSync(registry, "utf8") : undefined;
    const r = await retrain([...argv, "--root", root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(path.join(root, "stacks/scheduling/teams/speech"))).toBe(false);
    expect(existsSync(registry) ? readFileSync(registry, "utf8") : undefined).toBe(before);
  });
});
