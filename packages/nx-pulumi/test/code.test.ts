/** The code-project plugin: build/typecheck/test/lint targets inferred from each project's files. */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { CreateNodesContext } from "@nx/devkit";
import { describe, expect, it } from "vitest";
import { CODE_PROJECT_GLOB, codeTargets, createNodes } from "../src/code.js";
import { NX_ENV, REPO_ROOT } from "./support/workspace.js";

const only =
  (...files: string[]) =>
  (f: string) =>
    files.includes(f);

describe("codeTargets", () => {
  it.each([
    {
      kind: "a compiled package with tests",
      root: "packages/schedule",
      files: ["tsconfig.json", "tsconfig.check.json", "test"],
      targets: ["build", "lint", "test", "typecheck"],
      testDependsOn: ["build", "^build"],
    },
    {
      kind: "a stack program (tsx, no build) with tests",
      root: "stacks/iam",
      files: ["tsconfig.check.json", "test"],
      targets: ["lint", "test", "typecheck"],
      testDependsOn: ["^build"],
    },
    {
      kind: "a package without tests or check config",
      root: "packages/x",
      files: ["tsconfig.json"],
      targets: ["build", "lint"],
    },
  ])("$kind gets $targets", ({ root, files, targets, testDependsOn }) => {
    const t = codeTargets(root, only(...files));
    expect(Object.keys(t).sort()).toEqual(targets);
    for (const target of Object.values(t)) {
      expect(target.cache).toBe(true);
      expect(target.options.cwd).toBe("{workspaceRoot}");
    }
    expect(t.lint?.options.command).toBe(`biome check ${root}`);
    if (t.build) {
      expect(t.build.options.command).toBe(`tsc -b ${root}`);
      expect(t.build.outputs).toEqual(["{projectRoot}/dist"]);
    }
    if (t.typecheck) expect(t.typecheck.options.command).toBe(`tsc -p ${root}/tsconfig.check.json`);
    if (t.test) {
      // The trailing slash keeps packages/plan from also running a packages/planner's tests.
      expect(t.test.options.command).toBe(`vitest run ${root}/test/`);
      expect(t.test.dependsOn).toEqual(testDependsOn);
      expect(t.test.inputs).toContain("^production");
    }
  });
});

describe("createNodes on this workspace", () => {
  const packageJsons = ["packages", "policies", "stacks"].flatMap((dir) =>
    readdirSync(path.join(REPO_ROOT, dir))
      // Folders with a package.json only: policies/ also holds the tenant registry file.
      .filter((p) => existsSync(path.join(REPO_ROOT, dir, p, "package.json")))
      .map((p) => `${dir}/${p}/package.json`),
  );

  it("adds targets to every code project's root without naming it (package.json names it)", async () => {
    expect(CODE_PROJECT_GLOB).toBe("{packages,policies,stacks}/*/package.json");
    const context = { workspaceRoot: REPO_ROOT, nxJsonConfiguration: {} } as CreateNodesContext;
    const results = await createNodes[1](packageJsons, undefined, context);
    expect(results.map(([file]) => file)).toEqual(packageJsons);
    for (const [file, result] of results) {
      const root = path.posix.dirname(file);
      const project = result.projects?.[root];
      expect(project?.name, root).toBeUndefined();
      // Every code project of this repository has a strict check config; tests where it has a test folder.
      const targets = Object.keys(project?.targets ?? {});
      expect(targets, root).toEqual(expect.arrayContaining(["lint", "typecheck"]));
      expect(targets.includes("test"), root).toBe(existsSync(path.join(REPO_ROOT, root, "test")));
    }
  });

  it("is registered in nx.json: Nx itself lists the code projects with a test target", () => {
    const nx = spawnSync(
      process.execPath,
      [
        path.join(REPO_ROOT, "node_modules/nx/dist/bin/nx.js"),
        "show",
        "projects",
        "--with-target",
        "test",
        "--json",
      ],
      { cwd: REPO_ROOT, env: { ...process.env, ...NX_ENV }, encoding: "utf8", timeout: 120_000 },
    );
    expect(nx.status, nx.stderr).toBe(0);
    const projects = JSON.parse(nx.stdout) as string[];
    expect(projects).toEqual(
      expect.arrayContaining([
        "@retrain/config",
        "@retrain/schedule",
        "@retrain/plan",
        "@retrain/nx-pulumi",
        "@retrain/windows",
        "@retrain/offline",
        "@retrain/workspace-tools",
        "retrain-guard",
        "@retrain/stack-iam",
        "@retrain/stack-scheduling",
      ]),
    );
    // Stack projects (iam-dev, scheduling-vision, ...) are deployments, not code: no test target.
    expect(projects.filter((p) => /^(iam|fleet|scheduling)-/.test(p))).toEqual([]);
  });
});
