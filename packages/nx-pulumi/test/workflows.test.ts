/**
 * The GitHub workflows, checked as data: jobs and their order, least-privilege permissions, pinned
 * actions, and the commands that make previews and deploys follow `nx affected`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "./support/workspace.js";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { "fail-fast"?: boolean; "max-parallel"?: number; matrix?: { include?: string } };
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}

const GITHUB = path.join(REPO_ROOT, ".github");
const text = (file: string) => readFileSync(path.join(GITHUB, file), "utf8");
const workflow = (name: string) => parse(text(`workflows/${name}.yml`)) as Workflow;
const composite = (name: string) => parse(text(`actions/${name}/action.yml`)) as { runs: { steps: Step[] } };

const pr = workflow("pr");
const deploy = workflow("deploy");

/** Every command a job runs, composite actions expanded. */
function commands(job: Job): string[] {
  return job.steps.flatMap((s) => {
    if (s.uses?.startsWith("./.github/actions/"))
      return composite(path.basename(s.uses)).runs.steps.map((c) => c.run ?? c.uses ?? "");
    return [s.run ?? s.uses ?? ""];
  });
}
const usesOf = (job: Job, action: string) => job.steps.find((s) => s.uses?.startsWith(`${action}@`));

describe("every workflow and composite action", () => {
  const files = [
    ...readdirSync(path.join(GITHUB, "workflows")).map((f) => `workflows/${f}`),
    ...readdirSync(path.join(GITHUB, "actions")).map((d) => `actions/${d}/action.yml`),
  ];
  /** Pinned to an exact release tag because their commit SHAs could not be verified offline. */
  const TAG_PINNED = new Set(["nrwl/nx-set-shas", "pulumi/actions"]);

  it.each(files)("%s pins every action to a commit SHA with its version, or an exact tag", (file) => {
    const uses = text(file)
      .split("\n")
      .filter((l) => /^\s*-?\s*uses:/.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) {
      const ref = /uses:\s*(\S+)(.*)$/.exec(line);
      const [action = "", version = ""] = (ref?.[1] ?? "").split("@");
      if (action.startsWith("./")) continue;
      if (TAG_PINNED.has(action)) expect(version, line).toMatch(/^v\d+\.\d+\.\d+$/);
      else {
        expect(version, line).toMatch(/^[0-9a-f]{40}$/);
        expect(ref?.[2], line).toMatch(/^\s+# v\d+\.\d+\.\d+$/);
      }
    }
  });

  it("grants nothing at the top level; id-token: write only to the jobs that assume an AWS role", () => {
    expect(pr.permissions).toEqual({});
    expect(deploy.permissions).toEqual({});
    const withToken = Object.entries({ ...prefixed("pr", pr), ...prefixed("deploy", deploy) })
      .filter(([, job]) => job.permissions?.["id-token"] === "write")
      .map(([name]) => name);
    expect(withToken.sort()).toEqual(["deploy/level0", "deploy/level1", "deploy/level2", "pr/preview"]);
    for (const [name, job] of Object.entries({ ...prefixed("pr", pr), ...prefixed("deploy", deploy) })) {
      const assumesRole = commands(job).some((c) => c.startsWith("aws-actions/configure-aws-credentials@"));
      expect(assumesRole, name).toBe(job.permissions?.["id-token"] === "write");
      // Nothing may write repository contents.
      expect(job.permissions?.contents ?? "none", name).not.toBe("write");
    }
  });
});

function prefixed(prefix: string, wf: Workflow): Record<string, Job> {
  return Object.fromEntries(Object.entries(wf.jobs).map(([k, v]) => [`${prefix}/${k}`, v]));
}

describe("pr.yml", () => {
  it("runs on pull requests to main with verify, preview and comment jobs", () => {
    expect(pr.on).toHaveProperty("pull_request");
    expect(Object.keys(pr.jobs)).toEqual(["verify", "preview", "comment"]);
  });

  it("verifies: full history, frozen install, lint, typecheck, test, the plan uploaded as an artifact", () => {
    const verify = pr.jobs.verify!;
    expect(usesOf(verify, "actions/checkout")?.with).toMatchObject({ "fetch-depth": 0 });
    const run = commands(verify);
    expect(run).toEqual(
      expect.arrayContaining(["pnpm install --frozen-lockfile", "pnpm lint", "pnpm typecheck", "pnpm test"]),
    );
    expect(run.join("\n")).toContain("pnpm plan --html plan.html --json plan.json");
    const upload = usesOf(verify, "actions/upload-artifact");
    expect(upload?.if).toBe("always()");
    expect(String(upload?.with?.path)).toMatch(/plan\.html[\s\S]*plan\.json/);
    expect(verify.permissions).toEqual({ contents: "read" });
  });

  it("previews the affected stacks with OIDC credentials, nx-set-shas and the Pulumi CLI", () => {
    const preview = pr.jobs.preview!;
    expect(preview.needs).toBe("verify");
    expect(usesOf(preview, "actions/checkout")?.with).toMatchObject({ "fetch-depth": 0 });
    const run = commands(preview);
    const order = [
      "nrwl/nx-set-shas@",
      "aws-actions/configure-aws-credentials@",
      "pulumi/actions@",
      "pnpm exec nx affected -t preview",
    ].map((prefix) => run.findIndex((c) => c.startsWith(prefix)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(run.join("\n")).toContain("pulumi login");
    expect(preview.permissions).toEqual({ contents: "read", actions: "read", "id-token": "write" });
  });

  it("comments the plan summary with pull-requests: write in that job only", () => {
    const comment = pr.jobs.comment!;
    expect(comment.permissions).toEqual({ "pull-requests": "write" });
    for (const [name, job] of Object.entries(pr.jobs)) {
      if (name !== "comment") expect(job.permissions?.["pull-requests"], name).toBeUndefined();
    }
    expect(usesOf(comment, "actions/download-artifact")?.with).toMatchObject({ name: "plan-report" });
    expect(String(usesOf(comment, "actions/github-script")?.with?.script)).toContain("<!-- retrain-plan -->");
  });
});

describe("deploy.yml", () => {
  const levels = ["level0", "level1", "level2"];

  it("runs on pushes to main, one run at a time, never cancelling a deploy", () => {
    expect(deploy.on).toMatchObject({ push: { branches: ["main"] } });
    expect(deploy.concurrency).toEqual({ group: "deploy-main", "cancel-in-progress": false });
    expect(Object.keys(deploy.jobs)).toEqual(["affected", ...levels]);
  });

  it("computes the affected stacks per level from nx-set-shas's base and head", () => {
    const affected = deploy.jobs.affected!;
    const run = commands(affected);
    expect(run.findIndex((c) => c.startsWith("nrwl/nx-set-shas@"))).toBeLessThan(
      run.findIndex((c) => c.includes("deploy-matrix.js")),
    );
    expect(run.join("\n")).toContain(
      `deploy-matrix.js --base "$NX_BASE" --head "$NX_HEAD" --levels ${levels.length}`,
    );
    expect(Object.keys(affected.outputs ?? {})).toEqual([...levels, "any"]);
    expect(usesOf(affected, "actions/checkout")?.with).toMatchObject({ "fetch-depth": 0 });
  });

  it.each(levels.map((l, i) => [l, i] as const))(
    "%s: a bounded matrix after the levels before it, stopping on failure",
    (name, i) => {
      const job = deploy.jobs[name]!;
      expect(job.needs).toEqual(["affected", ...levels.slice(0, i)]);
      expect(job.if).toContain(`needs.affected.outputs.${name} != '[]'`);
      if (i > 0) expect(job.if).toContain("!failure()");
      expect(job.strategy?.matrix?.include).toBe(`\${{ fromJSON(needs.affected.outputs.${name}) }}`);
      expect(job.strategy?.["fail-fast"]).toBe(true);
      expect(job.strategy?.["max-parallel"]).toBeGreaterThanOrEqual(1);
      expect(job.strategy?.["max-parallel"]).toBeLessThanOrEqual(10);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not JS
      expect(job.concurrency).toEqual({ group: "deploy-${{ matrix.stack }}", "cancel-in-progress": false });
      const up = commands(job).find((c) => c.includes(" -t init,up"));
      expect(up).toBe(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not JS
        'pnpm exec nx run-many -t init,up --projects="${{ matrix.projects }}" --exclude-task-dependencies --parallel=1',
      );
    },
  );
});
