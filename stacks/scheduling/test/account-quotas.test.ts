/**
 * The counts the plan sums against the account's other quotas (event-rules.ts of @retrain/config)
 * are what the real programs register, as event-rules.test.ts does for EventBridge rules:
 *   - SSM documents (500 per account and Region): `teamDocumentCount` (one training document per
 *     team stack, whatever its windows), `iamDocumentCount` and `fleetDocumentCount` (none);
 *   - State Manager associations (2,000 per account and Region): `teamAssociationCount`;
 *   - IAM roles (1,000 per account by default): `iamRoleCount` of the iam config and the tenant
 *     registry's grants, with the example registry and with generated ones (more teams, shared and
 *     separate pools, allowStartStop off); the scheduling and fleet stacks create none.
 * A resource of one of these types added to a program without its count fails here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  fleetDocumentCount,
  iamDocumentCount,
  iamRoleCount,
  loadTenantRegistry,
  teamAssociationCount,
  teamDocumentCount,
  teamsGranted,
} from "@retrain/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { iamProgram } from "../../iam/src/program.js";
import { countOf, validated } from "./support/counted-resources.js";
import { loadExample, runExample, runExampleUpstream } from "./support/example-upstream.js";

const DOCUMENT = "aws:ssm/document:Document";
const ASSOCIATION = "aws:ssm/association:Association";
const ROLE = "aws:iam/role:Role";

const upstream: Record<string, Record<string, unknown>> = {};
beforeAll(async () => {
  Object.assign(upstream, (await runExampleUpstream()).upstream);
});

const REGISTRY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../policies/tenants.yaml");

describe("SSM documents and associations of a team's stack", () => {
  const runTeam = (team: string, raw: Record<string, unknown>) =>
    runExample("scheduling", team, { config: raw, upstream }).run;
  const task = (name: string) => ({ name, command: `./${name}.sh`, timeoutSeconds: 1800 });
  const windowOn = (name: string, day: string) => ({
    name,
    schedule: `cron(0 4 ? * ${day} *)`,
    durationHours: 2,
    cutoffHours: 1,
    pool: "a10g",
    tasks: [task("train")],
  });
  const associationOn = (name: string, hour: number) => ({
    name,
    mode: "association",
    schedule: `cron(30 ${hour} ? * * *)`,
    pool: "a10g",
    tasks: [task("refresh")],
  });
  // recsys: dev's a10g is always on (associations may run there).
  const variants: [string, Record<string, unknown>, number][] = [
    ["windows only", { "scheduling:windows": [windowOn("monday", "MON"), windowOn("friday", "FRI")] }, 0],
    [
      "associations only",
      { "scheduling:windows": [2, 8, 14].map((h) => associationOn(`refresh-${h}`, h)) },
      3,
    ],
    [
      "windows and associations",
      {
        "scheduling:windows": [
          windowOn("nightly", "MON"),
          associationOn("refresh-a", 2),
          associationOn("refresh-b", 14),
        ],
      },
      2,
    ],
  ];

  it.each(["vision", "nlp", "recsys"])("example team %s: the counts = what it registers", async (team) => {
    const loaded = loadExample("scheduling", "teams", team);
    const r = await runTeam(team, loaded.raw);
    const config = validated("scheduling", loaded.raw);
    expect(teamDocumentCount(config)).toBe(countOf(r, DOCUMENT));
    expect(teamAssociationCount(config)).toBe(countOf(r, ASSOCIATION));
    expect(countOf(r, ROLE)).toBe(0);
  });

  it.each(variants)("%s (recsys): the counts = what it registers", async (_title, patch, associations) => {
    const raw = { ...loadExample("scheduling", "teams", "recsys").raw, ...patch };
    const r = await runTeam("recsys", raw);
    const config = validated("scheduling", raw);
    expect(teamDocumentCount(config)).toBe(countOf(r, DOCUMENT));
    expect(countOf(r, DOCUMENT)).toBe(1);
    expect(teamAssociationCount(config)).toBe(countOf(r, ASSOCIATION));
    expect(countOf(r, ASSOCIATION)).toBe(associations);
  });
});

describe("SSM documents and IAM roles of an environment's iam and fleet stacks", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  /** A folder holding `policies/tenants.yaml` with `teams` (team → pools granted in `env`). */
  const registryOf = (env: string, teams: Record<string, string[]>) => {
    const dir = mkdtempSync(path.join(tmpdir(), "retrain-registry-"));
    dirs.push(dir);
    mkdirSync(path.join(dir, "policies"));
    writeFileSync(
      path.join(dir, "policies/tenants.yaml"),
      // JSON is YAML: the registry's own loader reads it.
      JSON.stringify({
        teams: Object.fromEntries(
          Object.entries(teams).map(([team, pools]) => [
            team,
            { grants: [{ environment: env, pools }], alertEmailDomains: [`${team}.example.com`] },
          ]),
        ),
      }),
    );
    return dir;
  };
  const runIam = (env: string, patch: Record<string, unknown>, registryDir?: string) =>
    runExample("iam", env, {
      patch,
      program: () => iamProgram(registryDir ? { registrySearchFrom: [registryDir] } : {}),
    });

  it.each<[string, Record<string, unknown>]>([
    ["dev", {}],
    ["prod", {}],
    ["prod", { "iam:allowStartStop": false }],
  ])("iam/%s %o with the example registry: iamRoleCount = the roles it registers", async (env, patch) => {
    const { raw, run } = runIam(env, patch);
    const r = await run;
    const granted = teamsGranted(loadTenantRegistry(REGISTRY).registry, env);
    expect(iamRoleCount(validated("iam", raw), granted)).toBe(countOf(r, ROLE));
    expect(iamDocumentCount(validated("iam", raw))).toBe(countOf(r, DOCUMENT));
  });

  const many = Object.fromEntries(
    Array.from({ length: 60 }, (_, i) => [
      `team-${i}`,
      [`pool-${i % 7}`, ...(i % 5 === 0 ? ["shared"] : [])],
    ]),
  );
  it.each<[string, Record<string, string[]>, Record<string, unknown>, number]>([
    // 60 team roles, 8 start/stop roles (pool-0…6 and shared), the window and instance roles.
    ["60 teams on 8 pools", many, {}, 70],
    ["60 teams, allowStartStop off", many, { "iam:allowStartStop": false }, 62],
    ["one team on two pools", { solo: ["pool-a", "pool-b"] }, {}, 5],
    ["no team granted", {}, {}, 2],
  ])("%s: iamRoleCount = the roles it registers", async (_title, teams, patch, expected) => {
    const dir = registryOf("dev", teams);
    const { raw, run } = runIam("dev", patch, dir);
    const registered = countOf(await run, ROLE);
    const granted = teamsGranted(loadTenantRegistry(path.join(dir, "policies/tenants.yaml")).registry, "dev");
    expect(iamRoleCount(validated("iam", raw), granted)).toBe(registered);
    expect(registered).toBe(expected);
  });

  it.each(["dev", "prod"])("fleet/%s creates no SSM document and no IAM role", async (env) => {
    const { raw, run } = runExample("fleet", env, { upstream });
    const r = await run;
    expect(fleetDocumentCount(validated("fleet", raw))).toBe(countOf(r, DOCUMENT));
    expect(countOf(r, ROLE)).toBe(0);
  });
});
