/**
 * `nx affected -t up` when a deploy fails, with a fake `pulumi` on PATH that records every call and
 * fails the update of one stack: Nx never starts the deploy of a stack whose upstream failed, and
 * with --nx-bail --parallel=1 it stops at the first failing stack. Uses nx-pulumi's temp workspace
 * (its fixture: iam, fleet and two teams in a git repository, wired to the compiled plugin).
 */
import { copyFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PulumiCall, TempWorkspace } from "../packages/nx-pulumi/test/support/workspace.js";

const FAILING_PULUMI = fileURLToPath(new URL("./support/failing-pulumi.sh", import.meta.url));

let ws: TempWorkspace;
let env: NodeJS.ProcessEnv;
let base: string;
beforeAll(() => {
  ws = TempWorkspace.create();
  const fake = ws.fakePulumi();
  // Same log, same PATH entry: the recording fake replaced by one that can fail.
  copyFileSync(FAILING_PULUMI, path.join(ws.root, "bin", "pulumi"));
  env = { ...fake, FAKE_PULUMI_FAIL: "iam dev" };
  const append = (line: string) => (text: string) => `${text}${line}\n`;
  // Both environments' IAM changed: iam-dev (fails) with its dependents, and the independent iam-prod chain.
  ws.scenario("both-iam-changed", {
    "stacks/iam/envs/dev/Pulumi.dev.yaml": append("  iam:logRetentionDays: 14"),
    "stacks/iam/envs/prod/Pulumi.prod.yaml": append("  iam:logRetentionDays: 14"),
  });
  base = ws.base;
});
afterAll(() => ws?.dispose());

const ups = (calls: PulumiCall[]) => calls.filter((c) => c.command === "up").map((c) => c.project);

describe("nx affected -t up with a failing stack", () => {
  it("never starts a deploy whose upstream failed, and exits non-zero", () => {
    ws.takeCalls();
    const r = ws.nx(
      ["affected", "-t", "up", "--exclude-task-dependencies", `--base=${base}`, "--head=HEAD"],
      env,
    );
    expect(r.status, `${r.stdout}\n${r.stderr}`).not.toBe(0);
    const deployed = ups(ws.takeCalls());
    expect(deployed).toContain("iam-dev");
    // Downstream of iam-dev: never started.
    expect(deployed).not.toContain("fleet-dev");
    expect(deployed).not.toContain("scheduling-nlp");
    // The independent prod chain is not held back by the dev failure.
    expect(deployed).toEqual(expect.arrayContaining(["iam-prod", "fleet-prod", "scheduling-vision"]));
  });

  it("with --nx-bail --parallel=1 stops at the first failing stack", () => {
    ws.takeCalls();
    const r = ws.nx(
      [
        "affected",
        "-t",
        "up",
        "--exclude-task-dependencies",
        "--nx-bail",
        "--parallel=1",
        `--base=${base}`,
        "--head=HEAD",
      ],
      env,
    );
    expect(r.status).not.toBe(0);
    const deployed = ups(ws.takeCalls());
    const failedAt = deployed.indexOf("iam-dev");
    expect(failedAt, deployed.join(", ")).toBeGreaterThanOrEqual(0);
    // Nothing after the failure.
    expect(deployed.slice(failedAt + 1)).toEqual([]);
  });

  it("the same change deploys everything in order once the stack is fixed", () => {
    ws.takeCalls();
    const r = ws.nx(
      ["affected", "-t", "up", "--exclude-task-dependencies", `--base=${base}`, "--head=HEAD"],
      {
        ...env,
        FAKE_PULUMI_FAIL: "",
      },
    );
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const deployed = ups(ws.takeCalls());
    expect(deployed.sort()).toEqual([
      "fleet-dev",
      "fleet-prod",
      "iam-dev",
      "iam-prod",
      "scheduling-nlp",
      "scheduling-vision",
    ]);
  });
});
