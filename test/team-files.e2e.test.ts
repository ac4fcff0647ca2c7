/**
 * A team's file as an attacker writes it, end to end through the compiled CLI (`pnpm plan` and
 * `retrain config check` as CI runs them) on temporary copies of the example workspace: each attack
 * is invalid input, exit 2, naming the file and the key; none crashes the plan.
 */
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { runPlan } from "@retrain/plan";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, type WorkspaceCopy, workspaceCopies } from "../packages/plan/test/support/workspace.js";

const CLI = path.join(REPO_ROOT, "packages/cli/dist/bin.js");
const FROM = "2026-11-30T00:00:00Z";
const team = (name: string) => `stacks/scheduling/teams/${name}/Pulumi.${name}.yaml`;

const copy = workspaceCopies();
const PLANNED = [
  "a team file turned into a link to /dev/zero",
  "a team file turned into a FIFO",
  "a second config file",
  "a dev team targeting prod",
  "an unregistered team",
  "a StackReference override",
  "keys hidden from our parser",
];

/** Replaces `rel` with a symbolic link to `target`. */
function relink(ws: WorkspaceCopy, rel: string, target: string): void {
  rmSync(path.join(ws.root, rel));
  symlinkSync(target, path.join(ws.root, rel));
}

function retrain(ws: WorkspaceCopy, args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ws.root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: run.status, stdout: run.stdout, out: `${run.stdout}\n${run.stderr}` };
}

describe("pnpm plan and config check on hostile team files", () => {
  it.each<[string, (ws: WorkspaceCopy) => void, string, RegExp]>([
    [
      "a second config file beside the team's (the old `reading 'id'` crash)",
      (ws) =>
        cpSync(
          path.join(ws.root, team("vision")),
          path.join(ws.root, "stacks/scheduling/teams/vision/Pulumi.vision.yml"),
        ),
      "stacks/scheduling/teams/vision/Pulumi.vision.yml",
      /a team folder holds exactly one file, Pulumi\.vision\.yaml; remove Pulumi\.vision\.yml/,
    ],
    [
      "a dev team targeting prod",
      (ws) => ws.editYaml(team("recsys"), (doc) => doc.setIn(["config", "scheduling:environment"], "prod")),
      team("recsys"),
      /scheduling:environment.*team "recsys" may not use environment "prod"; it is granted dev \(pool a10g\) in policies\/tenants\.yaml/,
    ],
    [
      "a pool granted to another team",
      (ws) =>
        ws.editYaml(team("vision"), (doc) => doc.setIn(["config", "scheduling:windows", 0, "pool"], "l4")),
      team("vision"),
      /scheduling:windows\[0\]\.pool.*team "vision" may not use pool "l4" of prod; it is granted prod \(pool a10g\)/,
    ],
    [
      "a StackReference override",
      (ws) =>
        ws.editYaml(team("recsys"), (doc) =>
          doc.setIn(["config", "scheduling:fleetStack"], "organization/retrain-fleet/prod"),
        ),
      team("recsys"),
      /scheduling:fleetStack.*unknown key \(allowed: team, environment, windows, notify\)/,
    ],
    [
      "an ESC environment import",
      (ws) => ws.editYaml(team("nlp"), (doc) => doc.set("environment", doc.createNode(["platform/prod"]))),
      team("nlp"),
      /top-level setting "environment" is not allowed in a team's file/,
    ],
    [
      "keys hidden from our parser behind carriage returns in a comment (Pulumi's YAML reads them)",
      (ws) =>
        ws.write(
          team("vision"),
          `${readFileSync(path.join(ws.root, team("vision")), "utf8")}  # end\r  aws:profile: team-vision\r  aws:skipCredentialsValidation: true\n`,
        ),
      team("vision"),
      /the file holds a carriage return not followed by a line feed \(U\+000D\) at line \d+, column 8: Pulumi's YAML reads it as a line break/,
    ],
    [
      "a team file turned into a link to /dev/zero (reading it would never end)",
      (ws) => relink(ws, team("vision"), "/dev/zero"),
      team("vision"),
      /is a symbolic link: a workspace file must be a regular file in the repository/,
    ],
    [
      "a team file turned into a link to another team's file",
      (ws) => relink(ws, team("vision"), "../nlp/Pulumi.nlp.yaml"),
      team("vision"),
      /is a symbolic link/,
    ],
    [
      "a team file turned into a FIFO (opening it would block)",
      (ws) => {
        rmSync(path.join(ws.root, team("recsys")));
        const made = spawnSync("mkfifo", [path.join(ws.root, team("recsys"))]);
        if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
      },
      team("recsys"),
      /is not a regular file \(a FIFO\)/,
    ],
    [
      "an unregistered team",
      (ws) => {
        ws.editYaml("policies/tenants.yaml", (doc) => doc.deleteIn(["teams", "nlp"]));
      },
      team("nlp"),
      /team "nlp" is not registered in policies\/tenants\.yaml/,
    ],
  ])("%s: exit 2 naming the file and the key", (name, attack, file, message) => {
    const ws = copy();
    attack(ws);
    const check = retrain(ws, ["config", "check"]);
    expect(check.code, check.out).toBe(2);
    expect(check.out).toContain(`error  ${file}`);
    expect(check.out).toMatch(message);
    // A full plan takes seconds: the rows that differ in kind (layout, grant, registry) run it.
    if (!PLANNED.some((p) => name.startsWith(p))) return;
    const plan = retrain(ws, ["plan", "--no-color", "--from", FROM]);
    expect(plan.out).not.toMatch(/unexpected error|TypeError/);
    expect(plan.code, plan.out).toBe(2);
    expect(plan.out).toContain(file);
    expect(plan.out).toMatch(message);
    expect(plan.stdout.trimEnd().split("\n").at(-1)).toMatch(/^Plan INVALID: .*\(exit 2\)$/);
  });
});

describe("the workspace's Pulumi organisation (retrain.json)", () => {
  it("names every StackReference of the plan, discovery and the programs alike", async () => {
    const ws = copy();
    ws.write("retrain.json", `${JSON.stringify({ pulumi: { organization: "acme" } })}\n`);
    // Platform's explicit override names its own organisation: without it, every name is derived.
    ws.editYaml("stacks/fleet/envs/dev/Pulumi.dev.yaml", (doc) => doc.deleteIn(["config", "fleet:iamStack"]));
    // In-process, from this repository's folder: the programs find the copy's retrain.json from
    // their own folder, as Pulumi (which runs them in it) would.
    const report = await runPlan({ workspace: ws.root, from: new Date(FROM) });
    expect(report.errors).toEqual([]);
    expect(report.summary.exitCode).toBe(0);
    const refs = report.stacks.flatMap((s) =>
      s.resources.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.name),
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const name of refs) expect(name).toMatch(/^acme\/retrain-(iam|fleet)\/(dev|prod)$/);
  });
});
