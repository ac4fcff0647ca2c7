/** The `retrain-pulumi` wrapper: argument handling, the destroy guard, the missing-CLI message. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type WorkspaceCopy, workspaceCopies } from "../../plan/test/support/workspace.js";
import { configRefusal, destroyRefusal, findOnPath, parseInvocation } from "../src/pulumi-cli.js";
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

  it.skipIf(!existsSync(bin))(
    "exits 2 on a team file with a key it may not set, before looking for pulumi",
    () => {
      const ws = workspaceCopies()();
      ws.editYaml("stacks/scheduling/teams/vision/Pulumi.vision.yaml", (doc) =>
        doc.setIn(["config", "scheduling:iamStack"], "organization/retrain-iam/prod"),
      );
      const r = spawnSync(
        process.execPath,
        [bin, "preview", "--stack", "vision", "--config-file", "teams/vision/Pulumi.vision.yaml"],
        { cwd: path.join(ws.root, "stacks/scheduling"), env: { PATH: bare }, encoding: "utf8" },
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(
        /stacks\/scheduling\/teams\/vision\/Pulumi\.vision\.yaml scheduling:iamStack \(line/,
      );
      expect(r.stderr).not.toContain("https://www.pulumi.com/docs/install/");
    },
  );
});

describe("configRefusal: preview and up refuse an invalid stack config with exit 2", () => {
  const copy = workspaceCopies();
  const vision = "stacks/scheduling/teams/vision/Pulumi.vision.yaml";
  const args = (command: string) => [
    command,
    "--stack",
    "vision",
    "--config-file",
    `teams/vision/Pulumi.vision.yaml`,
  ];

  it.each(["preview", "up"])("%s of a valid file goes on to Pulumi", async (command) => {
    const ws = copy();
    expect(await configRefusal(args(command), path.join(ws.root, "stacks/scheduling"))).toBeUndefined();
  });

  it.each<[string, (ws: WorkspaceCopy) => void, RegExp]>([
    [
      "a pool the team is not granted",
      (ws) => ws.editYaml(vision, (doc) => doc.setIn(["config", "scheduling:windows", 0, "pool"], "l4")),
      /scheduling:windows\[0\]\.pool \(line \d+:\d+\): .*vision/,
    ],
    [
      "a top-level setting in a team's file",
      (ws) => ws.editYaml(vision, (doc) => doc.set("encryptionsalt", "v1:abc")),
      /\(line \d+:\d+\): top-level setting "encryptionsalt"/,
    ],
  ])("%s", async (_name, edit, problem) => {
    const ws = copy();
    edit(ws);
    for (const command of ["preview", "up", "update"]) {
      const refusal = await configRefusal(args(command), path.join(ws.root, "stacks/scheduling"));
      expect(refusal).toContain(`retrain-pulumi: ${vision} is invalid; nothing was previewed or deployed`);
      expect(refusal).toMatch(new RegExp(`${vision.replace(/[./]/g, "\\$&")} ${problem.source}`));
    }
    // Commands that run no program, and destroy (a broken file must not block tearing a stack down).
    for (const command of ["refresh", "destroy", "stack"])
      expect(await configRefusal(args(command), path.join(ws.root, "stacks/scheduling"))).toBeUndefined();
  });

  // What `nx run scheduling-vision:preview -- <extra>` hands over: the target's arguments, then the user's.
  it.each<[string[], string | undefined]>([
    [[], undefined],
    [["--yes", "--diff", "-s", "vision", "--config-path", "--parallel", "-1"], undefined],
    [["--config-file", "other.yaml"], "--config-file is given 2 times"],
    [["--config-file=other.yaml"], "--config-file is given 2 times"],
    [["-c", "scheduling:team=nlp"], "-c would bypass"],
    [["-cscheduling:team=nlp"], "-cscheduling:team=nlp would bypass"],
    [["-c=scheduling:team=nlp"], "-c=scheduling:team=nlp would bypass"],
    [["--config", "scheduling:team=nlp"], "--config would bypass"],
    [["--config=scheduling:team=nlp"], "--config=scheduling:team=nlp would bypass"],
    [["-yc", "scheduling:team=nlp"], "-yc would bypass"],
    [["-C", "../fleet"], "-C would bypass"],
    [["-C../fleet"], "-C../fleet would bypass"],
    [["--cwd", "../fleet"], "--cwd would bypass"],
    [["--cwd=../fleet"], "--cwd=../fleet would bypass"],
    // A value letter first: the rest of the cluster is its value (`-s` stack, `-m` message).
    [["-mcheck"], undefined],
  ])("extra arguments %j: refused %j", async (extra, refused) => {
    const ws = copy();
    const cwd = path.join(ws.root, "stacks/scheduling");
    for (const command of ["preview", "up", "update"]) {
      const refusal = await configRefusal([...args(command), ...extra], cwd);
      if (refused === undefined) expect(refusal).toBeUndefined();
      else {
        expect(refusal).toContain(`retrain-pulumi: refusing to ${command}: ${refused}`);
        expect(refusal).toContain("nothing was previewed or deployed");
        expect(refusal).toContain("Edit the stack's config file instead");
      }
    }
    // Commands that run no program pass anything through, as before.
    expect(
      await configRefusal(["refresh", "--yes", ...args("refresh").slice(1), ...extra], cwd),
    ).toBeUndefined();
  });

  it("refuses a second --config-file even when both files are valid and the first is the team's", async () => {
    const ws = copy();
    const refusal = await configRefusal(
      [...args("up"), "--yes", "--config-file", "teams/nlp/Pulumi.nlp.yaml"],
      path.join(ws.root, "stacks/scheduling"),
    );
    expect(refusal).toMatch(
      /^retrain-pulumi: refusing to up: --config-file is given 2 times \(Pulumi would use the last one\)/,
    );
  });
});
