import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  exampleWorkspace,
  fleetYaml,
  type TempWorkspace,
  teamYaml,
} from "../../config/test/support/workspace.js";
import { retrain } from "./run.js";

let ws: TempWorkspace | undefined;
afterEach(() => ws?.remove());

describe("retrain config check", () => {
  it("checks every discovered stack and exits 0 when all are valid", async () => {
    ws = exampleWorkspace(["vision", "nlp"]);
    const r = await retrain(["config", "check", "--root", ws.root]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("ok "))).toEqual([
      "ok     stacks/fleet/envs/dev/Pulumi.dev.yaml  (fleet/dev)",
      "ok     stacks/iam/envs/dev/Pulumi.dev.yaml  (iam/dev)",
      "ok     stacks/scheduling/teams/nlp/Pulumi.nlp.yaml  (scheduling/nlp)",
      "ok     stacks/scheduling/teams/vision/Pulumi.vision.yaml  (scheduling/vision)",
    ]);
    expect(r.stdout).toMatch(/4 stack configs checked: 4 ok, 0 invalid/);
  });

  it("finds the workspace root from the working directory", async () => {
    ws = exampleWorkspace(["vision"]);
    ws.write("pnpm-workspace.yaml", "packages: []\n");
    const r = await retrain(["config", "check"], { cwd: path.join(ws.root, "stacks/scheduling/teams") });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 stack configs checked: 3 ok/);
  });

  it("exits 2 naming the file, key, line and problem of each invalid config", async () => {
    ws = exampleWorkspace(["vision"]);
    ws.write(
      "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml",
      teamYaml("nlp", "dev", { schedule: "cron(0 4 * * SUN *)" }),
    );
    const r = await retrain(["config", "check", "--root", ws.root]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /error {2}stacks\/scheduling\/teams\/nlp\/Pulumi\.nlp\.yaml\n {9}scheduling:windows\[0\]\.schedule \(line 7:\d+\): .*\?/,
    );
    expect(r.stdout).toMatch(/ok {5}stacks\/scheduling\/teams\/vision/);
    expect(r.stdout).toMatch(/4 stack configs checked: 3 ok, 1 invalid/);
  });

  it("exits 2 on a team in another region than its fleet, naming aws:region, its line and the fleet's file", async () => {
    ws = exampleWorkspace(["vision"]);
    const file = "stacks/scheduling/teams/vision/Pulumi.vision.yaml";
    const text = readFileSync(path.join(ws.root, file), "utf8");
    expect(text).toMatch(/aws:region: eu-west-1/);
    ws.write(file, text.replace("aws:region: eu-west-1", "aws:region: us-east-1"));
    const line = text.split("\n").findIndex((l) => l.includes("aws:region")) + 1;
    const r = await retrain(["config", "check", "--root", ws.root]);
    expect(r.code).toBe(2);
    const errors = r.stdout.split("\n").filter((l) => l.startsWith("error"));
    expect(errors).toEqual([
      expect.stringContaining(
        `error  ${file} aws:region (line ${line}:3): is "us-east-1" but fleet stack "organization/retrain-fleet/dev" (stacks/fleet/envs/dev/Pulumi.dev.yaml) is in "eu-west-1"`,
      ),
    ]);
    expect(r.stdout).toMatch(/1 problem across stacks/);
  });

  it("exits 2 on a reference to a stack that does not exist, naming both stacks", async () => {
    ws = exampleWorkspace(["vision"]);
    ws.write("stacks/scheduling/teams/vision/Pulumi.vision.yaml", teamYaml("vision", "prod"));
    const r = await retrain(["config", "check", "--root", ws.root, "--json"]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.files.every((f: { ok: boolean }) => f.ok)).toBe(true);
    expect(
      report.references.map((p: { from: string; to: string; key: string }) => [p.from, p.to, p.key]),
    ).toEqual([
      ["scheduling/vision", "organization/retrain-iam/prod", "scheduling:environment"],
      ["scheduling/vision", "organization/retrain-fleet/prod", "scheduling:environment"],
    ]);
  });

  // Two configs valid alone, wrong together: the plan's cross-stack checks, run from the configs.
  it.each<[string, string, string, RegExp]>([
    [
      "a window that does not start a pool which stops when idle",
      "  fleet:stopWhenIdleMinutes: 30\n",
      "",
      /^error {2}stacks\/scheduling\/teams\/vision\/Pulumi\.vision\.yaml scheduling:windows\[0\]\.startStopInstances: window "weekly-retrain" would find its instances stopped/m,
    ],
    [
      "a window that would stop an always-on pool",
      "",
      "      startStopInstances: true\n",
      /scheduling:windows\[0\]\.startStopInstances: window "weekly-retrain" would stop pool "a10g" of fleet\/dev/,
    ],
  ])("exits 2 on %s, as the plan would", async (_name, fleetExtra, windowExtra, problem) => {
    ws = exampleWorkspace(["vision"]);
    ws.write("stacks/fleet/envs/dev/Pulumi.dev.yaml", fleetYaml("dev", fleetExtra));
    ws.write(
      "stacks/scheduling/teams/vision/Pulumi.vision.yaml",
      teamYaml("vision", "dev")
        .replace("      pool: a10g\n", `      pool: a10g\n${windowExtra}`)
        // Room for the start and stop tasks too.
        .replace("durationHours: 3", "durationHours: 4"),
    );
    const r = await retrain(["config", "check", "--root", ws.root]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(problem);
    expect(r.stdout).toMatch(/3 stack configs checked: 3 ok, 0 invalid, 1 problem across stacks/);
    const json = JSON.parse((await retrain(["config", "check", "--root", ws.root, "--json"])).stdout);
    expect(json.crossStack).toHaveLength(1);
    expect(json.crossStack[0].file).toBe("stacks/scheduling/teams/vision/Pulumi.vision.yaml");
  });

  it.each<[string, string, RegExp]>([
    [
      "an environment the registry does not grant",
      teamYaml("vision", "staging"),
      /scheduling:environment \(line 4:3\): team "vision" may not use environment "staging"; it is granted dev \(pool a10g\), prod \(pool a10g\) in policies\/tenants\.yaml/,
    ],
    [
      "a pool the registry does not grant",
      teamYaml("vision").replace("pool: a10g", "pool: l4"),
      /scheduling:windows\[0\]\.pool \(line 11:7\): team "vision" may not use pool "l4" of dev; it is granted/,
    ],
    [
      "an ESC environment import",
      `${teamYaml("vision")}environment:\n  - platform/secrets\n`,
      /\(line 16:1\): top-level setting "environment" is not allowed in a team.s file/,
    ],
    [
      "a StackReference override",
      teamYaml("vision", "dev", { extra: "  scheduling:iamStack: organization/retrain-iam/prod\n" }),
      /scheduling:iamStack \(line 5:3\): unknown key \(allowed: team, environment, windows, notify\)/,
    ],
  ])(
    "exits 2 on %s, naming the file, key and line, with and without file arguments",
    async (_n, text, message) => {
      ws = exampleWorkspace(["vision"]);
      const file = ws.write("stacks/scheduling/teams/vision/Pulumi.vision.yaml", text);
      const all = await retrain(["config", "check", "--root", ws.root]);
      expect(all.code).toBe(2);
      expect(all.stdout).toMatch(/error {2}stacks\/scheduling\/teams\/vision\/Pulumi\.vision\.yaml\n/);
      expect(all.stdout).toMatch(message);
      const one = await retrain(["config", "check", file], { cwd: ws.root });
      expect(one.code).toBe(2);
      expect(one.stdout).toMatch(message);
    },
  );

  it("exits 2 naming a second config file in a team folder", async () => {
    ws = exampleWorkspace(["vision"]);
    ws.write("stacks/scheduling/teams/vision/Pulumi.vision.yml", teamYaml("vision"));
    const r = await retrain(["config", "check", "--root", ws.root]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /error {2}stacks\/scheduling\/teams\/vision\/Pulumi\.vision\.yml\n {9}a team folder holds exactly one file, Pulumi\.vision\.yaml; remove Pulumi\.vision\.yml/,
    );
  });

  it("does not report references to a stack whose own config is invalid as missing", async () => {
    ws = exampleWorkspace(["vision"]);
    ws.write(
      "stacks/iam/envs/dev/Pulumi.dev.yaml",
      "config:\n  aws:region: eu-west-1\n  iam:environment: dev\n  iam:oops: 1\n",
    );
    const r = await retrain(["config", "check", "--root", ws.root, "--json"]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.references).toEqual([]);
    expect(report.files.find((f: { file: string }) => f.file.includes("iam"))?.problems[0]).toMatchObject({
      key: "iam:oops",
      line: 4,
    });
  });

  it("checks only the files given, relative to the working directory", async () => {
    ws = exampleWorkspace(["vision"]);
    const bad = ws.write("stacks/scheduling/teams/nlp/Pulumi.nlp.yaml", teamYaml("vision"));
    const cwd = path.join(ws.root, "stacks/scheduling");
    const good = await retrain(["config", "check", "teams/vision/Pulumi.vision.yaml"], { cwd });
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^ok {5}teams\/vision\/Pulumi\.vision\.yaml {2}\(scheduling\/vision\)$/m);
    const r = await retrain(["config", "check", "teams/vision/Pulumi.vision.yaml", bad], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /error {2}teams\/nlp\/Pulumi\.nlp\.yaml\n {9}scheduling:team \(line 3:\d+\): is "vision" but the file name says stack "nlp"/,
    );
  });

  it("exits 2 when a given file does not exist", async () => {
    ws = exampleWorkspace([]);
    const r = await retrain(["config", "check", "nope/Pulumi.dev.yaml"], { cwd: ws.root });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/error {2}nope\/Pulumi\.dev\.yaml\n.*cannot read the file/);
  });

  it("exits 2 when the workspace has no stack configs", async () => {
    ws = exampleWorkspace([]);
    const r = await retrain(["config", "check", "--root", path.join(ws.root, "stacks/iam")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: no stack configs found under .*stacks\/iam \(expected stacks\/iam\/envs/,
    );
  });
});
