/**
 * Team onboarding: a new scheduling stack config from a template, validated, owned by the team in
 * CODEOWNERS, and the team's grant in the tenant registry (so the onboarding change is one pull request
 * that security must approve). Shared by `nx g @retrain/nx-pulumi:team` and `retrain team add`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type DiscoveredStack,
  discoverStacks,
  type LoadedStack,
  type LoadedTenantRegistry,
  loadStackConfig,
  loadTenantRegistry,
  PULUMI_PROJECTS,
  poolStopWhenIdleMinutes,
  programDirOfKind,
  STACK_LAYOUT,
  schedulingConfigSchema,
  stackProjectName,
  TENANT_REGISTRY_PATH,
  teamsOnPool,
  toPosix,
  type WindowConfig,
} from "@retrain/config/workspace";
import { describe, windowOccurrences } from "@retrain/schedule";
import {
  buildScheduleView,
  CLASH_LOOKAHEAD_WEEKS,
  clashLookahead,
  DEFAULT_WEEKS,
  findClashes,
  horizon,
  splitAtHorizon,
  type WindowRuns,
  windowRunsOf,
  windowSchedule,
} from "@retrain/windows";
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
  /**
   * Start of the plan horizon the starter window's slot is judged over (the plan's `--from`);
   * default now. The slot is free over the clash check's lookahead from here.
   */
  from?: Date;
  /** File access relative to workspaceRoot; default the disk. */
  files?: WorkspaceFiles;
}

/** The starter window onboarding wrote: where and when it runs, and why. */
export interface StarterWindow {
  name: string;
  pool: string;
  /** A weekly AWS cron in `timezone`: the first of {@link STARTER_SLOTS} free on the pool. */
  schedule: string;
  timezone: string;
  durationHours: number;
  /** True when the fleet stops the pool's instances when idle: the window then starts and stops them. */
  startStopInstances: boolean;
  /** The pool's `stopWhenIdleMinutes` in the fleet config (its own, else the fleet's); 0 = always on. */
  stopWhenIdleMinutes: number;
  /**
   * The other teams granted the pool (tenant registry) or holding it with a window, sorted: when
   * any, the pool is shared, and the policy pack refuses rate() schedules and windows whose first
   * run is beyond its horizonWeeks there (a weekly cron is neither).
   */
  sharedWith: string[];
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
  /** The starter window written. */
  window: StarterWindow;
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

/** The starter window's fixed fields; onboarding picks its slot and startStopInstances. */
export const STARTER_WINDOW = {
  name: "weekly-retrain",
  timezone: "UTC",
  durationHours: 3,
  cutoffHours: 1,
  timeoutSeconds: 5400,
} as const;

/** Days the starter window may run on, in order of preference: the weekend first. */
export const STARTER_DAYS = ["SUN", "SAT", "MON", "TUE", "WED", "THU", "FRI"] as const;
/** Start hours (UTC) in order of preference: the night from 03:00 on, then round the clock. */
export const STARTER_HOURS: readonly number[] = Array.from({ length: 24 }, (_, i) => (i + 3) % 24);

/**
 * The starter window's candidate schedules, in the order they are tried: each start hour on every
 * day ({@link STARTER_DAYS}) before the next hour ({@link STARTER_HOURS}), so a taken night slot
 * moves to another day's night before it moves to the day. Weekly crons only: on a shared pool the
 * pack refuses rate() schedules and windows whose first run is beyond its horizonWeeks (at least
 * one week), and a weekly cron runs within a week.
 */
export const STARTER_SLOTS: readonly string[] = STARTER_HOURS.flatMap((hour) =>
  STARTER_DAYS.map((day) => `cron(0 ${hour} ? * ${day} *)`),
);

/** The starter config: one weekly window that passes the schema and the policy pack's defaults. */
export function teamConfigTemplate(o: {
  team: string;
  environment: string;
  pool: string;
  region: string;
  /** The window's schedule, a weekly cron in UTC; default the first of {@link STARTER_SLOTS}. */
  schedule?: string;
  /**
   * The pool's stopWhenIdleMinutes: above 0 the window starts and stops the instances, at 0 (an
   * always-on pool) it must not stop them. Default 0.
   */
  stopWhenIdleMinutes?: number;
}): string {
  const w = STARTER_WINDOW;
  const idle = o.stopWhenIdleMinutes ?? 0;
  const startStop =
    idle > 0
      ? `      # The fleet stops this pool's instances after ${idle} idle minutes: start them first and stop
      # them last. Start, tasks and stop must all begin before durationHours - cutoffHours.
      startStopInstances: true`
      : `      # The pool is always on (stopWhenIdleMinutes: 0): the window must not stop it, other teams'
      # windows and associations rely on its instances running. Tasks must begin before
      # durationHours - cutoffHours.
      startStopInstances: false`;
  return `# Stack config of team ${o.team}'s retraining windows (Pulumi project ${PULUMI_PROJECTS.scheduling}).
# Edit the schedule, pool and command, then check with \`pnpm plan\`. Reference: docs/delivery.md.
config:
  aws:region: ${o.region}
  scheduling:team: ${o.team}
  # The iam and fleet stacks (environment) the windows run in.
  scheduling:environment: ${o.environment}
  scheduling:windows:
    - name: ${w.name}
      # AWS SSM cron: minute hour day-of-month month day-of-week year, in the timezone below. Onboarding
      # chose a weekly slot no other team's window holds on pool ${o.pool} of ${o.environment}; if you move
      # it, \`pnpm plan\` reports any clash with the pool's other teams.
      schedule: ${o.schedule ?? STARTER_SLOTS[0]}
      timezone: ${w.timezone}
      durationHours: ${w.durationHours}
      cutoffHours: ${w.cutoffHours}
      pool: ${o.pool}
${startStop}
      tasks:
        - name: retrain
          # Runs on every instance of the pool as the training user; replace with your job.
          command: /opt/retrain/${o.team}/train.sh
          timeoutSeconds: ${w.timeoutSeconds}
          # On all of the pool's instances at once (with "1" they would run one after another).
          maxConcurrency: "100%"
`;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

type FleetStack = DiscoveredStack & { config: LoadedStack<"fleet"> };

/**
 * The environment's fleet stack, as discovery (@retrain/config) loads and validates it: the pools,
 * their idle stop and the region onboarding reads are the ones the plan and the program read.
 */
function fleetOf(
  workspace: ReturnType<typeof discoverStacks>,
  environment: string,
): { fleet: FleetStack } | { error: string } {
  const id = `fleet/${environment}`;
  const fleet = workspace.stacks.find((s): s is FleetStack => s.id === id && s.config.kind === "fleet");
  if (fleet) return { fleet };
  const entry = workspace.entries.find((e) => e.id === id);
  if (entry?.status === "invalid") {
    return { error: `the ${environment} fleet stack config is invalid; fix it first: ${entry.message}` };
  }
  const known = [...new Set(workspace.entries.filter((e) => e.kind === "fleet").map((e) => e.stack))].sort();
  return {
    error:
      `no fleet stack for environment "${environment}" (${STACK_LAYOUT.fleet}/${environment}/Pulumi.${environment}.yaml); ` +
      (known.length > 0 ? `environments: ${known.join(", ")}` : "create the fleet stack first"),
  };
}

/** A team's window with its runs as the plan's clash check sees it ({@link buildScheduleView}). */
function windowRuns(
  team: string,
  environment: string,
  w: WindowConfig,
  range: { from: Date; to: Date },
  latestFirstRun?: Date,
): WindowRuns {
  // As the schedule view walks a window on a shared pool: over the pool's clash range (a lookahead
  // past its latest first run), horizon runs in `occurrences`, the others in `later`.
  return windowRunsOf(
    { team, stackId: `scheduling/${team}`, environment },
    w,
    splitAtHorizon(windowOccurrences(windowSchedule(w), clashLookahead(range, latestFirstRun)), range.to),
  );
}

/**
 * The first of `candidates` (schedules) with which `window` of `team` clashes with none of
 * `others` (the other teams' enabled windows on its pool of `environment`, with their runs over the
 * clash lookahead) by the plan's own clash check ({@link findClashes}): over the horizon `range` and
 * the {@link CLASH_LOOKAHEAD_WEEKS} weeks the check looks ahead on shared pools. Undefined when
 * every candidate clashes.
 */
export function firstFreeSlot(o: {
  team: string;
  environment: string;
  window: WindowConfig;
  others: readonly WindowRuns[];
  range: { from: Date; to: Date };
  candidates?: readonly string[];
}): string | undefined {
  const others = o.others.filter(
    (w) => w.team !== o.team && w.environment === o.environment && w.pool === o.window.pool,
  );
  // The pool's latest first run among the others: the new window is compared as far as they reach.
  const firsts = others.flatMap((w) => (w.occurrences[0] ?? w.later?.[0])?.start ?? []);
  const latest = firsts.length > 0 ? new Date(Math.max(...firsts.map((d) => d.getTime()))) : undefined;
  for (const schedule of o.candidates ?? STARTER_SLOTS) {
    if (others.length === 0) return schedule;
    const mine = windowRuns(o.team, o.environment, { ...o.window, schedule }, o.range, latest);
    const clash = findClashes([...others, mine]).some((c) => c.a.team === o.team || c.b.team === o.team);
    if (!clash) return schedule;
  }
  return undefined;
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
 * them, and returns both loaded. The loaders read files, so the texts go to a scratch folder first:
 * nothing lands in the workspace until both are valid and the config passes the new grant.
 */
function loadRendered(
  config: string,
  registry: string,
  team: string,
  displayName: string,
): { config: LoadedStack<"scheduling">; registry: LoadedTenantRegistry } {
  const dir = mkdtempSync(path.join(tmpdir(), "retrain-team-"));
  try {
    const registryFile = path.join(dir, TENANT_REGISTRY_PATH);
    mkdirSync(path.dirname(registryFile), { recursive: true });
    writeFileSync(registryFile, registry);
    const tenantRegistry = loadTenantRegistry(registryFile, TENANT_REGISTRY_PATH);
    const file = path.join(dir, `Pulumi.${team}.yaml`);
    writeFileSync(file, config);
    const loaded = loadStackConfig(file, {
      kind: "scheduling",
      project: PULUMI_PROJECTS.scheduling,
      displayName,
      tenantRegistry,
    });
    if (loaded.kind !== "scheduling") throw new TeamError(`${displayName} did not load as a team config`);
    return { config: loaded, registry: tenantRegistry };
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

/**
 * Onboards `team`. The fleet and the other teams' stacks are read from the disk under workspaceRoot
 * as the plan discovers them (through @retrain/config), so the starter window is judged by the
 * plan's own rules: it starts and stops its pool exactly when the fleet stops that pool when idle,
 * and runs in the first of {@link STARTER_SLOTS} that no other team's window on the pool overlaps
 * over the plan's clash lookahead. The files written go through `files` (Nx's tree in the generator).
 */
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
  const workspace = discoverStacks(workspaceRoot);
  const found = fleetOf(workspace, environment);
  if ("error" in found) throw new TeamError(found.error);
  const { fleet } = found;
  const fleetPools = fleet.config.config.pools.map((p) => p.name);
  const pool = options.pool ?? options.pools?.[0] ?? fleetPools[0];
  const pools =
    options.pools !== undefined && options.pools.length > 0
      ? [...new Set(options.pools)]
      : pool !== undefined
        ? [pool]
        : [];
  for (const p of [pool, ...pools]) {
    if (p === undefined || !fleetPools.includes(p)) {
      throw new TeamError(
        `pool "${p ?? ""}" is not in the ${environment} fleet; pools: ${fleetPools.join(", ") || "(none)"}`,
      );
    }
  }
  if (pool === undefined || !pools.includes(pool)) {
    throw new TeamError(
      `the starter window's pool "${pool ?? ""}" must be one of the granted pools (${pools.join(", ")})`,
    );
  }
  const region = options.region ?? fleet.config.region;
  if (region !== fleet.config.region) {
    const fleetFile = toPosix(path.relative(workspaceRoot, fleet.configFile));
    throw new TeamError(
      `region "${region}" is not the ${environment} environment's: ${fleetFile} sets aws:region: ${fleet.config.region}, and every stack of an environment deploys to one region (a team's windows elsewhere would target no instance). Omit --region or pass ${fleet.config.region}`,
    );
  }
  const poolConfig = fleet.config.config.pools.find((p) => p.name === pool)!;
  const stopWhenIdleMinutes = poolStopWhenIdleMinutes(fleet.config.config, poolConfig);

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
  const render = (schedule: string) =>
    teamConfigTemplate({ team, environment, pool, region, schedule, stopWhenIdleMinutes });
  // The first candidate, loaded: the window every candidate slot varies only the schedule of.
  const starter = loadRendered(render(STARTER_SLOTS[0]!), registry, team, configFile);
  const window = starter.config.config.windows[0]!;

  // The other teams' windows on the pool over the plan's horizon, from the plan's schedule view with
  // the new team in it: then the pool counts as shared, and their runs reach the clash lookahead.
  const range = horizon(options.from ?? new Date(), DEFAULT_WEEKS);
  const newStack: DiscoveredStack = {
    id: `scheduling/${team}`,
    kind: "scheduling",
    project: PULUMI_PROJECTS.scheduling,
    stack: team,
    programDir: path.join(workspaceRoot, programDirOfKind("scheduling")),
    configFile: path.join(workspaceRoot, configFile),
    root: folder,
    config: starter.config,
    references: [],
  };
  const others = buildScheduleView(
    [...workspace.stacks.filter((s) => s.id !== newStack.id), newStack],
    workspaceRoot,
    range,
  ).windows.filter((w) => w.team !== team && w.environment === environment && w.pool === pool);
  const schedule = firstFreeSlot({ team, environment, window, others, range });
  if (schedule === undefined) {
    const held = [...new Set(others.map((w) => `${w.team}/${w.window}`))].sort().join(", ");
    throw new TeamError(
      `no free slot for the starter window on pool "${pool}" of environment ${environment}: every weekly start (each hour of each day, UTC) of a ${window.durationHours} h window overlaps another team's window there (${held}) within the plan's ${CLASH_LOOKAHEAD_WEEKS}-week clash lookahead; grant another pool (--pool) or make room on ${pool} first`,
    );
  }
  const text = render(schedule);
  loadRendered(text, registry, team, configFile);

  const sharedWith = [
    ...new Set([
      ...teamsOnPool(starter.registry.registry, environment, pool).filter((t) => t !== team),
      ...others.map((w) => w.team),
    ]),
  ].sort();

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
  const starterWindow: StarterWindow = {
    name: window.name,
    pool,
    schedule,
    timezone: window.timezone,
    durationHours: window.durationHours,
    startStopInstances: stopWhenIdleMinutes > 0,
    stopWhenIdleMinutes,
    sharedWith,
  };
  return {
    configFile,
    codeowners,
    registry: TENANT_REGISTRY_PATH,
    grant,
    owners,
    project,
    window: starterWindow,
    nextSteps: [
      `Edit ${configFile}: the schedule, the pool and the command your retraining runs. The starter window runs ${lowerFirst(describe(schedule, { timezone: window.timezone }))} for ${window.durationHours} h, a slot free on pool ${pool} of ${environment}` +
        (sharedWith.length > 0
          ? ` (shared with ${sharedWith.join(", ")}: keep a cron schedule, not rate(), and pnpm plan reports any clash)`
          : "") +
        (stopWhenIdleMinutes > 0
          ? `; it starts and stops the pool, which stops when idle (${stopWhenIdleMinutes} min).`
          : "; the pool is always on, so the window does not start or stop it."),
      `Say who hears of a failed or missed run: scheduling:notify with e-mail addresses in a domain security lists for ${team} (alertEmailDomains in ${TENANT_REGISTRY_PATH}), or a topic ${team}-... of your own (docs/operations.md); until then pnpm plan reports the advisory window-notifications.`,
      `Check it offline with the policy pack: pnpm plan (or nx run ${project}:plan).`,
      `Create the stack once per backend: cd stacks/scheduling && pulumi stack init ${team}`,
      `Preview against AWS: npx nx run ${project}:preview`,
      `Open a pull request: security reviews the grant in ${TENANT_REGISTRY_PATH}, CI previews it; merging to main deploys it.`,
    ],
  };
}
