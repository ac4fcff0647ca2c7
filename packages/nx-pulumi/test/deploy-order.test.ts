/**
 * What the Nx targets actually run, recorded by a fake `pulumi` on PATH: deploy order along the
 * StackReferences, no re-deploy of unaffected upstream stacks, the commands and folders used.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath } from "../src/pulumi-cli.js";
import { NX_ENV, type PulumiCall, REPO_ROOT, TempWorkspace } from "./support/workspace.js";

/** The compiled CI helper deploy.yml and pr.yml run (@retrain/workspace-tools). */
const DEPLOY_MATRIX = path.join(REPO_ROOT, "packages/workspace-tools/dist/bin/deploy-matrix.js");

let ws: TempWorkspace;
let pulumiEnv: { PATH: string; FAKE_PULUMI_LOG: string };
beforeAll(() => {
  ws = TempWorkspace.create();
  pulumiEnv = ws.fakePulumi();
});
afterAll(() => ws?.dispose());

/** Upstream stacks of each fixture stack (its StackReferences). */
const UPSTREAM: Record<string, string[]> = {
  "iam-dev": [],
  "iam-prod": [],
  "fleet-dev": ["iam-dev"],
  "fleet-prod": ["iam-prod"],
  "scheduling-nlp": ["iam-dev", "fleet-dev"],
  "scheduling-vision": ["iam-prod", "fleet-prod"],
};

/** Fails unless every call comes after the calls of the upstream stacks that ran too. */
function expectDependencyOrder(calls: PulumiCall[]): void {
  const position = new Map(calls.map((c, i) => [c.project, i]));
  for (const [i, call] of calls.entries()) {
    for (const upstream of UPSTREAM[call.project] ?? []) {
      const at = position.get(upstream);
      if (at !== undefined) expect(at, `${upstream} must deploy before ${call.project}`).toBeLessThan(i);
    }
  }
}

const append = (line: string) => (text: string) => `${text}${line}\n`;

function run(args: string[], env: NodeJS.ProcessEnv = pulumiEnv) {
  const r = ws.nx(args, env);
  if (r.status !== 0) throw new Error(`nx ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

describe("deploy order and commands", () => {
  it("nx run-many -t up deploys every stack, iam before fleet before scheduling", () => {
    ws.git("checkout", "-q", "main");
    run(["run-many", "-t", "up"]);
    const calls = ws.takeCalls();
    const ups = calls.filter((c) => c.command === "up");
    expect(ups.map((c) => c.project).sort()).toEqual(Object.keys(UPSTREAM).sort());
    expectDependencyOrder(ups);
    // `up` depends on `init` (stack select --create): each stack exists in the backend before its update.
    for (const [i, c] of calls.entries()) {
      if (c.command !== "up") continue;
      const init = calls.findIndex((x) => x.command === "stack select" && x.project === c.project);
      expect(init, `init of ${c.project}`).toBeGreaterThanOrEqual(0);
      expect(init).toBeLessThan(i);
    }
    expect(calls.length).toBe(12);
  });

  it("affected up with --exclude-task-dependencies deploys only affected stacks, in order across levels", () => {
    ws.scenario("iam-dev-change", {
      "stacks/iam/envs/dev/Pulumi.dev.yaml": append("  iam:logRetentionDays: 14"),
    });
    run(["affected", "-t", "up", "--exclude-task-dependencies", `--base=${ws.base}`, "--head=HEAD"]);
    const calls = ws.takeCalls();
    expect(calls.map((c) => c.project)).toEqual(["iam-dev", "fleet-dev", "scheduling-nlp"]);
    expect(calls.map((c) => c.cwd)).toEqual(["stacks/iam", "stacks/fleet", "stacks/scheduling"]);
    // deploy.yml's fan-out puts the same stacks in the same order, one level per job.
    const outputs = path.join(ws.root, "github-output");
    const matrix = spawnSync(process.execPath, [DEPLOY_MATRIX, `--base=${ws.base}`], {
      cwd: ws.root,
      encoding: "utf8",
      env: { ...process.env, ...NX_ENV, NX_BASE: ws.base, NX_HEAD: "HEAD", GITHUB_OUTPUT: outputs },
    });
    expect(matrix.status, matrix.stderr).toBe(0);
    expect(readFileSync(outputs, "utf8").split("\n").filter(Boolean)).toEqual([
      'level0=[{"stack":"iam-dev","projects":"iam-dev","environment":"dev"}]',
      'level1=[{"stack":"fleet-dev","projects":"fleet-dev","environment":"dev"}]',
      'level2=[{"stack":"scheduling-nlp","projects":"scheduling-nlp","environment":"dev"}]',
      "any=true",
    ]);
    // pr.yml's previews: the same stacks, one job for their one environment.
    const previewOutputs = path.join(ws.root, "github-output-preview");
    const preview = spawnSync(process.execPath, [DEPLOY_MATRIX, "--preview", `--base=${ws.base}`], {
      cwd: ws.root,
      encoding: "utf8",
      env: { ...process.env, ...NX_ENV, NX_HEAD: "HEAD", GITHUB_OUTPUT: previewOutputs },
    });
    expect(preview.status, preview.stderr).toBe(0);
    expect(readFileSync(previewOutputs, "utf8").split("\n").filter(Boolean)).toEqual([
      'environments=[{"environment":"dev","projects":"fleet-dev,iam-dev,scheduling-nlp"}]',
      "any=true",
    ]);
    expect(calls[0]?.args).toEqual([
      "up",
      "--yes",
      "--stack",
      "dev",
      "--config-file",
      "envs/dev/Pulumi.dev.yaml",
      "--policy-pack",
      "../../policies/retrain-guard",
    ]);
  });

  it("a team-only change deploys only that team; without the flag Nx would re-run upstream up", () => {
    ws.scenario("vision-change", {
      "stacks/scheduling/teams/vision/Pulumi.vision.yaml": (t) => t.replace("--model vision", "--model vit"),
    });
    run(["affected", "-t", "up", "--exclude-task-dependencies", `--base=${ws.base}`, "--head=HEAD"]);
    expect(ws.takeCalls().map((c) => c.project)).toEqual(["scheduling-vision"]);

    // Why deploy.yml passes the flag: `^up` pulls in the unaffected upstream stacks otherwise.
    run(["affected", "-t", "up", `--base=${ws.base}`, "--head=HEAD"]);
    const withDeps = ws.takeCalls().filter((c) => c.command === "up");
    expect(withDeps.map((c) => c.project).sort()).toEqual(["fleet-prod", "iam-prod", "scheduling-vision"]);
    expectDependencyOrder(withDeps);
  });

  it("deploy.yml's job command creates and deploys only the job's stacks", () => {
    ws.git("checkout", "-q", "main");
    run([
      "run-many",
      "-t",
      "init,up",
      "--projects=fleet-prod",
      "--exclude-task-dependencies",
      "--parallel=1",
    ]);
    expect(ws.takeCalls().map((c) => `${c.command} ${c.project}`)).toEqual([
      "stack select fleet-prod",
      "up fleet-prod",
    ]);
  });

  it("preview runs from the program folder with the stack's config file and the policy pack", () => {
    ws.git("checkout", "-q", "main");
    run(["run", "scheduling-vision:preview"]);
    const [call] = ws.takeCalls();
    expect(call?.cwd).toBe("stacks/scheduling");
    expect(call?.args).toEqual([
      "preview",
      "--stack",
      "vision",
      "--config-file",
      "teams/vision/Pulumi.vision.yaml",
      "--policy-pack",
      "../../policies/retrain-guard",
    ]);
  });

  it("pr.yml's preview command runs the base branch's pack and config, not the workspace's", () => {
    ws.git("checkout", "-q", "main");
    run(["run-many", "-t", "preview", "--projects=scheduling-vision,iam-prod", "--parallel=1"], {
      ...pulumiEnv,
      RETRAIN_POLICY_PACK: "/runner/temp/base-pack/policies/retrain-guard",
      RETRAIN_POLICY_PACK_CONFIG: "/runner/temp/base-pack/policies/retrain-guard/policy-config.json",
    });
    const calls = ws.takeCalls();
    expect(calls.map((c) => c.project).sort()).toEqual(["iam-prod", "scheduling-vision"]);
    for (const call of calls) {
      const packs = call.args.flatMap((a, i) => (a === "--policy-pack" ? [call.args[i + 1]] : []));
      expect(packs, call.project).toEqual(["/runner/temp/base-pack/policies/retrain-guard"]);
      expect(call.args.join(" ")).toContain(
        "--policy-pack-config /runner/temp/base-pack/policies/retrain-guard/policy-config.json",
      );
    }
  });

  it("deploy.yml's init creates a stack with the environment's KMS secrets provider", () => {
    ws.git("checkout", "-q", "main");
    const kms = "awskms://alias/retrain-prod-state?region=eu-west-1";
    run(["run-many", "-t", "init", "--projects=fleet-prod", "--parallel=1"], {
      ...pulumiEnv,
      RETRAIN_SECRETS_PROVIDER: kms,
    });
    const [call, ...rest] = ws.takeCalls();
    expect(rest).toEqual([]);
    expect(call?.args).toEqual(["stack", "select", "--create", "prod", "--secrets-provider", kms]);
  });

  it("destroy refuses without confirmation and runs once confirmed with the project name", () => {
    ws.git("checkout", "-q", "main");
    const refused = ws.nx(["run", "fleet-dev:destroy"], pulumiEnv);
    expect(refused.status).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toContain("--confirm=fleet-dev");
    expect(ws.takeCalls()).toEqual([]);

    run(["run", "fleet-dev:destroy", "--confirm=fleet-dev"]);
    const [call] = ws.takeCalls();
    expect(call?.args).toEqual([
      "destroy",
      "--yes",
      "--stack",
      "dev",
      "--config-file",
      "envs/dev/Pulumi.dev.yaml",
    ]);
  });

  // Only node's folder and the shell's: no pulumi, fake or real (unless one is installed system-wide).
  const bare = [path.dirname(process.execPath), "/bin", "/usr/bin"].join(path.delimiter);
  const systemPulumi = findOnPath("pulumi", { PATH: bare });
  if (systemPulumi) console.log(`skipping the missing-CLI test: ${systemPulumi} is installed system-wide`);

  it.skipIf(systemPulumi !== undefined)(
    "preview without the Pulumi CLI fails at once, saying how to install it and pointing to pnpm plan",
    () => {
      ws.git("checkout", "-q", "main");
      const r = ws.nx(["run", "iam-dev:preview"], { PATH: bare, FAKE_PULUMI_LOG: pulumiEnv.FAKE_PULUMI_LOG });
      const output = `${r.stdout}${r.stderr}`;
      expect(r.status).not.toBe(0);
      expect(output).toContain("https://www.pulumi.com/docs/install/");
      expect(output).toContain("pnpm plan");
      expect(ws.takeCalls()).toEqual([]);
    },
  );
});
