/** Team onboarding: `addTeam` on disk and the repository's CODEOWNERS (the Nx generator: nx-pulumi's team-generator test). */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadStackConfig, loadTenantRegistry } from "@retrain/config/workspace";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addTeam,
  CODEOWNERS_SECURITY_MARKER,
  codeownersFor,
  codeownersOrg,
  codeownersWithTeam,
  TeamError,
} from "../src/team.js";
import { FIXTURE, PACKAGE_DIR } from "./support/fixture.js";

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
    // Above the security block, after the other team lines.
    const lines = read(".github/CODEOWNERS").split("\n");
    const at = lines.indexOf("/stacks/scheduling/teams/speech/ @acme/speech");
    expect(lines[at - 1]).toBe("/stacks/scheduling/teams/nlp/ @acme/nlp");
    expect(lines.slice(at + 1, at + 3)).toEqual(["", CODEOWNERS_SECURITY_MARKER]);
    expect(result).toMatchObject({
      registry: "policies/tenants.yaml",
      grant: { environment: "dev", pools: ["a10g"] },
    });
    const registry = loadTenantRegistry(path.join(root, "policies/tenants.yaml")).registry;
    expect(registry.teams.speech?.grants).toEqual([{ environment: "dev", pools: ["a10g"] }]);
    expect(result.nextSteps.join("\n")).toMatch(
      /pulumi stack init speech[\s\S]*nx run scheduling-speech:preview/,
    );
  });

  it("adds the grant to the registry keeping security's comments, entries and layout", () => {
    const before = read("policies/tenants.yaml");
    addTeam({ workspaceRoot: root, team: "speech", environment: "prod" });
    const after = read("policies/tenants.yaml");
    expect(after.startsWith(before.trimEnd())).toBe(true);
    expect(after.slice(before.trimEnd().length)).toBe(
      "\n  speech:\n    grants:\n      - environment: prod\n        pools: [a10g]\n",
    );
    expect(after).toContain("# Vision trains on the prod a10g pool.");
  });

  it("grants the pools asked for, the starter window on the first", () => {
    const fleet = path.join(root, "stacks/fleet/envs/dev/Pulumi.dev.yaml");
    writeFileSync(fleet, `${readFileSync(fleet, "utf8")}    - name: l4\n      instanceType: g6.xlarge\n`);
    const result = addTeam({
      workspaceRoot: root,
      team: "speech",
      environment: "dev",
      pools: ["l4", "a10g"],
    });
    expect(result.grant).toEqual({ environment: "dev", pools: ["l4", "a10g"] });
    expect(read(result.configFile)).toContain("pool: l4");
    expect(
      loadTenantRegistry(path.join(root, "policies/tenants.yaml")).registry.teams.speech?.grants,
    ).toEqual([{ environment: "dev", pools: ["l4", "a10g"] }]);
  });

  it("creates the registry when the workspace has none", () => {
    rmSync(path.join(root, "policies"), { recursive: true });
    addTeam({ workspaceRoot: root, team: "speech" });
    expect(read("policies/tenants.yaml")).toMatch(/^# The tenant registry/);
    expect(Object.keys(loadTenantRegistry(path.join(root, "policies/tenants.yaml")).registry.teams)).toEqual([
      "speech",
    ]);
  });

  it("leaves an existing entry that already grants the environment and pool as it is", () => {
    const text =
      "teams:\n  speech: # pre-approved\n    grants:\n      - environment: dev\n        pools: [a10g, l4]\n";
    writeFileSync(path.join(root, "policies/tenants.yaml"), text);
    addTeam({ workspaceRoot: root, team: "speech" });
    expect(read("policies/tenants.yaml")).toBe(text);
  });

  it("keeps the registry and CODEOWNERS security's, however many teams are added", () => {
    for (const team of ["speech", "ranking", "ads"]) addTeam({ workspaceRoot: root, team });
    const owners = read(".github/CODEOWNERS");
    expect(codeownersFor(owners, "policies/tenants.yaml")).toEqual(["@acme/security"]);
    expect(codeownersFor(owners, ".github/CODEOWNERS")).toEqual(["@acme/security"]);
    expect(codeownersFor(owners, "stacks/scheduling/teams/ads/Pulumi.ads.yaml")).toEqual(["@acme/ads"]);
    expect(codeownersFor(owners, "stacks/fleet/envs/dev/Pulumi.dev.yaml")).toEqual(["@acme/platform"]);
  });

  it("refuses a CODEOWNERS whose later line would take the team's folder back", () => {
    const text = `${read(".github/CODEOWNERS")}/stacks/ @acme/platform\n`;
    writeFileSync(path.join(root, ".github/CODEOWNERS"), text);
    expect(() => addTeam({ workspaceRoot: root, team: "speech" })).toThrow(
      /would be owned by @acme\/platform, not @acme\/speech; a later line overrides it/,
    );
    expect(existsSync(path.join(root, "stacks/scheduling/teams/speech"))).toBe(false);
    expect(read(".github/CODEOWNERS")).toBe(text);
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
    [{ team: "speech", pools: ["a10g", "h100"] }, /pool "h100" is not in the dev fleet/],
    [
      { team: "speech", pool: "a10g", pools: ["l4"] },
      /starter window's pool "a10g" must be one of the granted pools \(l4\)/,
    ],
    [
      { team: "nlp2", environment: "prod" },
      /team "nlp2" is already in policies\/tenants\.yaml without the grant prod/,
    ],
    [{ team: "speech", owners: ["not an owner"] }, /invalid owner "not an owner"/],
  ])("refuses %j", (opts, message) => {
    const fleet = path.join(root, "stacks/fleet/envs/dev/Pulumi.dev.yaml");
    writeFileSync(fleet, `${readFileSync(fleet, "utf8")}    - name: l4\n      instanceType: g6.xlarge\n`);
    if (opts.team === "nlp2")
      writeFileSync(
        path.join(root, "policies/tenants.yaml"),
        `${read("policies/tenants.yaml")}  nlp2:\n    grants:\n      - environment: dev\n        pools: [a10g]\n`,
      );
    const before = read(".github/CODEOWNERS");
    const registryBefore = read("policies/tenants.yaml");
    expect(() => addTeam({ workspaceRoot: root, ...opts })).toThrow(TeamError);
    expect(() => addTeam({ workspaceRoot: root, ...opts })).toThrow(message);
    expect(read(".github/CODEOWNERS")).toBe(before);
    expect(read("policies/tenants.yaml")).toBe(registryBefore);
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

describe("the repository's CODEOWNERS", () => {
  const REAL = readFileSync(path.join(PACKAGE_DIR, "../../.github/CODEOWNERS"), "utf8");

  it.each<[string, string[]]>([
    ["policies/tenants.yaml", ["@retrain-ml/security"]],
    ["policies/retrain-guard/src/index.ts", ["@retrain-ml/security"]],
    [".github/CODEOWNERS", ["@retrain-ml/security"]],
    [".github/workflows/pr.yml", ["@retrain-ml/platform"]],
    ["retrain.json", ["@retrain-ml/platform"]],
    ["stacks/scheduling/teams/vision/Pulumi.vision.yaml", ["@retrain-ml/platform"]],
    ["packages/config/src/load.ts", ["@retrain-ml/platform"]],
  ])("gives %s to %j, and still does after teams are onboarded", (file, owners) => {
    expect(codeownersFor(REAL, file)).toEqual(owners);
    let text = REAL;
    for (const team of ["vision", "nlp", "recsys", "speech"])
      text = codeownersWithTeam(text, `/stacks/scheduling/teams/${team}/ @retrain-ml/${team}`);
    const expected = file.startsWith("stacks/scheduling/teams/vision/") ? ["@retrain-ml/vision"] : owners;
    expect(codeownersFor(text, file)).toEqual(expected);
  });

  it("ends with the security block, so appending a line anywhere before it cannot override it", () => {
    const lines = REAL.trimEnd().split("\n");
    const at = lines.indexOf(CODEOWNERS_SECURITY_MARKER);
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1).filter((l) => l !== "" && !l.startsWith("#"))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/policies\/tenants\.yaml\s+@retrain-ml\/security$/)]),
    );
  });

  it("follows GitHub's last-match rule: a broader line after a narrower one wins", () => {
    const text = "/policies/tenants.yaml @sec\n/policies/ @other\n";
    expect(codeownersFor(text, "policies/tenants.yaml")).toEqual(["@other"]);
    expect(
      codeownersFor("/policies/ @other\n/policies/tenants.yaml @sec\n", "policies/tenants.yaml"),
    ).toEqual(["@sec"]);
    expect(codeownersFor("# * @x\n", "a")).toEqual([]);
  });
});
