/** createNodes / createDependencies on the fixture workspace, without spawning Nx. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CreateNodesContext, ProjectConfiguration } from "@nx/devkit";
import { describe, expect, it } from "vitest";
import { createDependencies, createNodes, createNodesV2, STACK_CONFIG_GLOB } from "../src/plugin.js";
import { FIXTURE } from "./support/workspace.js";

const CONFIG_FILES = [
  "stacks/fleet/envs/dev/Pulumi.dev.yaml",
  "stacks/fleet/envs/prod/Pulumi.prod.yaml",
  "stacks/iam/envs/dev/Pulumi.dev.yaml",
  "stacks/iam/envs/prod/Pulumi.prod.yaml",
  "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml",
  "stacks/scheduling/teams/vision/Pulumi.vision.yaml",
];

const context = (workspaceRoot: string): CreateNodesContext => ({ workspaceRoot, nxJsonConfiguration: {} });

async function projectsOf(workspaceRoot: string, files = CONFIG_FILES) {
  const results = await createNodes[1](files, undefined, context(workspaceRoot));
  return Object.fromEntries(
    results.flatMap(([, r]) =>
      Object.entries(r.projects ?? {}).map(([root, p]) => [root, { ...p, root }] as const),
    ),
  ) as Record<string, ProjectConfiguration>;
}

describe("createNodes", () => {
  it("matches the config files of the layout only", () => {
    expect(STACK_CONFIG_GLOB).toBe("stacks/*/{envs,teams}/*/Pulumi.*.{yaml,yml}");
  });

  it("makes one project per stack config folder, named <kind>-<stack>", async () => {
    const projects = await projectsOf(FIXTURE);
    expect(Object.fromEntries(Object.entries(projects).map(([root, p]) => [root, p.name]))).toEqual({
      "stacks/fleet/envs/dev": "fleet-dev",
      "stacks/fleet/envs/prod": "fleet-prod",
      "stacks/iam/envs/dev": "iam-dev",
      "stacks/iam/envs/prod": "iam-prod",
      "stacks/scheduling/teams/nlp": "scheduling-nlp",
      "stacks/scheduling/teams/vision": "scheduling-vision",
    });
  });

  it("gives every stack the Pulumi targets, run from the program folder, never cached except plan", async () => {
    const vision = (await projectsOf(FIXTURE))["stacks/scheduling/teams/vision"]!;
    const targets = vision.targets ?? {};
    expect(Object.keys(targets).sort()).toEqual(["destroy", "init", "plan", "preview", "refresh", "up"]);
    for (const name of ["preview", "up", "refresh", "destroy"]) {
      expect(targets[name]?.cache, name).toBe(false);
      expect(targets[name]?.options.cwd, name).toBe("stacks/scheduling");
      expect(targets[name]?.options.command, name).toMatch(
        /^node \S*packages\/nx-pulumi\/dist\/bin\/retrain-pulumi\.js .*--stack vision --config-file teams\/vision\/Pulumi\.vision\.yaml/,
      );
    }
    expect(targets.preview?.options.command).toContain(" preview --stack");
    expect(targets.preview?.options.command).toMatch(/--policy-pack \.\.\/\.\.\/policies\/retrain-guard$/);
    expect(targets.up?.options.command).toContain(" up --yes --stack");
    expect(targets.up?.options.command).toContain("--policy-pack ../../policies/retrain-guard");
    expect(targets.up?.dependsOn).toEqual(["init", "^up"]);
    expect(targets.init?.options.command).toMatch(/retrain-pulumi\.js stack select --create vision$/);
    expect(targets.destroy?.options.command).toContain("--confirm-name scheduling-vision destroy --yes");
    expect(targets.plan).toMatchObject({
      cache: true,
      outputs: ["{workspaceRoot}/.plan/scheduling-vision.json"],
    });
    expect(targets.plan?.executor).toBe("@retrain/nx-pulumi:plan");
    expect(targets.plan?.options).toEqual({
      stack: "scheduling/vision",
      output: ".plan/scheduling-vision.json",
    });
    expect(targets.plan?.dependsOn).toEqual([
      { projects: ["@retrain/cli", "retrain-guard"], target: "build" },
    ]);
    expect(targets.plan?.inputs).toEqual(
      expect.arrayContaining([
        "{projectRoot}/**/*",
        "^production",
        "{workspaceRoot}/policies/retrain-guard/src/**/*",
        "{workspaceRoot}/stacks/scheduling/src/**/*",
        "{workspaceRoot}/policies/tenants.yaml",
      ]),
    );
  });

  it("records the upstream stacks from the StackReferences in the project metadata", async () => {
    const projects = await projectsOf(FIXTURE);
    const upstream = (root: string) =>
      (projects[root]!.metadata as { retrainStack: { upstream: string[] } }).retrainStack.upstream;
    expect(upstream("stacks/iam/envs/dev")).toEqual([]);
    expect(upstream("stacks/fleet/envs/dev")).toEqual(["iam-dev"]);
    expect(upstream("stacks/scheduling/teams/vision")).toEqual(["iam-prod", "fleet-prod"]);
  });

  it("keeps a team whose config is invalid as a project, with the error in its metadata", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "nx-pulumi-unit-"));
    try {
      cpSync(FIXTURE, root, { recursive: true });
      writeFileSync(
        path.join(root, "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml"),
        "config:\n  scheduling:team: 42\n",
      );
      const nlp = (await projectsOf(root))["stacks/scheduling/teams/nlp"];
      expect(nlp?.name).toBe("scheduling-nlp");
      expect(Object.keys(nlp?.targets ?? {})).toContain("preview");
      expect((nlp!.metadata as { retrainStack: { configError: string } }).retrainStack.configError).toMatch(
        /stacks\/scheduling\/teams\/nlp\/Pulumi\.nlp\.yaml/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  it.each<[string, string, string, RegExp]>([
    [
      "an environment the registry does not grant",
      "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml",
      "scheduling:environment: prod",
      /invalid config in stacks\/scheduling\/teams\/nlp\/Pulumi\.nlp\.yaml:\n {2}- scheduling:environment \(line 4:3\): team "nlp" may not use environment "prod"; it is granted dev \(pool a10g\) in policies\/tenants\.yaml/,
    ],
    [
      "a StackReference override",
      "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml",
      "scheduling:environment: dev\n  scheduling:fleetStack: organization/retrain-fleet/prod",
      /- scheduling:fleetStack \(line 5:3\): unknown key \(allowed: team, environment, windows, notify\)/,
    ],
  ])(
    "puts the config error of %s in the project's metadata, naming file, key and line",
    async (_n, file, replacement, message) => {
      const root = mkdtempSync(path.join(tmpdir(), "nx-pulumi-unit-"));
      try {
        cpSync(FIXTURE, root, { recursive: true });
        const abs = path.join(root, file);
        writeFileSync(abs, readFileSync(abs, "utf8").replace("scheduling:environment: dev", replacement));
        const results = await createNodesV2[1]([file], undefined, context(root));
        const nlp = results[0]?.[1].projects?.["stacks/scheduling/teams/nlp"];
        expect(nlp?.name).toBe("scheduling-nlp");
        expect((nlp!.metadata as { retrainStack: { configError: string } }).retrainStack.configError).toMatch(
          message,
        );
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );

  it("reports a second config file in a team folder by its name", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "nx-pulumi-unit-"));
    try {
      cpSync(FIXTURE, root, { recursive: true });
      const yml = "stacks/scheduling/teams/nlp/Pulumi.nlp.yml";
      cpSync(path.join(root, "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml"), path.join(root, yml));
      const results = await createNodesV2[1]([...CONFIG_FILES, yml], undefined, context(root));
      const errors = results.flatMap(([file, r]) =>
        Object.values(r.projects ?? {}).map((p) => [
          file,
          (p.metadata as { retrainStack: { configError?: string } }).retrainStack.configError,
        ]),
      );
      expect(errors).toContainEqual([
        yml,
        expect.stringMatching(
          /Pulumi\.nlp\.yml:\n {2}- a team folder holds exactly one file, Pulumi\.nlp\.yaml; remove Pulumi\.nlp\.yml/,
        ),
      ]);
      expect(errors).toContainEqual([
        "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml",
        expect.stringMatching(/holds other entries \(Pulumi\.nlp\.yml\)/),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("passes the workspace's pack config to preview and up when it exists, the file pnpm plan reads", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "nx-pulumi-unit-"));
    try {
      cpSync(FIXTURE, root, { recursive: true });
      const before = (await projectsOf(root))["stacks/iam/envs/dev"]!.targets ?? {};
      expect(before.preview?.options.command).not.toContain("--policy-pack-config");

      mkdirSync(path.join(root, "policies/retrain-guard"), { recursive: true });
      writeFileSync(path.join(root, "policies/retrain-guard/policy-config.json"), '{ "all": "mandatory" }\n');
      const after = (await projectsOf(root))["stacks/iam/envs/dev"]!.targets ?? {};
      const flag =
        "--policy-pack ../../policies/retrain-guard --policy-pack-config ../../policies/retrain-guard/policy-config.json";
      expect(after.preview?.options.command).toMatch(new RegExp(`${flag.replaceAll(".", "\\.")}$`));
      expect(after.up?.options.command).toContain(flag);
      expect(after.refresh?.options.command).not.toContain("--policy-pack");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("createDependencies", () => {
  it("links each stack to its program project and to the stacks it references", async () => {
    const stackProjects = Object.values(await projectsOf(FIXTURE));
    const programs: ProjectConfiguration[] = ["iam", "fleet", "scheduling"].map((k) => ({
      root: `stacks/${k}`,
      name: `@retrain/stack-${k}`,
    }));
    const projects = Object.fromEntries([...stackProjects, ...programs].map((p) => [p.name!, p]));
    const deps = await createDependencies(undefined, {
      workspaceRoot: FIXTURE,
      projects,
      nxJsonConfiguration: {},
      externalNodes: {},
      fileMap: { projectFileMap: {}, nonProjectFiles: [] },
      filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
    });
    const edges = deps.map((d) => `${d.source} -> ${d.target}`).sort();
    expect(edges).toEqual([
      "fleet-dev -> @retrain/stack-fleet",
      "fleet-dev -> iam-dev",
      "fleet-prod -> @retrain/stack-fleet",
      "fleet-prod -> iam-prod",
      "iam-dev -> @retrain/stack-iam",
      "iam-prod -> @retrain/stack-iam",
      "scheduling-nlp -> @retrain/stack-scheduling",
      "scheduling-nlp -> fleet-dev",
      "scheduling-nlp -> iam-dev",
      "scheduling-vision -> @retrain/stack-scheduling",
      "scheduling-vision -> fleet-prod",
      "scheduling-vision -> iam-prod",
    ]);
    for (const d of deps)
      expect(d).toMatchObject({ type: "static", sourceFile: expect.stringMatching(/Pulumi\.\w+\.yaml$/) });
  });
});
