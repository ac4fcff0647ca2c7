/**
 * The GitHub workflows, checked as data: what a pull request's code can reach (no secret, no role
 * but one environment's read-only preview role, the base branch's pack), least-privilege
 * permissions, pinned actions, and the commands that make previews and deploys follow `nx affected`.
 * The security rules live in support/workflow-security.ts; the mutation table below removes each
 * protection in turn and expects its finding, so a rule that stops checking fails here.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { discoverStacks, stackProjectName } from "@retrain/config/workspace";
import { previewMatrix } from "@retrain/workspace-tools";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findOnPath } from "../src/pulumi-cli.js";
import {
  BASE_PACK_ARTIFACT,
  BASE_PACK_DIR,
  BASE_SHA,
  type CompositeAction,
  expandedSteps,
  gh,
  type Job,
  PREVIEW_ROLE,
  type Repo,
  runsPullRequestCode,
  type Step,
  securityFindings,
  type Workflow,
} from "./support/workflow-security.js";
import { REPO_ROOT } from "./support/workspace.js";

const GITHUB = path.join(REPO_ROOT, ".github");
const text = (file: string) => readFileSync(path.join(GITHUB, file), "utf8");
const workflowFiles = readdirSync(path.join(GITHUB, "workflows")).filter((f) => /\.ya?ml$/.test(f));
const actionDirs = readdirSync(path.join(GITHUB, "actions"));

function loadRepo(): Repo {
  return {
    workflows: Object.fromEntries(workflowFiles.map((f) => [f, parse(text(`workflows/${f}`)) as Workflow])),
    actions: Object.fromEntries(
      actionDirs.map((d) => [d, parse(text(`actions/${d}/action.yml`)) as CompositeAction]),
    ),
  };
}
const repo = loadRepo();
const pr = repo.workflows["pr.yml"]!;
const deploy = repo.workflows["deploy.yml"]!;
const nightly = repo.workflows["nightly-plan.yml"]!;

/** Every command a job runs, composite actions expanded. */
const commands = (job: Job): string[] => expandedSteps(repo, job).map((s) => s.run ?? s.uses ?? "");
const usesOf = (job: Job, action: string) => job.steps.find((s) => s.uses?.startsWith(`${action}@`));
const stepRunning = (job: Job, fragment: string) => job.steps.find((s) => s.run?.includes(fragment));

describe("every workflow and composite action", () => {
  const files = [
    ...workflowFiles.map((f) => `workflows/${f}`),
    ...actionDirs.map((d) => `actions/${d}/action.yml`),
  ];
  it.each(files)("%s pins every action to a commit SHA with its version", (file) => {
    const uses = text(file)
      .split("\n")
      .filter((l) => /^\s*-?\s*uses:/.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) {
      const ref = /uses:\s*(\S+)(.*)$/.exec(line);
      const [action = "", version = ""] = (ref?.[1] ?? "").split("@");
      if (action.startsWith("./")) continue;
      expect(version, line).toMatch(/^[0-9a-f]{40}$/);
      expect(ref?.[2], line).toMatch(/^\s+# v\d+\.\d+\.\d+$/);
    }
  });

  it("pin each action to one version everywhere", () => {
    const pins = new Map<string, Set<string>>();
    for (const file of files) {
      for (const [, action, ref] of text(file).matchAll(/uses:\s*([^@\s]+)@(\S+)/g)) {
        pins.set(action!, (pins.get(action!) ?? new Set()).add(ref!));
      }
    }
    for (const [action, refs] of pins) expect([...refs], action).toHaveLength(1);
  });

  it.each(files)(
    "%s runs only workspace scripts that exist (node packages/<pkg>/dist/<x>.js ← src/<x>.ts)",
    (file) => {
      const scripts = [...text(file).matchAll(/\bnode (packages\/[\w-]+)\/dist\/([\w/.-]+)\.js\b/g)];
      for (const [, pkg, script] of scripts) {
        expect(existsSync(path.join(REPO_ROOT, pkg!, "src", `${script}.ts`)), `${pkg}/src/${script}.ts`).toBe(
          true,
        );
      }
    },
  );

  it("break none of the CI security rules (docs/security.md#ci)", () => {
    expect(securityFindings(repo)).toEqual([]);
  });

  it("grant each job exactly the permissions it needs", () => {
    const permissions = Object.fromEntries(
      Object.entries(repo.workflows).flatMap(([file, wf]) =>
        Object.entries(wf.jobs).map(([name, job]) => [`${file}/${name}`, job.permissions]),
      ),
    );
    expect(permissions).toEqual({
      "pr.yml/verify": { contents: "read" },
      "pr.yml/affected": { contents: "read", actions: "read" },
      "pr.yml/base-pack": { contents: "read" },
      "pr.yml/preview": { contents: "read", "id-token": "write" },
      "pr.yml/comment": { "pull-requests": "write" },
      "pr.yml/checks": {},
      "deploy.yml/affected": { contents: "read", actions: "read" },
      "deploy.yml/level0": { contents: "read", "id-token": "write" },
      "deploy.yml/level1": { contents: "read", "id-token": "write" },
      "deploy.yml/level2": { contents: "read", "id-token": "write" },
      "nightly-plan.yml/plan": { contents: "read" },
      "nightly-plan.yml/report": { issues: "write" },
    });
  });

  it("bound every job with a timeout", () => {
    for (const [file, wf] of Object.entries(repo.workflows)) {
      for (const [name, job] of Object.entries(wf.jobs)) {
        expect(job["timeout-minutes"], `${file}/${name}`).toBeGreaterThan(0);
        expect(job["timeout-minutes"], `${file}/${name}`).toBeLessThanOrEqual(60);
      }
    }
  });
});

describe("what a pull request's code can reach", () => {
  it("runs in verify, affected and preview; base-pack and comment run none of it", () => {
    const running = Object.entries(pr.jobs)
      .filter(([, job]) => runsPullRequestCode(pr, job))
      .map(([name]) => name);
    expect(running).toEqual(["verify", "affected", "preview"]);
  });

  it("the only credential in reach is the preview role, per environment, in preview-<env>", () => {
    const preview = pr.jobs.preview!;
    expect(preview.environment).toBe(`preview-${gh("matrix.environment")}`);
    expect(preview.strategy?.matrix?.include).toBe(gh("fromJSON(needs.affected.outputs.environments)"));
    const roles = expandedSteps(repo, preview)
      .filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))
      .map((s) => s.with?.["role-to-assume"]);
    expect(roles).toEqual([PREVIEW_ROLE]);
    expect(JSON.stringify(pr)).not.toMatch(/secrets\./);
  });

  it("prod stacks are previewed only in the preview-prod environment, never batched with dev", () => {
    const { stacks } = discoverStacks(REPO_ROOT);
    const all = stacks.map(stackProjectName);
    const entries = previewMatrix({ affected: all, stacks });
    const prod = entries.find((e) => e.environment === "prod");
    expect(prod?.projects.split(",").sort()).toEqual(
      stacks
        .filter((s) => s.config.config.environment === "prod")
        .map(stackProjectName)
        .sort(),
    );
    for (const e of entries) {
      const envs = e.projects
        .split(",")
        .map((p) => stacks.find((s) => stackProjectName(s) === p)?.config.config.environment);
      expect(new Set(envs)).toEqual(new Set([e.environment]));
    }
  });

  it("previews with the pack built from the base commit in its own job", () => {
    const basePack = pr.jobs["base-pack"]!;
    expect(usesOf(basePack, "actions/checkout")?.with).toEqual({
      ref: BASE_SHA,
      path: "base",
      "persist-credentials": false,
    });
    const build = stepRunning(basePack, "deploy --prod");
    expect(build?.["working-directory"]).toBe("base");
    expect(build?.run).toContain('pack="$RUNNER_TEMP/base-pack/policies/retrain-guard"');
    expect(build?.run).toContain('--filter retrain-guard deploy --prod --legacy --ignore-scripts "$pack"');
    expect(build?.run).toContain('cp policies/tenants.yaml "$RUNNER_TEMP/base-pack/policies/"');
    expect(usesOf(basePack, "actions/upload-artifact")?.with).toMatchObject({
      name: BASE_PACK_ARTIFACT,
      path: `${gh("runner.temp")}/base-pack.tgz`,
    });

    const preview = pr.jobs.preview!;
    expect(preview.needs).toEqual(["verify", "affected", "base-pack"]);
    const steps = preview.steps;
    const at = (p: (s: Step) => boolean) => steps.findIndex(p);
    const download = at((s) => s.uses?.startsWith("actions/download-artifact@") === true);
    const unpack = at(
      (s) => s.run?.includes('tar -C "$RUNNER_TEMP" -xzf "$RUNNER_TEMP/base-pack.tgz"') === true,
    );
    const run = at((s) => s.run?.includes("nx run-many -t preview") === true);
    expect(steps[download]?.with).toEqual({ name: BASE_PACK_ARTIFACT, path: gh("runner.temp") });
    expect(download).toBeLessThan(unpack);
    expect(unpack).toBeLessThan(run);
    expect(steps[run]?.env).toEqual({
      PROJECTS: gh("matrix.projects"),
      RETRAIN_POLICY_PACK: BASE_PACK_DIR,
      RETRAIN_POLICY_PACK_CONFIG: `${BASE_PACK_DIR}/policy-config.json`,
    });
    expect(steps[run]?.run).toBe('pnpm exec nx run-many -t preview --projects="$PROJECTS" --parallel=3');
  });

  it("forks get the offline plan only: every job that could use a token or role is skipped for them", () => {
    const sameRepo = "github.event.pull_request.head.repo.full_name == github.repository";
    for (const name of ["affected", "base-pack", "preview", "comment"]) {
      expect(pr.jobs[name]?.if, name).toContain(sameRepo);
    }
    expect(pr.jobs.verify?.if).toBeUndefined();
  });
});

/** A deep copy of the real workflows with one change, for the mutation table. */
function mutated(change: (r: Repo) => void): Repo {
  const copy = structuredClone(repo);
  change(copy);
  return copy;
}
const prJob = (r: Repo, name: string) => r.workflows["pr.yml"]!.jobs[name]!;
const previewStep = (r: Repo) => prJob(r, "preview").steps.find((s) => s.run?.includes("-t preview"))!;
const nightlyJob = (r: Repo, name: string) => r.workflows["nightly-plan.yml"]!.jobs[name]!;

describe("each protection, removed, is a finding", () => {
  it.each<[string, (r: Repo) => void, RegExp]>([
    [
      "the passphrase handed to the preview",
      (r) => {
        prJob(r, "preview").env!.PULUMI_CONFIG_PASSPHRASE = gh("secrets.PULUMI_CONFIG_PASSPHRASE");
      },
      /pr\.yml\/preview: runs pull request code and can read secrets\.PULUMI_CONFIG_PASSPHRASE/,
    ],
    [
      "a Pulumi Cloud token in the verify job",
      (r) => {
        prJob(r, "verify").steps[1]!.env = { PULUMI_ACCESS_TOKEN: gh("secrets.PULUMI_ACCESS_TOKEN") };
      },
      /pr\.yml\/verify: runs pull request code and can read secrets\.PULUMI_ACCESS_TOKEN/,
    ],
    [
      "a secret in the workflow's top-level env",
      (r) => {
        r.workflows["pr.yml"]!.env!.TOKEN = gh("secrets.ANY");
      },
      /pr\.yml: top-level env TOKEN hands a secret to every job/,
    ],
    [
      "the preview outside its environment",
      (r) => {
        delete prJob(r, "preview").environment;
      },
      /pr\.yml\/preview: holds id-token: write outside a GitHub environment/,
    ],
    [
      "the preview in a fixed environment instead of the stacks' (prod stacks without reviewers)",
      (r) => {
        prJob(r, "preview").environment = "preview-dev";
      },
      /a preview job must run in preview-<the stacks' environment>/,
    ],
    [
      "the deploy role in a pull request job",
      (r) => {
        prJob(r, "preview").steps.find((s) => s.uses === "./.github/actions/pulumi-aws")!.with![
          "role-to-assume"
        ] = gh("vars.AWS_DEPLOY_ROLE_ARN");
      },
      /pr\.yml\/preview: runs pull request code with role \$\{\{ vars\.AWS_DEPLOY_ROLE_ARN \}\}/,
    ],
    [
      "the pull request's pnpm cache restored beside the preview role",
      (r) => {
        delete prJob(r, "preview").steps.find((s) => s.uses === "./.github/actions/setup-workspace")!.with;
      },
      /pr\.yml\/preview: restores a cache \(actions\/setup-node\) while holding id-token: write/,
    ],
    [
      "an actions/cache step in the preview",
      (r) => {
        prJob(r, "preview").steps.splice(1, 0, {
          uses: "actions/cache/restore@0400d5f644dc74513175e3cd8d07132dd4860809",
          with: { path: ".nx/cache", key: "nx" },
        });
      },
      /pr\.yml\/preview: restores a cache \(actions\/cache\/restore\) while holding id-token: write/,
    ],
    [
      "OIDC for the verify job",
      (r) => {
        (prJob(r, "verify").permissions as Record<string, string>)["id-token"] = "write";
      },
      /pr\.yml\/verify: id-token: write exactly when the job assumes an AWS role/,
    ],
    [
      "the pull request's own pack in the preview",
      (r) => {
        delete previewStep(r).env!.RETRAIN_POLICY_PACK;
        delete previewStep(r).env!.RETRAIN_POLICY_PACK_CONFIG;
      },
      /pr\.yml\/preview: a preview does not run the base branch's pack and pack config/,
    ],
    [
      "the base pack with the pull request's pack config",
      (r) => {
        previewStep(r).env!.RETRAIN_POLICY_PACK_CONFIG = "policies/retrain-guard/policy-config.json";
      },
      /a preview does not run the base branch's pack and pack config/,
    ],
    [
      "the base pack built from the pull request's commit",
      (r) => {
        delete prJob(r, "base-pack").steps[0]!.with!.ref;
      },
      /pr\.yml\/base-pack: builds the base pack from something but the base commit/,
    ],
    [
      "the base pack installed from the pull request's cache",
      (r) => {
        prJob(r, "base-pack").steps.find((s) => s.uses?.startsWith("actions/setup-node@"))!.with!.cache =
          "pnpm";
      },
      /builds the base pack from a cache pull request code can write/,
    ],
    [
      "pull_request_target",
      (r) => {
        const wf = r.workflows["pr.yml"]!;
        wf.on = { pull_request_target: wf.on.pull_request };
      },
      /pr\.yml: pull_request_target \/ workflow_run run with the base branch's secrets/,
    ],
    [
      "a checkout that keeps its token",
      (r) => {
        delete prJob(r, "affected").steps[0]!.with!["persist-credentials"];
      },
      /pr\.yml\/affected: a checkout keeps the token in \.git/,
    ],
    [
      "a pull request title pasted into a shell",
      (r) => {
        prJob(r, "verify").steps.push({ run: `echo "${gh("github.event.pull_request.title")}"` });
      },
      /pr\.yml\/verify: a run step pastes an expression into the shell/,
    ],
    [
      "an up from a pull request",
      (r) => {
        previewStep(r).run = 'pnpm exec nx run-many -t up --projects="$PROJECTS"';
      },
      /pr\.yml\/preview: a pull request workflow changes state/,
    ],
    [
      "the comment job checking out and running the pull request's code",
      (r) => {
        prJob(r, "comment").steps.unshift(
          {
            uses: "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
            with: { "persist-credentials": false },
          },
          { run: "node scripts/anything.js" },
        );
      },
      /pr\.yml\/comment: runs pull request code with pull-requests: write/,
    ],
    [
      "write-all on a job",
      (r) => {
        prJob(r, "affected").permissions = "write-all";
      },
      /pr\.yml\/affected: permissions must be an explicit map/,
    ],
    [
      "contents: write",
      (r) => {
        (prJob(r, "verify").permissions as Record<string, string>).contents = "write";
      },
      /pr\.yml\/verify: permission contents: write is not allowed/,
    ],
    [
      "a deploy outside its environment",
      (r) => {
        r.workflows["deploy.yml"]!.jobs.level2!.environment = "production";
      },
      /deploy\.yml\/level2: a deploy job must run in deploy-<the stacks' environment>/,
    ],
    [
      "a deploy on every branch",
      (r) => {
        r.workflows["deploy.yml"]!.on.push = { branches: ["**"] };
      },
      /deploy\.yml: deploys on pushes to branches other than main/,
    ],
    [
      "a deploy dispatched from another branch",
      (r) => {
        delete r.workflows["deploy.yml"]!.jobs.affected!.if;
      },
      /deploy\.yml\/level0: nothing stops a workflow_dispatch on another branch/,
    ],
    [
      "a deploy with an overridden pack",
      (r) => {
        r.workflows["deploy.yml"]!.jobs.level1!.env!.RETRAIN_POLICY_PACK = "/tmp/pack";
      },
      /deploy\.yml\/level1: a deploy must run the pack of the commit it deploys/,
    ],
    [
      "the deploy role from a pull request workflow",
      (r) => {
        r.workflows["deploy.yml"]!.on = { pull_request: {} };
      },
      /deploy\.yml\/level0: a pull request workflow assumes the deploy role/,
    ],
    [
      "a nightly workflow granting a scope to every job",
      (r) => {
        r.workflows["nightly-plan.yml"]!.permissions = { issues: "write" };
      },
      /nightly-plan\.yml: the workflow must grant nothing at the top level/,
    ],
    [
      "issues: write for the job that runs the plan",
      (r) => {
        (nightlyJob(r, "plan").permissions as Record<string, string>).issues = "write";
      },
      /nightly-plan\.yml\/plan: a job with issues: write runs shell or local actions/,
    ],
    [
      "the issue job checking out and running the repository's code",
      (r) => {
        nightlyJob(r, "report").steps.unshift(
          {
            uses: "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
            with: { "persist-credentials": false },
          },
          { run: "node packages/workspace-tools/dist/bin/plan-comment.js plan.json plan-comment.md" },
        );
      },
      /nightly-plan\.yml\/report: a job with issues: write runs shell or local actions[\s\S]*nightly-plan\.yml\/report: a job with issues: write checks out repository code/,
    ],
    [
      "the report pasted into the issue script",
      (r) => {
        const script = usesOf(nightlyJob(r, "report"), "actions/github-script")!;
        script.with!.script = `const body = "${gh("steps.plan.outputs.summary")}";`;
      },
      /nightly-plan\.yml\/report: a github-script step pastes an expression into its code/,
    ],
    [
      "the issue job on a dispatch from another branch",
      (r) => {
        nightlyJob(r, "report").if = "failure()";
      },
      /nightly-plan\.yml\/report: a job with issues: write runs on a workflow_dispatch of any branch/,
    ],
    [
      "a nightly plan on pull_request_target",
      (r) => {
        r.workflows["nightly-plan.yml"]!.on = { pull_request_target: {} };
      },
      /nightly-plan\.yml: pull_request_target \/ workflow_run run with the base branch's secrets/,
    ],
  ])("%s", (_label, change, finding) => {
    const findings = securityFindings(mutated(change));
    expect(findings.join("\n")).toMatch(finding);
  });
});

describe("pr.yml", () => {
  it("runs on pull requests to main: verify, affected, base-pack, preview, comment, checks", () => {
    expect(pr.on).toEqual({ pull_request: { branches: ["main"] } });
    expect(Object.keys(pr.jobs)).toEqual(["verify", "affected", "base-pack", "preview", "comment", "checks"]);
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
    // The plan's exit code, written by pull request code, reaches the shell through env only.
    expect(stepRunning(verify, "::error::")?.env).toEqual({
      PLAN_EXIT: gh("steps.plan.outputs.exit-code"),
    });
  });

  it("finds the affected stacks per environment from nx-set-shas's base and head", () => {
    const affected = pr.jobs.affected!;
    const run = commands(affected);
    expect(run.findIndex((c) => c.startsWith("nrwl/nx-set-shas@"))).toBeLessThan(
      run.findIndex((c) => c.includes("deploy-matrix.js --preview")),
    );
    expect(run.join("\n")).toContain('deploy-matrix.js --preview --base "$NX_BASE" --head "$NX_HEAD"');
    expect(affected.outputs).toEqual({
      environments: gh("steps.matrix.outputs.environments"),
      any: gh("steps.matrix.outputs.any"),
    });
    expect(pr.jobs.preview?.if).toContain("needs.affected.outputs.any == 'true'");
  });

  it("previews with OIDC credentials and the Pulumi CLI, logged in to the environment's backend", () => {
    const preview = pr.jobs.preview!;
    const run = commands(preview);
    const order = [
      "aws-actions/configure-aws-credentials@",
      "pulumi/actions@",
      "pnpm exec nx run-many -t preview",
    ].map((prefix) => run.findIndex((c) => c.startsWith(prefix)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(run.join("\n")).toContain('pulumi login "$PULUMI_BACKEND_URL"');
    expect(preview.env).toEqual({ PULUMI_BACKEND_URL: gh("vars.PULUMI_BACKEND_URL") });
    expect(preview.strategy?.["fail-fast"]).toBe(false);
  });

  it("comments the plan summary, bounded, with pull-requests: write in that job only", () => {
    const comment = pr.jobs.comment!;
    for (const [name, job] of Object.entries(pr.jobs)) {
      if (name !== "comment")
        expect((job.permissions as Record<string, string>)["pull-requests"], name).toBeUndefined();
    }
    expect(usesOf(comment, "actions/download-artifact")?.with).toMatchObject({ name: "plan-report" });
    const script = String(usesOf(comment, "actions/github-script")?.with?.script);
    expect(script).toContain("<!-- retrain-plan -->");
    expect(script).toMatch(/body\.length > 60000/);
  });
});

describe("deploy.yml", () => {
  const levels = ["level0", "level1", "level2"];

  it("runs on pushes to main, one run at a time, never cancelling a deploy", () => {
    expect(deploy.on).toMatchObject({ push: { branches: ["main"] } });
    // Per ref: a dispatch from another branch (which deploys nothing) never replaces main's pending run.
    expect(deploy.concurrency).toEqual({ group: `deploy-${gh("github.ref")}`, "cancel-in-progress": false });
    expect(Object.keys(deploy.jobs)).toEqual(["affected", ...levels]);
    expect(deploy.jobs.affected?.if).toBe("github.ref == 'refs/heads/main'");
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
    "%s: a bounded matrix after the levels before it, never cancelling a running deploy, in the stacks' environment",
    (name, i) => {
      const job = deploy.jobs[name]!;
      expect(job.needs).toEqual(["affected", ...levels.slice(0, i)]);
      expect(job.if).toContain(`needs.affected.outputs.${name} != '[]'`);
      expect(job.if).toContain("needs.affected.result == 'success'");
      if (i > 0) expect(job.if).toContain("!failure()");
      expect(job.strategy?.matrix?.include).toBe(gh(`fromJSON(needs.affected.outputs.${name})`));
      // A failing stack never cancels its level's running deploys (GitHub would interrupt their
      // `pulumi up`, leaving the stack locked); `!failure()` keeps the next level from starting.
      expect(job.strategy?.["fail-fast"]).toBe(false);
      expect(job.strategy?.["max-parallel"]).toBeGreaterThanOrEqual(1);
      expect(job.strategy?.["max-parallel"]).toBeLessThanOrEqual(10);
      expect(job.concurrency).toEqual({ group: `deploy-${gh("matrix.stack")}`, "cancel-in-progress": false });
      expect(job.environment).toBe(`deploy-${gh("matrix.environment")}`);
      // No passphrase: the environment's KMS key is the secrets provider, also of stacks init creates.
      expect(JSON.stringify(job)).not.toContain("PULUMI_CONFIG_PASSPHRASE");
      expect(job.env).toEqual({
        PULUMI_BACKEND_URL: gh("vars.PULUMI_BACKEND_URL"),
        RETRAIN_SECRETS_PROVIDER: gh("vars.PULUMI_SECRETS_PROVIDER"),
      });
      // The Pulumi Cloud token reaches the login and the deploy only, never the install's scripts.
      const holding = job.steps
        .filter((st) => JSON.stringify(st).includes("secrets.PULUMI_ACCESS_TOKEN"))
        .map((st) => st.uses ?? st.run);
      expect(holding).toEqual(["./.github/actions/pulumi-aws", expect.stringContaining(" -t init,up")]);
      const up = job.steps.find((s) => s.run?.includes(" -t init,up"));
      // Within levels 0 and 1 the first failing stack stops the job (its downstream must not deploy
      // against a half-done level); level 2's teams go on, as the matrix does.
      expect(up?.run).toBe(
        'pnpm exec nx run-many -t init,up --projects="$PROJECTS" --exclude-task-dependencies --parallel=1' +
          (name === "level2" ? "" : " --nx-bail"),
      );
      expect(up?.env).toEqual({
        PROJECTS: gh("matrix.projects"),
        PULUMI_ACCESS_TOKEN: gh("secrets.PULUMI_ACCESS_TOKEN"),
      });
    },
  );
});

describe("nightly-plan.yml", () => {
  const plan = nightly.jobs.plan!;
  const report = nightly.jobs.report!;
  const planStep = plan.steps.find((s) => s.id === "plan")!;

  it("runs once a day and on demand, on main only, one run at a time, never cancelled", () => {
    expect(Object.keys(nightly.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    const schedule = nightly.on.schedule as { cron: string }[];
    expect(schedule).toHaveLength(1);
    // minute hour * * *: once a day.
    expect(schedule[0]?.cron).toMatch(/^\d{1,2} \d{1,2} \* \* \*$/);
    expect(nightly.concurrency).toEqual({
      group: `nightly-plan-${gh("github.ref")}`,
      "cancel-in-progress": false,
    });
    expect(nightly.env).toEqual(pr.env);
    expect(nightly.env).toEqual(deploy.env);
    expect(Object.keys(nightly.jobs)).toEqual(["plan", "report"]);
    expect(plan.if).toBe("github.ref == 'refs/heads/main'");
    // Also after a cancelled plan (a timeout may conclude as cancelled, where failure() is false);
    // never after a skipped one (a dispatch from another branch).
    expect(report.if).toBe(
      "always() && needs.plan.result != 'success' && needs.plan.result != 'skipped' && github.ref == 'refs/heads/main'",
    );
  });

  it("plans every stack, every stack gating (no --gate), afresh, with the workspace set up as in pr.yml", () => {
    expect(runsPullRequestCode(nightly, plan)).toBe(false);
    const checkout = usesOf(plan, "actions/checkout");
    expect(checkout?.uses).toBe(usesOf(pr.jobs.verify!, "actions/checkout")?.uses);
    expect(checkout?.with).toEqual({ "persist-credentials": false });
    expect(plan.steps.some((s) => s.uses === "./.github/actions/setup-workspace")).toBe(true);
    expect(planStep.run).toContain("pnpm plan --html plan.html --json plan.json\n");
    expect(JSON.stringify(nightly)).not.toContain("--gate");
    expect(planStep.env).toEqual({ RETRAIN_PLAN_CACHE: "0" });
  });

  it("uploads the JSON and HTML report even when the plan fails, then fails on its exit code", () => {
    const upload = usesOf(plan, "actions/upload-artifact");
    expect(upload?.if).toBe("always()");
    expect(upload?.with).toMatchObject({ name: "plan-report" });
    expect(String(upload?.with?.path).split("\n").filter(Boolean)).toEqual([
      "plan.html",
      "plan.json",
      "plan-comment.md",
    ]);
    const fail = stepRunning(plan, "::error::")!;
    expect(fail.if).toBe("steps.plan.outputs.exit-code != '0'");
    expect(fail.env).toEqual({ PLAN_EXIT: gh("steps.plan.outputs.exit-code") });
    expect(fail.run).toMatch(/\bexit 1\s*$/);
    const at = (step: Step | undefined) => plan.steps.indexOf(step!);
    expect(at(planStep)).toBeLessThan(at(upload));
    expect(at(upload)).toBeLessThan(at(fail));
  });

  it("reports a failure in one issue, from a job that runs no repository code and reads the report as text", () => {
    expect(report.needs).toBe("plan");
    expect(report.steps.map((s) => s.uses?.split("@")[0])).toEqual([
      "actions/download-artifact",
      "actions/github-script",
    ]);
    expect(usesOf(report, "actions/download-artifact")?.with).toEqual({ name: "plan-report" });
    const script = String(usesOf(report, "actions/github-script")?.with?.script);
    expect(script).toContain('fs.readFileSync("plan-comment.md", "utf8")');
    expect(script).toContain("<!-- retrain-nightly-plan -->");
    expect(script).toMatch(/report\.length > 60000/);
    expect(script).not.toMatch(/\beval\b|new Function|require\("node:child_process"\)|exec\(/);
  });

  /** Runs the inline script as github-script does (an async function of its arguments), with fakes. */
  async function runReportScript(planComment: string | undefined, open: unknown[] = []) {
    const script = String(usesOf(report, "actions/github-script")?.with?.script);
    const calls: [string, Record<string, unknown>][] = [];
    const record = (name: string) => async (args: Record<string, unknown>) => {
      calls.push([name, args]);
      return { data: {} };
    };
    const fakeFs = {
      existsSync: (f: string) => f === "plan-comment.md" && planComment !== undefined,
      readFileSync: (f: string) => {
        if (f !== "plan-comment.md" || planComment === undefined) throw new Error(`ENOENT: ${f}`);
        return planComment;
      },
    };
    const github = {
      paginate: async () => open,
      rest: {
        issues: {
          listForRepo: {},
          create: record("create"),
          update: record("update"),
          createComment: record("createComment"),
        },
      },
    };
    const context = {
      repo: { owner: "acme", repo: "retrain-infra" },
      serverUrl: "https://github.com",
      runId: 42,
    };
    const require = (id: string) => {
      if (id !== "node:fs") throw new Error(`unexpected require(${id})`);
      return fakeFs;
    };
    const AsyncFunction = (async () => {}).constructor as new (
      ...args: string[]
    ) => (...args: unknown[]) => Promise<unknown>;
    await new AsyncFunction("github", "context", "require", script)(github, context, require);
    return calls;
  }

  it("the issue body stays within GitHub's 65,536 characters with every @mention defused", async () => {
    const calls = await runReportScript("@a ".repeat(70_000));
    expect(calls.map(([name]) => name)).toEqual(["create"]);
    const body = String(calls[0]?.[1].body);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.startsWith("<!-- retrain-nightly-plan -->\n")).toBe(true);
    expect(body).toContain("https://github.com/acme/retrain-infra/actions/runs/42");
    expect(body).not.toMatch(/@a/);
    expect(body).toContain("@\u200ba");
    expect(body).toMatch(/… \(truncated; the full report is the plan-report artifact\)$/);
  });

  it("updates its own open issue, and says so when the plan job left no report", async () => {
    const mine = { number: 7, user: { type: "Bot" }, body: "<!-- retrain-nightly-plan -->\nold" };
    const someone = { number: 8, user: { type: "User" }, body: "<!-- retrain-nightly-plan -->\nquoted" };
    const calls = await runReportScript(undefined, [someone, mine]);
    expect(calls.map(([name, args]) => [name, args.issue_number])).toEqual([
      ["update", 7],
      ["createComment", 7],
    ]);
    expect(String(calls[0]?.[1].body)).toContain("The plan job produced no report: see the run's log.");
  });
});

describe("the shell of every run step", () => {
  const shellcheck = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
  const available = shellcheck.status === 0;
  if (!available)
    console.log(
      "skipping shellcheck of the run steps: shellcheck is not installed (apt-get install shellcheck)",
    );
  const runs = [
    ...Object.entries(repo.workflows).flatMap(([file, wf]) =>
      Object.entries(wf.jobs).flatMap(([name, job]) =>
        job.steps.filter((s) => s.run).map((s, i) => [`${file}/${name} #${i}`, s.run!] as const),
      ),
    ),
    ...Object.entries(repo.actions).flatMap(([dir, action]) =>
      action.runs.steps.filter((s) => s.run).map((s, i) => [`actions/${dir} #${i}`, s.run!] as const),
    ),
  ];

  // GitHub runs each step as `bash --noprofile --norc -eo pipefail {0}`.
  it.skipIf(!available).each(runs)("%s is shellcheck-clean", (_where, script) => {
    const dir = mkdtempSync(path.join(tmpdir(), "retrain-run-"));
    const file = path.join(dir, "step.sh");
    writeFileSync(file, `#!/usr/bin/env bash\nset -eo pipefail\n${script}`);
    const r = spawnSync("shellcheck", ["--shell=bash", "--severity=style", file], { encoding: "utf8" });
    expect(r.stdout + r.stderr, script).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("the settings the workflows rely on are documented", () => {
  const security = readFileSync(path.join(REPO_ROOT, "docs/security.md"), "utf8");
  const delivery = readFileSync(path.join(REPO_ROOT, "docs/delivery.md"), "utf8");
  const environments = [...new Set(discoverStacks(REPO_ROOT).stacks.map((s) => s.config.config.environment))];

  it.each(environments.flatMap((env) => [`preview-${env}`, `deploy-${env}`]))(
    "the GitHub environment %s, which the workflows name for this workspace's stacks",
    (name) => {
      expect(security).toContain(`\`${name}\``);
      expect(delivery).toContain(`\`${name}\``);
    },
  );

  it("the example trust policy admits one environment's subject, by exact match", () => {
    const block = /```json\n([\s\S]*?)\n```/.exec(security)?.[1];
    const statement = JSON.parse(block ?? "null") as {
      Action: string;
      Condition: Record<string, Record<string, string>>;
    };
    expect(statement.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(Object.keys(statement.Condition)).toEqual(["StringEquals"]);
    expect(statement.Condition.StringEquals).toEqual({
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": "repo:<org>/<repo>:environment:preview-prod",
    });
  });
});

/** The pnpm running this test (`pnpm test` sets npm_execpath), or one on PATH; undefined when neither. */
function findPnpm(): string[] | undefined {
  const exec = process.env.npm_execpath;
  if (exec && /pnpm/.test(path.basename(exec))) return [process.execPath, exec];
  // Absolute, so the shim below never finds itself on PATH.
  const onPath = findOnPath("pnpm");
  return onPath ? [onPath] : undefined;
}

/**
 * Why the tests that run a workflow step on this checkout skip (undefined: they run): they need a
 * pnpm and the compiled file the step runs. Printed, never a silent pass.
 */
function stepRunSkipReason(tests: string, builtFile: string): string | undefined {
  const reason = !findPnpm()
    ? "no pnpm (run it through `pnpm test`, or put pnpm on PATH)"
    : !existsSync(path.join(REPO_ROOT, builtFile))
      ? `${builtFile} is not built (tsc -b tsconfig.build.json)`
      : undefined;
  if (reason) console.log(`skipping ${tests}: ${reason}`);
  return reason;
}

/** A folder with a `pnpm` that runs this pnpm, to put first on PATH (the runners have one there). */
function pnpmShim(pnpm: string[], temp: string): string {
  const bin = path.join(temp, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, "pnpm"), `#!/bin/sh\nexec ${pnpm.map((a) => `'${a}'`).join(" ")} "$@"\n`, {
    mode: 0o755,
  });
  return bin;
}

/** The environment a runner's step has: no NODE_PATH (only pnpm's .bin wrappers set one). */
function runnerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { NODE_PATH: _, ...env } = process.env;
  return { ...env, NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_TUI: "false", ...extra };
}

/** Runs a step's script as GitHub's `bash` shell does. */
const runStep = (script: string, env: NodeJS.ProcessEnv) =>
  spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env,
    timeout: 300_000,
  });

/** Git's empty tree: the base that makes every file changed. */
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

describe("deploy.yml's affected job, run on this checkout as a runner would", () => {
  const affected = deploy.jobs.affected!;
  const planStep = stepRunning(affected, "pnpm plan")!;
  const matrixStep = affected.steps.find((st) => st.id === "matrix")!;

  it("falls back to the empty tree, not HEAD~1, when there is no successful deploy to diff from", () => {
    expect(usesOf(affected, "nrwl/nx-set-shas")?.with?.["fallback-sha"]).toBe(EMPTY_TREE);
  });

  it("plans main, gated on the stacks it deploys, before the matrix, failing the job on findings", () => {
    const steps = affected.steps;
    const setShas = steps.findIndex((st) => st.uses?.startsWith("nrwl/nx-set-shas@"));
    expect(setShas).toBeGreaterThanOrEqual(0);
    expect(steps.indexOf(planStep)).toBeGreaterThan(setShas);
    expect(steps.indexOf(planStep)).toBeLessThan(steps.indexOf(matrixStep));
    expect(planStep.run).toContain('deploy-matrix.js --gate-stacks --base "$NX_BASE" --head "$NX_HEAD"');
    // Nothing may turn the plan's exit code into a success.
    expect(planStep.run).not.toMatch(/set \+e|\|\|\s*true|; *true/);
    expect(planStep["continue-on-error"]).toBeUndefined();
    expect(planStep.env).toEqual({ RETRAIN_PLAN_CACHE: "0" });
    // Every level deploys only after this job succeeded.
    for (const level of ["level0", "level1", "level2"])
      expect(deploy.jobs[level]?.if).toContain("needs.affected.result == 'success'");
  });

  const pnpm = findPnpm();
  const reason = stepRunSkipReason(
    "the deploy.yml affected-job runs",
    "packages/workspace-tools/dist/bin/deploy-matrix.js",
  );

  it.skipIf(reason !== undefined)(
    "its matrix step loads the Nx plugins from the root nx.json with plain node (no NODE_PATH)",
    { timeout: 120_000 },
    () => {
      const temp = mkdtempSync(path.join(tmpdir(), "retrain-deploy-affected-"));
      const output = path.join(temp, "github-output");
      writeFileSync(output, "");
      const r = runStep(
        matrixStep.run!,
        runnerEnv({ NX_BASE: EMPTY_TREE, NX_HEAD: "HEAD", GITHUB_OUTPUT: output }),
      );
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const written = readFileSync(output, "utf8");
      const { stacks } = discoverStacks(REPO_ROOT);
      // Every file changed: every stack of the checkout deploys.
      for (const s of stacks) expect(written).toContain(`"${stackProjectName(s)}"`);
      rmSync(temp, { recursive: true, force: true });
    },
  );

  it.skipIf(reason !== undefined)(
    "its plan step passes on a clean main and fails closed when the gate cannot be computed",
    { timeout: 300_000 },
    () => {
      const temp = mkdtempSync(path.join(tmpdir(), "retrain-deploy-plan-"));
      const env = (head: string) =>
        runnerEnv({
          NX_BASE: EMPTY_TREE,
          NX_HEAD: head,
          RETRAIN_PLAN_CACHE: "0",
          PATH: `${pnpmShim(pnpm!, temp)}${path.delimiter}${process.env.PATH ?? ""}`,
        });
      const ok = runStep(planStep.run!, env("HEAD"));
      expect(ok.status, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stdout).toContain("gating on: *");
      expect(ok.stdout + ok.stderr).toMatch(/Plan OK/);
      const broken = runStep(planStep.run!, env("0000000000000000000000000000000000000000"));
      expect(broken.status).not.toBe(0);
      expect(broken.stdout + broken.stderr).not.toMatch(/Plan OK/);
      rmSync(temp, { recursive: true, force: true });
    },
  );
});

describe("the base pack bundle", () => {
  const pnpm = findPnpm();
  const reason = stepRunSkipReason("the base pack bundle test", "policies/retrain-guard/dist/index.js");

  it.skipIf(reason !== undefined)(
    "base-pack's own script, run on this checkout, makes a pack that starts outside the workspace",
    { timeout: 120_000 },
    async () => {
      const step = stepRunning(pr.jobs["base-pack"]!, "deploy --prod")!;
      // This checkout is installed already: run the rest of the step as written, with a shim for pnpm.
      const script = step.run!.replace("pnpm install --frozen-lockfile\n", "");
      expect(script).not.toBe(step.run);
      const temp = mkdtempSync(path.join(tmpdir(), "retrain-base-pack-"));
      const bin = pnpmShim(pnpm!, temp);
      const runner = path.join(temp, "runner");
      mkdirSync(runner);
      const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env: {
          ...process.env,
          PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
          RUNNER_TEMP: runner,
        },
      });
      expect(r.status, r.stdout + r.stderr).toBe(0);

      const pack = path.join(runner, "base-pack/policies/retrain-guard");
      expect(existsSync(path.join(runner, "base-pack/policies/tenants.yaml"))).toBe(
        existsSync(path.join(REPO_ROOT, "policies/tenants.yaml")),
      );
      expect(readdirSync(pack).filter((f) => f.startsWith("tsconfig"))).toEqual([]);
      // Start it as Pulumi does (run-policy-pack from the pack's own dependencies, in its folder):
      // it serves the Analyzer and prints its port, so every import resolved inside the bundle.
      const runPolicyPack = path.join(pack, "node_modules/@pulumi/pulumi/cmd/run-policy-pack");
      const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:0", "."], { cwd: pack });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      const firstLine = await new Promise<string>((resolve) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("\n")) resolve(out.split("\n")[0]!);
        });
        child.on("exit", () => resolve(out));
      });
      child.kill();
      expect(firstLine, stderr).toMatch(/^\d+$/);
      rmSync(temp, { recursive: true, force: true });
    },
  );
});
