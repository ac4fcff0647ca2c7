/** The `retrain-pulumi` wrapper: argument handling, the destroy guard, the missing-CLI message. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { destroyRefusal, findOnPath, parseInvocation } from "../src/pulumi-cli.js";
import { PACKAGE_DIR } from "./support/workspace.js";

describe("parseInvocation", () => {
  it.each([
    [["preview", "--stack", "dev"], { pulumiArgs: ["preview", "--stack", "dev"] }],
    [
      ["--confirm-name", "iam-dev", "destroy", "--yes", "--confirm=iam-dev"],
      { confirmName: "iam-dev", confirmGiven: "iam-dev", pulumiArgs: ["destroy", "--yes"] },
    ],
    [
      ["destroy", "--confirm", "x", "--stack", "s"],
      { confirmGiven: "x", pulumiArgs: ["destroy", "--stack", "s"] },
    ],
  ])("%j", (argv, expected) => {
    expect(parseInvocation(argv)).toEqual(expected);
  });

  it("rejects a flag without its value", () => {
    expect(() => parseInvocation(["destroy", "--confirm"])).toThrow("--confirm needs a value");
  });
});

describe("destroyRefusal", () => {
  const destroy = (extra: string[]) =>
    parseInvocation(["--confirm-name", "fleet-dev", "destroy", "--yes", ...extra]);
  it.each([
    ["no confirmation", destroy([]), {}, true],
    ["the wrong project", destroy(["--confirm=fleet-prod"]), {}, true],
    ["the right project", destroy(["--confirm=fleet-dev"]), {}, false],
    ["the env var", destroy([]), { RETRAIN_CONFIRM_DESTROY: "iam-dev, fleet-dev" }, false],
    ["the env var naming others", destroy([]), { RETRAIN_CONFIRM_DESTROY: "iam-dev" }, true],
    ["a command other than destroy", parseInvocation(["up", "--yes"]), {}, false],
  ])("%s", (_label, inv, env, refused) => {
    const refusal = destroyRefusal(inv, env);
    expect(refusal !== undefined).toBe(refused);
    if (refusal) expect(refusal).toContain("nx run fleet-dev:destroy --confirm=fleet-dev");
  });
});

describe("the compiled wrapper", () => {
  const bin = path.join(PACKAGE_DIR, "dist/bin/retrain-pulumi.js");
  const bare = path.dirname(process.execPath);
  const pulumiInBare = findOnPath("pulumi", { PATH: bare });

  it.skipIf(pulumiInBare !== undefined || !existsSync(bin))(
    "exits at once with install help when pulumi is missing",
    () => {
      const r = spawnSync(process.execPath, [bin, "preview", "--stack", "dev"], {
        env: { PATH: bare },
        encoding: "utf8",
      });
      expect(r.status).toBe(127);
      expect(r.stderr).toContain("https://www.pulumi.com/docs/install/");
      expect(r.stderr).toContain("pnpm plan");
    },
  );
});
