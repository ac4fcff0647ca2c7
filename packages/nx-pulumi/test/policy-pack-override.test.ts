/**
 * CI's pack override: a pull request's previews run the base branch's pack and pack config, whatever
 * the Nx target (built from the pull request's tree) names.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { overridePolicyPack } from "../src/bin/policy-pack-override.js";
import { PACKAGE_DIR } from "./support/workspace.js";

const BASE = {
  RETRAIN_POLICY_PACK: "/base/pack",
  RETRAIN_POLICY_PACK_CONFIG: "/base/pack/policy-config.json",
};
const PR_PACK = ["--policy-pack", "../../policies/retrain-guard"];
const PR_CONFIG = ["--policy-pack-config", "../../policies/retrain-guard/policy-config.json"];

describe("overridePolicyPack", () => {
  it.each([
    [
      "replaces the target's pack and config",
      ["preview", "--stack", "vision", ...PR_PACK, ...PR_CONFIG],
      [
        "preview",
        "--stack",
        "vision",
        "--policy-pack",
        "/base/pack",
        "--policy-pack-config",
        BASE.RETRAIN_POLICY_PACK_CONFIG,
      ],
    ],
    [
      "replaces the --flag=value form",
      ["up", "--yes", "--policy-pack=x", "--policy-pack-config=y"],
      ["up", "--yes", "--policy-pack=/base/pack", `--policy-pack-config=${BASE.RETRAIN_POLICY_PACK_CONFIG}`],
    ],
    [
      "replaces every pack a command names (no second, weaker pack slips through)",
      ["preview", ...PR_PACK, "--policy-pack", "other", ...PR_CONFIG],
      [
        "preview",
        "--policy-pack",
        "/base/pack",
        "--policy-pack",
        "/base/pack",
        "--policy-pack-config",
        BASE.RETRAIN_POLICY_PACK_CONFIG,
      ],
    ],
    [
      "adds the pack to a preview that names none",
      ["preview", "--stack", "dev"],
      [
        "preview",
        "--stack",
        "dev",
        "--policy-pack",
        "/base/pack",
        "--policy-pack-config",
        BASE.RETRAIN_POLICY_PACK_CONFIG,
      ],
    ],
    [
      "leaves commands that run no pack alone",
      ["refresh", "--yes", "--stack", "dev"],
      ["refresh", "--yes", "--stack", "dev"],
    ],
    [
      "reads the command after the wrapper's own flags",
      ["--confirm-name", "up", "destroy", "--yes"],
      ["--confirm-name", "up", "destroy", "--yes"],
    ],
  ])("%s", (_label, args, expected) => {
    expect(overridePolicyPack(args, BASE)).toEqual(expected);
  });

  it("changes nothing without the override", () => {
    const args = ["preview", ...PR_PACK, ...PR_CONFIG];
    expect(overridePolicyPack(args, {})).toEqual(args);
  });

  it.each([
    [{ RETRAIN_POLICY_PACK: "/base/pack" }, /without RETRAIN_POLICY_PACK_CONFIG/],
    [{ RETRAIN_POLICY_PACK_CONFIG: "/base/c.json" }, /without RETRAIN_POLICY_PACK$/],
  ])("fails closed on a half override %j", (env, message) => {
    expect(() => overridePolicyPack(["preview", ...PR_PACK, ...PR_CONFIG], env)).toThrow(message);
  });
});

describe("the compiled wrapper", () => {
  const bin = path.join(PACKAGE_DIR, "dist/bin/retrain-pulumi.js");
  const built = existsSync(bin) && readFileSync(bin, "utf8").includes("overridePolicyPack");

  it.skipIf(!built)("hands pulumi the base pack (skipped until `tsc -b` built dist/bin)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "retrain-pack-override-"));
    copyFileSync(path.join(PACKAGE_DIR, "test/support/fake-pulumi.sh"), path.join(dir, "pulumi"));
    chmodSync(path.join(dir, "pulumi"), 0o755);
    const log = path.join(dir, "calls.log");
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [bin, "preview", "--stack", "vision", ...PR_PACK, ...PR_CONFIG], {
        env: { PATH: `${dir}:/usr/bin:/bin`, FAKE_PULUMI_LOG: log, ...env },
        encoding: "utf8",
      });
    expect(run(BASE).status).toBe(0);
    expect(readFileSync(log, "utf8")).toContain(
      `preview --stack vision --policy-pack /base/pack --policy-pack-config ${BASE.RETRAIN_POLICY_PACK_CONFIG}`,
    );
    const half = run({ RETRAIN_POLICY_PACK: "/base/pack" });
    expect(half.status).toBe(2);
    expect(half.stderr).toContain("RETRAIN_POLICY_PACK_CONFIG");
    expect(readFileSync(log, "utf8").trim().split("\n")).toHaveLength(1);
  });
});
