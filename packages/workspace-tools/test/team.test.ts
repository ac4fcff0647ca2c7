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
  STARTER_SLOTS,
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
const write = (file: string, text: string) => writeFileSync(path.join(root, file), text);
const DEV_FLEET = "stacks/fleet/envs/dev/Pulumi.dev.yaml";
/** The starter window of a written team config, as the loader reads it. */
const starterOf = (file: string) => {
  const loaded = loadStackConfig(path.join(root, file));
  if (loaded.kind !== "scheduling") throw new Error(`${file} is not a team config`);
  return loaded.config.windows[0]!;
};

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
    // The fixture's dev a10g pool is always on (no stopWhenIdleMinutes: the default 0), and nlp's
    // window holds it on Sunday nights: the window does not start/stop it and moves to Saturday.
    expect(loaded.config.windows[0]).toMatchObject({
      schedule: "cron(0 3 ? * SAT *)",
      timezone: "UTC",
      startStopInstances: false,
    });
    expect(result.window).toEqual({
      name: "weekly-retrain",
      pool: "a10g",
      schedule: "cron(0 3 ? * SAT *)",
      timezone: "UTC",
      durationHours: 3,
      startStopInstances: false,
      stopWhenIdleMinutes: 0,
      sharedWith: ["nlp"],
    });
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
    // The starter has no notify (its addresses are the team's to give): the steps say what to set.
    expect(result.nextSteps.join("\n")).toMatch(/scheduling:notify .*alertEmailDomains/);
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

describe("the starter window", () => {
  it("tries each night hour on every day, weekend first, before the next hour", () => {
    expect(STARTER_SLOTS.slice(0, 8)).toEqual([
      "cron(0 3 ? * SUN *)",
      "cron(0 3 ? * SAT *)",
      "cron(0 3 ? * MON *)",
      "cron(0 3 ? * TUE *)",
      "cron(0 3 ? * WED *)",
      "cron(0 3 ? * THU *)",
      "cron(0 3 ? * FRI *)",
      "cron(0 4 ? * SUN *)",
    ]);
    expect(STARTER_SLOTS).toHaveLength(7 * 24);
    expect(new Set(STARTER_SLOTS).size).toBe(7 * 24);
  });

  it("takes the first slot on a pool no other team holds", () => {
    write(DEV_FLEET, `${read(DEV_FLEET)}    - name: l4\n      instanceType: g6.xlarge\n`);
    const result = addTeam({ workspaceRoot: root, team: "speech", pool: "l4" });
    expect(result.window).toMatchObject({ schedule: STARTER_SLOTS[0], sharedWith: [] });
    expect(starterOf(result.configFile).schedule).toBe(STARTER_SLOTS[0]);
  });

  it("gets the next free slot when the first is taken, by other teams and by teams onboarded before", () => {
    // nlp (Sunday 04:00 Berlin, 3 h) holds the first slot on dev a10g.
    const schedules = ["speech", "ranking", "ads"].map(
      (team) => addTeam({ workspaceRoot: root, team }).window.schedule,
    );
    expect(schedules).toEqual(["cron(0 3 ? * SAT *)", "cron(0 3 ? * MON *)", "cron(0 3 ? * TUE *)"]);
    expect(starterOf("stacks/scheduling/teams/ads/Pulumi.ads.yaml").schedule).toBe("cron(0 3 ? * TUE *)");
  });

  it("skips a slot another team holds only after the horizon, within the clash lookahead", () => {
    // nlp adds a June-only Saturday window: no run in December's 4-week horizon, but the plan's
    // clash check looks 53 weeks ahead on a shared pool, so Saturday 03:00 is taken too.
    const nlp = "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml";
    write(
      nlp,
      `${read(nlp)}    - name: june-eval
      schedule: cron(0 3 ? JUN SAT *)
      timezone: UTC
      durationHours: 2
      cutoffHours: 1
      pool: a10g
      tasks:
        - name: eval
          command: python /opt/retrain/eval.py
          timeoutSeconds: 1800
`,
    );
    const result = addTeam({ workspaceRoot: root, team: "speech", from: new Date("2026-12-01T00:00:00Z") });
    expect(result.window.schedule).toBe("cron(0 3 ? * MON *)");
  });

  it("fails naming the pool and environment when no weekly slot is free, writing nothing", () => {
    // nlp holds dev a10g around the clock: a daily 24-hour window (in UTC: in a zone with daylight
    // saving, one night a year is 23 h and the window would overlap its own next run).
    const nlp = "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml";
    write(
      nlp,
      read(nlp)
        .replace("cron(0 4 ? * SUN *)", "cron(0 0 ? * * *)")
        .replace("durationHours: 3", "durationHours: 24")
        .replace(/timezone: \S+/g, "timezone: UTC"),
    );
    const owners = read(".github/CODEOWNERS");
    const registry = read("policies/tenants.yaml");
    expect(() => addTeam({ workspaceRoot: root, team: "speech" })).toThrow(TeamError);
    expect(() => addTeam({ workspaceRoot: root, team: "speech" })).toThrow(
      /no free slot for the starter window on pool "a10g" of environment dev: .*\(nlp\/weekly-retrain\).*53-week clash lookahead/,
    );
    expect(existsSync(path.join(root, "stacks/scheduling/teams/speech"))).toBe(false);
    expect(read(".github/CODEOWNERS")).toBe(owners);
    expect(read("policies/tenants.yaml")).toBe(registry);
  });

  const withFleetIdle = (fleet: string) => `${fleet}  fleet:stopWhenIdleMinutes: 30\n`;
  const withPoolIdle = (minutes: number) => (fleet: string) =>
    fleet.replace(
      "instanceType: g5.xlarge",
      `instanceType: g5.xlarge\n      stopWhenIdleMinutes: ${minutes}`,
    );
  it.each<[string, (fleet: string) => string, boolean, number]>([
    ["the fleet's default (always on)", (fleet) => fleet, false, 0],
    ["the fleet's stopWhenIdleMinutes", withFleetIdle, true, 30],
    ["the pool's own stopWhenIdleMinutes (always on)", (f) => withPoolIdle(0)(withFleetIdle(f)), false, 0],
    ["the pool's own stopWhenIdleMinutes (stops)", withPoolIdle(45), true, 45],
  ])("starts and stops the pool by %s", (_, editFleet, startStop, idle) => {
    write(DEV_FLEET, editFleet(read(DEV_FLEET)));
    const result = addTeam({ workspaceRoot: root, team: "speech" });
    expect(result.window).toMatchObject({ startStopInstances: startStop, stopWhenIdleMinutes: idle });
    expect(starterOf(result.configFile).startStopInstances).toBe(startStop);
    expect(read(result.configFile)).toContain(`startStopInstances: ${startStop}`);
    expect(result.nextSteps[0]).toMatch(
      startStop ? /starts and stops the pool/ : /does not start or stop it/,
    );
  });

  it("refuses an invalid fleet config with its problem instead of guessing its pools", () => {
    write(DEV_FLEET, read(DEV_FLEET).replace("instanceType: g5.xlarge", "instanceType: 42"));
    expect(() => addTeam({ workspaceRoot: root, team: "speech" })).toThrow(
      /the dev fleet stack config is invalid; fix it first: [\s\S]*fleet:pools\[0\]\.instanceType/,
    );
    expect(existsSync(path.join(root, "stacks/scheduling/teams/speech"))).toBe(false);
  });
});

describe("the repository's CODEOWNERS", () => {
  const REAL = readFileSync(path.join(PACKAGE_DIR, "../../.github/CODEOWNERS"), "utf8");
  const REGISTERED = Object.keys(
    loadTenantRegistry(path.join(PACKAGE_DIR, "../../policies/tenants.yaml")).registry.teams,
  );

  it.each<[string, string[]]>([
    ["policies/tenants.yaml", ["@retrain-ml/security"]],
    ["policies/retrain-guard/src/index.ts", ["@retrain-ml/security"]],
    [".github/CODEOWNERS", ["@retrain-ml/security"]],
    [".github/workflows/pr.yml", ["@retrain-ml/platform"]],
    ["retrain.json", ["@retrain-ml/platform"]],
    ["stacks/scheduling/teams/vision/Pulumi.vision.yaml", ["@retrain-ml/vision"]],
    ["stacks/scheduling/src/program.ts", ["@retrain-ml/platform"]],
    ["packages/config/src/load.ts", ["@retrain-ml/platform"]],
  ])("gives %s to %j, and still does after more teams are onboarded", (file, owners) => {
    expect(codeownersFor(REAL, file)).toEqual(owners);
    let text = REAL;
    for (const team of ["speech", "ads"])
      text = codeownersWithTeam(text, `/stacks/scheduling/teams/${team}/ @retrain-ml/${team}`);
    expect(codeownersFor(text, file)).toEqual(owners);
  });

  it.each(REGISTERED)("gives registered team %s its own folder, and no other team's", (team) => {
    const own = codeownersFor(REAL, `stacks/scheduling/teams/${team}/Pulumi.${team}.yaml`);
    expect(own).toEqual([`@retrain-ml/${team}`]);
    for (const other of REGISTERED.filter((t) => t !== team))
      expect(codeownersFor(REAL, `stacks/scheduling/teams/${other}/Pulumi.${other}.yaml`)).not.toEqual(own);
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
