/**
 * Team onboarding: a new scheduling stack config from a template, validated, owned by the team in
 * CODEOWNERS, and the team's grant in the tenant registry (so the onboarding change is one pull request
 * that security must approve). Shared by `nx g @retrain/nx-pulumi:team` and `retrain team add`.
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
  loadTenantRegistry,
  PULUMI_PROJECTS,
  STACK_LAYOUT,
  schedulingConfigSchema,
  stackProjectName,
  TENANT_REGISTRY_PATH,
} from "@retrain/config/workspace";
import ignore from "ignore";
import { isMap, isScalar, parseDocument } from "yaml";

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
  /** Pool of that environment's fleet the starter window targets; default the first granted pool. */
  pool?: string;
  /**
   * Pools of that environment the tenant registry grants the team; default `[pool]` (or the fleet's
   * first pool). Security reviews the grant: it lands in policies/tenants.yaml in the same change.
   */
  pools?: string[];
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
  /** Workspace-relative path of the tenant registry the team's grant was added to. */
  registry: string;
  /** The grant added: the environment and its pools. */
  grant: { environment: string; pools: string[] };
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
 * Validates the rendered config and registry exactly as the plan and the stack program will read
 * them. The loaders read files, so the texts go to a scratch folder first: nothing lands in the
 * workspace until both are valid and the config passes the new grant.
 */
function validate(config: string, registry: string, team: string, displayName: string): void {
  const dir = mkdtempSync(path.join(tmpdir(), "retrain-team-"));
  try {
    const registryFile = path.join(dir, TENANT_REGISTRY_PATH);
    mkdirSync(path.dirname(registryFile), { recursive: true });
    writeFileSync(registryFile, registry);
    const tenantRegistry = loadTenantRegistry(registryFile, TENANT_REGISTRY_PATH);
    const file = path.join(dir, `Pulumi.${team}.yaml`);
    writeFileSync(file, config);
    loadStackConfig(file, {
      kind: "scheduling",
      project: PULUMI_PROJECTS.scheduling,
      displayName,
      tenantRegistry,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const REGISTRY_HEADER = `# The tenant registry: which environments and pools each ML team may schedule on. Owned by security
# (CODEOWNERS). Onboarding a team (\`pnpm retrain team add\`) adds its entry here.
`;

/**
 * The registry with `team`'s grant added, through the yaml Document API so security's comments and
 * layout stay as they are. A team already registered keeps its entry when it grants what onboarding
 * asks; any other existing entry is security's to change, not onboarding's.
 */
export function registryWithTeam(
  text: string | undefined,
  team: string,
  grant: { environment: string; pools: string[] },
  registryFile = TENANT_REGISTRY_PATH,
): string {
  const doc = parseDocument(text ?? `${REGISTRY_HEADER}teams: {}\n`);
  if (doc.errors.length > 0) {
    throw new TeamError(
      `${registryFile} is not valid YAML (${doc.errors[0]?.message.split("\n")[0]}); fix it first`,
    );
  }
  if (!isMap(doc.contents)) throw new TeamError(`${registryFile} must be a mapping with a teams: key`);
  let teams = doc.get("teams", true);
  if (teams === undefined || teams === null || (isScalar(teams) && teams.value === null)) {
    doc.set("teams", doc.createNode({}));
    teams = doc.get("teams", true);
  }
  if (!isMap(teams)) throw new TeamError(`${registryFile}: teams must be a mapping of team names to grants`);
  const existing = teams.get(team, true);
  if (existing !== undefined) {
    const grants = (isMap(existing) ? existing.toJSON() : {}) as {
      grants?: { environment?: string; pools?: string[] }[];
    };
    const has = grants.grants?.find((g) => g.environment === grant.environment);
    if (has && grant.pools.every((p) => has.pools?.includes(p))) return text ?? doc.toString();
    throw new TeamError(
      `team "${team}" is already in ${registryFile} without the grant ${grant.environment} (${grant.pools.join(", ")}); security changes existing grants there`,
    );
  }
  const pools = doc.createNode(grant.pools);
  pools.flow = true;
  const entry = doc.createNode({ grants: [{ environment: grant.environment, pools: [] }] });
  entry.setIn(["grants", 0, "pools"], pools);
  if (teams.flow) teams.flow = false;
  teams.set(doc.createNode(team), entry);
  // `[a10g]`, as security writes it (yaml pads flow collections by default).
  return doc.toString({ flowCollectionPadding: false });
}

/** A comment line that starts the security block of CODEOWNERS: team lines go above it, so it stays last. */
export const CODEOWNERS_SECURITY_MARKER = "# Security-owned: keep this block last";

/**
 * The owners GitHub requests for `file` (workspace-relative): those of the LAST line whose pattern
 * matches (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners).
 * Patterns follow gitignore rules, matched with `ignore`; CODEOWNERS has no `!` negation or `[ ]`
 * ranges, and neither is used here.
 */
export function codeownersFor(text: string, file: string): string[] {
  let owners: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [pattern, ...who] = line.split(/\s+/);
    if (pattern && ignore().add(pattern).ignores(file)) owners = who;
  }
  return owners;
}

/** CODEOWNERS with the team line added: above the security block when there is one, else at the end. */
export function codeownersWithTeam(text: string, line: string): string {
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  let at = lines.findIndex((l) => l.trim() === CODEOWNERS_SECURITY_MARKER);
  if (at === -1) return `${[...lines, line].join("\n")}\n`;
  // Keep the blank line that separates the block.
  while (at > 0 && lines[at - 1]?.trim() === "") at--;
  return `${[...lines.slice(0, at), line, ...lines.slice(at)].join("\n")}\n`;
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
  const pool = options.pool ?? options.pools?.[0] ?? fleet.pools[0];
  const pools =
    options.pools !== undefined && options.pools.length > 0
      ? [...new Set(options.pools)]
      : pool !== undefined
        ? [pool]
        : [];
  for (const p of [pool, ...pools]) {
    if (p === undefined || !fleet.pools.includes(p)) {
      throw new TeamError(
        `pool "${p ?? ""}" is not in the ${environment} fleet; pools: ${fleet.pools.join(", ") || "(none)"}`,
      );
    }
  }
  if (pool === undefined || !pools.includes(pool)) {
    throw new TeamError(
      `the starter window's pool "${pool ?? ""}" must be one of the granted pools (${pools.join(", ")})`,
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

  const grant = { environment, pools };
  const registry = registryWithTeam(files.read(TENANT_REGISTRY_PATH), team, grant);
  const text = teamConfigTemplate({ team, environment, pool, region });
  validate(text, registry, team, configFile);

  // Last matching pattern wins in CODEOWNERS: after the platform's /stacks/ lines, the team owns its
  // folder; above the security block, it can never take over the registry.
  const nextOwners = codeownersWithTeam(existingOwners, `/${folder}/ ${owners.join(" ")}`);
  const teamOwners = codeownersFor(nextOwners, configFile);
  if (teamOwners.join(" ") !== owners.join(" ")) {
    throw new TeamError(
      `${codeowners}: after adding the team's line, ${configFile} would be owned by ${teamOwners.join(" ") || "nobody"}, not ${owners.join(" ")}; a later line overrides it`,
    );
  }
  for (const guarded of [TENANT_REGISTRY_PATH, codeowners]) {
    if (codeownersFor(nextOwners, guarded).join(" ") !== codeownersFor(existingOwners, guarded).join(" ")) {
      throw new TeamError(
        `${codeowners}: the team's line would change who owns ${guarded}; check the patterns`,
      );
    }
  }

  files.write(configFile, text);
  files.write(TENANT_REGISTRY_PATH, registry);
  files.write(codeowners, nextOwners);

  const project = stackProjectName({ kind: "scheduling", stack: team });
  return {
    configFile,
    codeowners,
    registry: TENANT_REGISTRY_PATH,
    grant,
    owners,
    project,
    nextSteps: [
      `Edit ${configFile}: the schedule, the pool and the command your retraining runs.`,
      `Check it offline with the policy pack: pnpm plan (or nx run ${project}:plan).`,
      `Create the stack once per backend: cd stacks/scheduling && pulumi stack init ${team}`,
      `Preview against AWS: npx nx run ${project}:preview`,
      `Open a pull request: security reviews the grant in ${TENANT_REGISTRY_PATH}, CI previews it; merging to main deploys it.`,
    ],
  };
}
