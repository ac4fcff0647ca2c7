/**
 * Team onboarding: a new scheduling stack config from a template, validated, owned by the team in
 * CODEOWNERS. Shared by `nx g @retrain/nx-pulumi:team` and `retrain team add`.
 */
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
import {
  loadStackConfig,
  PULUMI_PROJECTS,
  STACK_LAYOUT,
  schedulingConfigSchema,
} from "@retrain/config/workspace";
import { parseDocument } from "yaml";
import { stackProjectName } from "./stack-project.js";

/** The few file operations onboarding needs: the real disk for the CLI, Nx's Tree for the generator. */
export interface WorkspaceFiles {
  exists(file: string): boolean;
  read(file: string): string | undefined;
  write(file: string, content: string): void;
}

export interface AddTeamOptions {
  workspaceRoot: string;
  /** Team name: the Pulumi stack name and the folder, a slug of 2-24 characters. */
  team: string;
  /** Environment (iam and fleet stack) the team's windows run in; default `dev`. */
  environment?: string;
  /** Pool of that environment's fleet the starter window targets; default its first pool. */
  pool?: string;
  /** CODEOWNERS owners of the team's folder; default `@<org>/<team>` with the org used in CODEOWNERS. */
  owners?: string[];
  /** AWS region; default the fleet environment's `aws:region`. */
  region?: string;
  /** File access relative to workspaceRoot; default the disk. */
  files?: WorkspaceFiles;
}

export interface AddTeamResult {
  /** Workspace-relative path of the created config file. */
  configFile: string;
  /** Workspace-relative path of the CODEOWNERS file updated. */
  codeowners: string;
  owners: string[];
  /** The Nx project of the new stack, e.g. `scheduling-vision`. */
  project: string;
  nextSteps: string[];
}

export class TeamError extends Error {
  override readonly name = "TeamError";
}

/** GitHub reads CODEOWNERS from these places, first found wins. */
export const CODEOWNERS_LOCATIONS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

export function diskFiles(workspaceRoot: string): WorkspaceFiles {
  const abs = (f: string) => path.join(workspaceRoot, f);
  return {
    exists: (f) => existsSync(abs(f)),
    read: (f) => (existsSync(abs(f)) ? readFileSync(abs(f), "utf8") : undefined),
    write: (f, content) => {
      mkdirSync(path.dirname(abs(f)), { recursive: true });
      writeFileSync(abs(f), content);
    },
  };
}

/** The starter config: one weekly window that passes the schema and the policy pack's defaults. */
export function teamConfigTemplate(o: {
  team: string;
  environment: string;
  pool: string;
  region: string;
}): string {
  return `# Stack config of team ${o.team}'s retraining windows (Pulumi project ${PULUMI_PROJECTS.scheduling}).
# Edit the schedule, pool and command, then check with \`pnpm plan\`. Reference: docs/delivery.md.
config:
  aws:region: ${o.region}
  scheduling:team: ${o.team}
  # The iam and fleet stacks (environment) the windows run in.
  scheduling:environment: ${o.environment}
  scheduling:windows:
    - name: weekly-retrain
      # AWS SSM cron: minute hour day-of-month month day-of-week year, in the timezone below.
      schedule: cron(0 3 ? * SUN *)
      timezone: UTC
      durationHours: 3
      cutoffHours: 1
      pool: ${o.pool}
      # Start the pool's instances first and stop them last (needed on pools that stop when idle);
      # start, tasks and stop must all begin before durationHours - cutoffHours.
      startStopInstances: true
      tasks:
        - name: retrain
          # Runs on every instance of the pool as the training user; replace with your job.
          command: /opt/retrain/${o.team}/train.sh
          timeoutSeconds: 5400
          # On all of the pool's instances at once (with "1" they would run one after another).
          maxConcurrency: "100%"
`;
}

/** Pools and region of an environment's fleet config, read leniently (the fleet owns validation). */
function fleetOf(
  files: WorkspaceFiles,
  environment: string,
): { pools: string[]; region?: string } | undefined {
  const text = files.read(`${STACK_LAYOUT.fleet}/${environment}/Pulumi.${environment}.yaml`);
  if (text === undefined) return undefined;
  const config = parseDocument(text).toJS()?.config as Record<string, unknown> | undefined;
  const pools = Array.isArray(config?.["fleet:pools"]) ? (config["fleet:pools"] as { name?: unknown }[]) : [];
  const region = config?.["aws:region"];
  return {
    pools: pools.flatMap((p) => (typeof p?.name === "string" ? [p.name] : [])),
    ...(typeof region === "string" ? { region } : {}),
  };
}

/** Environments that have a fleet stack config. */
function environments(files: WorkspaceFiles, workspaceRoot: string): string[] {
  // Listing folders needs the disk; Nx's Tree mirrors it for the files a generator did not touch.
  const dir = path.join(workspaceRoot, STACK_LAYOUT.fleet);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .filter((e) => files.exists(`${STACK_LAYOUT.fleet}/${e}/Pulumi.${e}.yaml`));
}

/** The `@org` of the first `@org/team` handle in CODEOWNERS. */
export function codeownersOrg(text: string): string | undefined {
  for (const line of text.split("\n")) {
    if (line.trim().startsWith("#")) continue;
    const match = /\s@([A-Za-z0-9-]+)\/[A-Za-z0-9_.-]+/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * Validates the rendered config exactly as the plan and the stack program will read it. The loader
 * reads files, so the text goes to a scratch file first: nothing lands in the workspace until valid.
 */
function validate(text: string, team: string, displayName: string): void {
  const dir = mkdtempSync(path.join(tmpdir(), "retrain-team-"));
  try {
    const file = path.join(dir, `Pulumi.${team}.yaml`);
    writeFileSync(file, text);
    loadStackConfig(file, { kind: "scheduling", project: PULUMI_PROJECTS.scheduling, displayName });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function addTeam(options: AddTeamOptions): AddTeamResult {
  const { workspaceRoot, team } = options;
  const files = options.files ?? diskFiles(workspaceRoot);

  const name = schedulingConfigSchema.shape.team.safeParse(team);
  if (!name.success) {
    throw new TeamError(`invalid team name "${team}": ${name.error.issues.map((i) => i.message).join("; ")}`);
  }
  const folder = `${STACK_LAYOUT.scheduling}/${team}`;
  const configFile = `${folder}/Pulumi.${team}.yaml`;
  if (files.exists(folder) || files.exists(configFile)) {
    throw new TeamError(`team "${team}" already exists: ${folder}/ is there (edit ${configFile} instead)`);
  }

  const environment = options.environment ?? "dev";
  const fleet = fleetOf(files, environment);
  if (fleet === undefined) {
    const known = environments(files, workspaceRoot);
    throw new TeamError(
      `no fleet stack for environment "${environment}" (${STACK_LAYOUT.fleet}/${environment}/Pulumi.${environment}.yaml); ` +
        (known.length > 0 ? `environments: ${known.join(", ")}` : "create the fleet stack first"),
    );
  }
  const pool = options.pool ?? fleet.pools[0];
  if (pool === undefined || !fleet.pools.includes(pool)) {
    throw new TeamError(
      `pool "${pool ?? ""}" is not in the ${environment} fleet; pools: ${fleet.pools.join(", ") || "(none)"}`,
    );
  }
  const region = options.region ?? fleet.region ?? "eu-west-1";

  const codeowners = CODEOWNERS_LOCATIONS.find((f) => files.exists(f)) ?? CODEOWNERS_LOCATIONS[0];
  const existingOwners = files.read(codeowners) ?? "";
  let owners = options.owners;
  if (owners === undefined || owners.length === 0) {
    const org = codeownersOrg(existingOwners);
    if (org === undefined) {
      throw new TeamError(
        `cannot tell the GitHub org from ${codeowners}: pass the owners (e.g. --owners @acme/${team})`,
      );
    }
    owners = [`@${org}/${team}`];
  }
  for (const owner of owners) {
    if (!/^(@[A-Za-z0-9-]+(\/[A-Za-z0-9_.-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/.test(owner)) {
      throw new TeamError(`invalid owner "${owner}": use @user, @org/team or an email address`);
    }
  }

  const text = teamConfigTemplate({ team, environment, pool, region });
  validate(text, team, configFile);

  files.write(configFile, text);
  // Last matching pattern wins in CODEOWNERS: appended after the platform's /stacks/ lines, the team owns its folder.
  const line = `/${folder}/ ${owners.join(" ")}`;
  const sep = existingOwners === "" || existingOwners.endsWith("\n") ? "" : "\n";
  files.write(codeowners, `${existingOwners}${sep}${line}\n`);

  const project = stackProjectName({ kind: "scheduling", stack: team });
  return {
    configFile,
    codeowners,
    owners,
    project,
    nextSteps: [
      `Edit ${configFile}: the schedule, the pool and the command your retraining runs.`,
      `Check it offline with the policy pack: pnpm plan (or nx run ${project}:plan).`,
      `Create the stack once per backend: cd stacks/scheduling && pulumi stack init ${team}`,
      `Preview against AWS: npx nx run ${project}:preview`,
      "Open a pull request: CI previews it; merging to main deploys it.",
    ],
  };
}
