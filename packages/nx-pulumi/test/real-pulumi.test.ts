/**
 * `nx run iam-dev:preview` for real: the Pulumi CLI, a logged-in backend with the stack and AWS
 * credentials must all be present. Otherwise the test says which is missing and skips.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findOnPath } from "../src/pulumi-cli.js";
import { NX_ENV, REPO_ROOT } from "./support/workspace.js";

const PROJECT = "iam-dev";
const PROGRAM = path.join(REPO_ROOT, "stacks/iam");

function missing(): string | undefined {
  const pulumi = findOnPath("pulumi");
  if (pulumi === undefined) return "the pulumi CLI is not on PATH (https://www.pulumi.com/docs/install/)";
  const env = process.env;
  const home = homedir();
  const backend =
    env.PULUMI_BACKEND_URL ||
    env.PULUMI_ACCESS_TOKEN ||
    existsSync(path.join(home, ".pulumi/credentials.json"));
  if (!backend) return "no Pulumi backend: run `pulumi login` (--local, s3://..., or Pulumi Cloud)";
  const aws =
    env.AWS_ACCESS_KEY_ID ||
    env.AWS_PROFILE ||
    env.AWS_WEB_IDENTITY_TOKEN_FILE ||
    existsSync(path.join(home, ".aws/credentials")) ||
    existsSync(path.join(home, ".aws/config"));
  if (!aws) return "no AWS credentials (environment, profile or ~/.aws)";
  if (!existsSync(path.join(PROGRAM, "envs/dev/Pulumi.dev.yaml")))
    return "stacks/iam/envs/dev/Pulumi.dev.yaml is missing";
  const stacks = spawnSync(pulumi, ["stack", "ls", "--json"], { cwd: PROGRAM, encoding: "utf8" });
  if (stacks.status !== 0) return `\`pulumi stack ls\` failed in stacks/iam: ${stacks.stderr.trim()}`;
  const names = (JSON.parse(stacks.stdout) as { name: string }[]).map((s) => s.name.split("/").pop());
  if (!names.includes("dev"))
    return "stack dev of retrain-iam does not exist: cd stacks/iam && pulumi stack init dev";
  return undefined;
}

const reason = missing();
if (reason) console.log(`skipping the real Pulumi preview: ${reason}`);

describe("the real Pulumi CLI", () => {
  it.skipIf(reason !== undefined)(`nx run ${PROJECT}:preview previews the stack with the policy pack`, () => {
    const r = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, "node_modules/nx/dist/bin/nx.js"), "run", `${PROJECT}:preview`],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env: { ...process.env, ...NX_ENV },
        timeout: 600_000,
      },
    );
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/Policies:|retrain-guard/);
  });
});
