/**
 * The CI security rules of docs/security.md#ci, as a function of the parsed workflows: every finding
 * names the workflow, the job and the protection that is missing. workflows.test.ts asserts there
 * are none for the real files and that each mutation of a protection produces its finding.
 */

/** `${{ expression }}`, the GitHub Actions expression syntax (built, so it is not mistaken for a JS template). */
export const gh = (expression: string) => ["$", "{{ ", expression, " }}"].join("");

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  "working-directory"?: string;
  "continue-on-error"?: boolean;
}
export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  "timeout-minutes"?: number;
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { "fail-fast"?: boolean; "max-parallel"?: number; matrix?: { include?: string } };
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}
export interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}
export interface CompositeAction {
  inputs?: Record<string, { default?: string }>;
  runs: { steps: Step[] };
}

export interface Repo {
  workflows: Record<string, Workflow>;
  /** Composite actions by folder name under .github/actions/. */
  actions: Record<string, CompositeAction>;
}

/** The base branch's commit, the only ref a pull request job may check out besides the PR's own. */
export const BASE_SHA = gh("github.event.pull_request.base.sha");
/** Where pr.yml's base-pack job's artifact is unpacked in the preview job. */
export const BASE_PACK_DIR = `${gh("runner.temp")}/base-pack/policies/retrain-guard`;
export const BASE_PACK_ARTIFACT = "base-policy-pack";
export const PREVIEW_ROLE = gh("vars.AWS_PREVIEW_ROLE_ARN");
export const DEPLOY_ROLE = gh("vars.AWS_DEPLOY_ROLE_ARN");

/** Permissions a job may ask for, and when. */
const ALLOWED_PERMISSIONS: Record<string, string> = {
  contents: "read",
  actions: "read",
  "id-token": "write",
  "pull-requests": "write",
  issues: "write",
};

/** Scopes that write to the repository's conversations: only jobs that run no repository code hold them. */
const WRITE_SCOPES = ["pull-requests", "issues"];

const isPullRequestWorkflow = (wf: Workflow) =>
  "pull_request" in wf.on || "pull_request_target" in wf.on || "workflow_run" in wf.on;

/** The steps of a job with the steps of the local composite actions it uses appended after each. */
export function expandedSteps(repo: Repo, job: Job): Step[] {
  return job.steps.flatMap((s) => {
    const local = /^\.\/\.github\/actions\/([^/@]+)/.exec(s.uses ?? "")?.[1];
    if (local === undefined) return [s];
    const action = repo.actions[local];
    // A composite action whose steps see the caller's inputs: substitute them so roles are visible.
    const steps = (action?.runs.steps ?? []).map((c) => {
      const withText = JSON.stringify(c.with ?? {}).replace(
        /\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g,
        (_m, name: string) =>
          String(s.with?.[name] ?? action?.inputs?.[name]?.default ?? "").replaceAll('"', '\\"'),
      );
      return { ...c, with: JSON.parse(withText) as Record<string, unknown> };
    });
    return [s, ...steps];
  });
}

/** A step that restores a cache: actions/cache (or its restore half), or setup-node with a `cache`. */
function restoresCache(step: Step): boolean {
  const action = step.uses?.split("@")[0] ?? "";
  if (action === "actions/cache" || action === "actions/cache/restore") return true;
  return action === "actions/setup-node" && String(step.with?.cache ?? "") !== "";
}

const checkouts = (job: Job) => job.steps.filter((s) => s.uses?.startsWith("actions/checkout@"));

/**
 * A job runs the pull request's code when it checks out anything but the base commit in a workflow
 * a pull request triggers (no `ref`: the merge commit of the pull request).
 */
export function runsPullRequestCode(wf: Workflow, job: Job): boolean {
  if (!isPullRequestWorkflow(wf)) return false;
  return checkouts(job).some((s) => s.with?.ref !== BASE_SHA);
}

const environmentOf = (job: Job) =>
  typeof job.environment === "object" ? job.environment.name : job.environment;

/** Roles the job's steps assume (configure-aws-credentials, directly or in a composite action). */
function rolesOf(repo: Repo, job: Job): string[] {
  return expandedSteps(repo, job)
    .filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))
    .map((s) => String(s.with?.["role-to-assume"] ?? ""));
}

/** Every `secrets.X` a job can read: its own text and the workflow's env. */
function secretsOf(wf: Workflow, job: Job): string[] {
  const text = JSON.stringify({ env: wf.env ?? {}, job });
  return [...new Set([...text.matchAll(/secrets\.([A-Za-z_][\w]*)/g)].map((m) => m[1]!))];
}

/** Shell, or github-script JavaScript, that GitHub would build by pasting `${{ }}` expressions into it. */
function injectedRuns(steps: readonly Step[]): Step[] {
  const expression = ["$", "{{"].join("");
  return steps.filter(
    (s) =>
      s.run?.includes(expression) ||
      (s.uses?.startsWith("actions/github-script@") && String(s.with?.script ?? "").includes(expression)),
  );
}

const isPreviewCommand = (run: string) => /(-t|--targets?)[ =]\S*\bpreview\b|pulumi\s+preview/.test(run);
const isWriteCommand = (run: string) =>
  /(-t|--targets?)[ =]\S*\b(up|init|refresh|destroy)\b|pulumi\s+(up|update|refresh|destroy|import|stack\s+(init|select\s+--create|rm))/.test(
    run,
  );

export function securityFindings(repo: Repo): string[] {
  const findings: string[] = [];
  const add = (where: string, message: string) => findings.push(`${where}: ${message}`);

  for (const [file, wf] of Object.entries(repo.workflows)) {
    if (
      wf.permissions === undefined ||
      typeof wf.permissions === "string" ||
      Object.keys(wf.permissions).length > 0
    ) {
      add(file, "the workflow must grant nothing at the top level (permissions: {})");
    }
    if ("pull_request_target" in wf.on || "workflow_run" in wf.on) {
      add(
        file,
        "pull_request_target / workflow_run run with the base branch's secrets and write token: use pull_request",
      );
    }
    for (const [key, value] of Object.entries(wf.env ?? {})) {
      if (/secrets\./.test(value)) add(file, `top-level env ${key} hands a secret to every job`);
    }

    for (const [name, job] of Object.entries(wf.jobs)) {
      const where = `${file}/${name}`;
      const prCode = runsPullRequestCode(wf, job);
      const steps = expandedSteps(repo, job);
      const environment = environmentOf(job);
      const roles = rolesOf(repo, job);

      // Permissions: a map of the few scopes CI needs, at the level each needs.
      if (job.permissions === undefined || typeof job.permissions === "string") {
        add(where, "permissions must be an explicit map");
      } else {
        for (const [scope, level] of Object.entries(job.permissions)) {
          if (level === "none") continue;
          if (ALLOWED_PERMISSIONS[scope] !== level)
            add(where, `permission ${scope}: ${level} is not allowed`);
        }
        const permissions = job.permissions;
        const writes = WRITE_SCOPES.filter((scope) => permissions[scope] === "write");
        for (const scope of writes) {
          if (prCode) add(where, `runs pull request code with ${scope}: write`);
          if (job.steps.some((s) => s.run || s.uses?.startsWith("./")))
            add(where, `a job with ${scope}: write runs shell or local actions`);
          if (checkouts(job).length > 0) add(where, `a job with ${scope}: write checks out repository code`);
          // A dispatch can name any branch: its report must not be posted as main's.
          if ("workflow_dispatch" in wf.on && !job.if?.includes("github.ref == 'refs/heads/main'"))
            add(where, `a job with ${scope}: write runs on a workflow_dispatch of any branch`);
        }
        const oidc = job.permissions["id-token"] === "write";
        if (oidc !== roles.length > 0) add(where, "id-token: write exactly when the job assumes an AWS role");
        if (oidc && environment === undefined)
          add(where, "holds id-token: write outside a GitHub environment");
        // A pull request run restores its own cache scope first, which an earlier push of the pull
        // request's code can have written: nothing from it may run beside a role (docs/security.md#ci).
        if (oidc && isPullRequestWorkflow(wf))
          for (const step of steps.filter(restoresCache))
            add(where, `restores a cache (${step.uses?.split("@")[0]}) while holding id-token: write`);
      }

      // Roles: each tied to the environment whose OIDC subject its trust policy names.
      for (const role of roles) {
        if (role === PREVIEW_ROLE) {
          if (!environment?.startsWith("preview-"))
            add(where, "assumes the preview role outside a preview-<env> environment");
        } else if (role === DEPLOY_ROLE) {
          if (!environment?.startsWith("deploy-"))
            add(where, "assumes the deploy role outside a deploy-<env> environment");
          if (isPullRequestWorkflow(wf)) add(where, "a pull request workflow assumes the deploy role");
        } else add(where, `assumes an unknown role ${role}`);
        if (prCode && role !== PREVIEW_ROLE) add(where, `runs pull request code with role ${role}`);
      }

      // Pull request code: no secret at all (not the passphrase, not a backend token).
      if (prCode) {
        for (const secret of secretsOf(wf, job))
          add(where, `runs pull request code and can read secrets.${secret}`);
        const text = JSON.stringify(job);
        for (const name of ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_ACCESS_TOKEN"]) {
          if (text.includes(name)) add(where, `runs pull request code with ${name}`);
        }
        if (environment !== undefined && !environment.startsWith("preview-")) {
          add(where, `runs pull request code in environment ${environment}`);
        }
      }

      for (const s of checkouts(job)) {
        if (s.with?.["persist-credentials"] !== false)
          add(where, "a checkout keeps the token in .git (persist-credentials: false)");
      }
      for (const s of injectedRuns(steps)) {
        add(
          where,
          `${s.run ? "a run step pastes an expression into the shell" : "a github-script step pastes an expression into its code"} (${s.name ?? s.run?.split("\n")[0] ?? s.uses}); pass it through env`,
        );
      }

      for (const s of steps) {
        const run = s.run ?? "";
        if (isPullRequestWorkflow(wf) && isWriteCommand(run))
          add(where, `a pull request workflow changes state: ${run}`);
        if (isPullRequestWorkflow(wf) && isPreviewCommand(run)) {
          if (
            s.env?.RETRAIN_POLICY_PACK !== BASE_PACK_DIR ||
            s.env?.RETRAIN_POLICY_PACK_CONFIG !== `${BASE_PACK_DIR}/policy-config.json`
          ) {
            add(where, "a preview does not run the base branch's pack and pack config");
          }
          const downloads = job.steps.some(
            (d) => d.uses?.startsWith("actions/download-artifact@") && d.with?.name === BASE_PACK_ARTIFACT,
          );
          if (!downloads) add(where, `a preview without the ${BASE_PACK_ARTIFACT} artifact`);
          if (environment !== `preview-${gh("matrix.environment")}`) {
            add(
              where,
              "a preview job must run in preview-<the stacks' environment> (preview-prod: required reviewers)",
            );
          }
        }
        if (
          !isPullRequestWorkflow(wf) &&
          /RETRAIN_POLICY_PACK/.test(JSON.stringify(s.env ?? {}) + JSON.stringify(job.env ?? {}))
        ) {
          add(where, "a deploy must run the pack of the commit it deploys, not an override");
        }
      }

      // The job building the base pack runs the base commit only, from a cache pull request code cannot write.
      const uploadsBasePack = job.steps.some(
        (s) => s.uses?.startsWith("actions/upload-artifact@") && s.with?.name === BASE_PACK_ARTIFACT,
      );
      if (uploadsBasePack) {
        if (prCode || checkouts(job).length === 0)
          add(where, "builds the base pack from something but the base commit");
        if (job.steps.some((s) => s.uses?.startsWith("./")))
          add(where, "builds the base pack with the pull request's local actions");
        if (
          steps.some(
            (s) =>
              s.uses?.startsWith("actions/cache@") ||
              (s.uses?.startsWith("actions/setup-node@") && s.with?.cache),
          )
        ) {
          add(where, "builds the base pack from a cache pull request code can write");
        }
        if (
          job.steps.some(
            (s) =>
              s.uses?.startsWith("pnpm/action-setup@") && s.with?.package_json_file !== "base/package.json",
          )
        ) {
          add(where, "installs the pull request's pnpm version for the base pack");
        }
      }
    }
  }

  // Deploys: main only, one environment per job, never cancelled halfway.
  for (const [file, wf] of Object.entries(repo.workflows)) {
    const deploys = Object.entries(wf.jobs).filter(([, j]) => rolesOf(repo, j).includes(DEPLOY_ROLE));
    if (deploys.length === 0) continue;
    const triggers = Object.keys(wf.on).sort();
    if (triggers.some((t) => t !== "push" && t !== "workflow_dispatch"))
      add(file, `deploys on ${triggers.join(", ")}`);
    const push = wf.on.push as { branches?: string[] } | undefined;
    if (JSON.stringify(push?.branches) !== JSON.stringify(["main"]))
      add(file, "deploys on pushes to branches other than main");
    for (const [name, job] of deploys) {
      if (environmentOf(job) !== `deploy-${gh("matrix.environment")}`) {
        add(`${file}/${name}`, "a deploy job must run in deploy-<the stacks' environment>");
      }
      if (checkouts(job).some((s) => s.with?.ref !== undefined))
        add(`${file}/${name}`, "deploys a ref other than the pushed commit");
      const upstream = [job.needs ?? []].flat().map((n) => wf.jobs[n]);
      const gate = upstream.find((j) => j?.if?.includes("github.ref == 'refs/heads/main'"));
      if (gate === undefined) add(`${file}/${name}`, "nothing stops a workflow_dispatch on another branch");
    }
  }
  return findings;
}
