/**
 * The tenant registry (`policies/tenants.yaml`, owned by security): each ML team with the environments
 * and pools it may use. Pulumi-free (yaml + zod) so the pack, the Nx plugin and the CLI load it cheaply.
 * Every consumer finds it the same way: the nearest `policies/tenants.yaml` at or above a directory.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError, type ConfigProblem, problemsFromZod } from "./errors.js";
import { SLUG_PATTERN } from "./naming.js";

/** Workspace-relative path of the registry. */
export const TENANT_REGISTRY_PATH = "policies/tenants.yaml";

/**
 * Environment variable naming the registry the pack judges by (an absolute path). The offline plan
 * sets it to the planned workspace's registry; unset (a real `pulumi preview`), the pack uses the
 * registry beside itself, which in CI is the base branch's.
 */
export const TENANT_REGISTRY_ENV = "RETRAIN_TENANT_REGISTRY";

const slug = (what: string, max: number) =>
  z
    .string()
    .min(2, `${what} must be 2-${max} characters`)
    .max(max, `${what} must be 2-${max} characters`)
    // Not on top of a length error (`w` is not also "not ending with a letter or digit").
    .refine(
      (v) => v.length < 2 || v.length > max || SLUG_PATTERN.test(v),
      `${what} must be lowercase letters, digits and '-', starting with a letter and ending with a letter or digit`,
    );

export const tenantGrantSchema = z.strictObject({
  /** An environment (iam/fleet stack name) the team may schedule in. */
  environment: slug("environment", 16),
  /** Pools of that environment's fleet the team's windows may target. */
  pools: z.array(slug("pool name", 24)).min(1, "a grant names at least one pool"),
});
export type TenantGrant = z.infer<typeof tenantGrantSchema>;

/**
 * Windows (maintenance windows and associations) a team stack may declare unless its registry entry
 * says otherwise. Systems Manager allows 50 maintenance windows per account and region by default
 * (https://docs.aws.amazon.com/general/latest/gr/ssm.html), shared by every team of the account, and
 * each window puts up to 2 metric filters on the team's one run-log group (100 per log group:
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html).
 * 10 keeps five teams within the account's default quota; security raises it per team.
 */
export const DEFAULT_MAX_WINDOWS = 10;
/** The most `maxWindows` may be: 2 metric filters per window on one log group of 100 (schemas.ts). */
export const MAX_WINDOWS_LIMIT = 50;

export const tenantSchema = z.strictObject({
  grants: z
    .array(tenantGrantSchema)
    .min(1, "a team needs at least one grant")
    .superRefine((grants, ctx) => {
      const seen = new Set<string>();
      grants.forEach((g, i) => {
        if (seen.has(g.environment))
          ctx.addIssue({
            code: "custom",
            path: [i, "environment"],
            message: `environment "${g.environment}" is granted twice; list its pools in one grant`,
          });
        seen.add(g.environment);
      });
    }),
  /**
   * Domains a team's alert e-mail addresses may belong to (`scheduling:notify`); none listed: the team
   * may not send alerts by e-mail.
   */
  alertEmailDomains: z
    .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "must be a domain such as example.com"))
    .default([]),
  /**
   * Windows the team's stack may declare (default {@link DEFAULT_MAX_WINDOWS}, at most
   * {@link MAX_WINDOWS_LIMIT}): one tenant must not use up the account's maintenance-window quota.
   */
  maxWindows: z
    .number()
    .int()
    .min(1, `maxWindows must be 1-${MAX_WINDOWS_LIMIT}`)
    .max(
      MAX_WINDOWS_LIMIT,
      `maxWindows must be 1-${MAX_WINDOWS_LIMIT}: a team's alerts put 2 metric filters per window on its one run-log group (CloudWatch Logs allows 100)`,
    )
    .optional(),
});
export type Tenant = z.infer<typeof tenantSchema>;

/**
 * AWS names of a team's resources are `retrain-<environment>-<team>-<its own name>`, and alarm and
 * rule names are unique per account and region, where PutMetricAlarm "completely overwrites the
 * previous configuration of the alarm"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html) and
 * PutRule replaces an existing rule
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html): if one team's
 * scope were a prefix of another's (`ml` and `ml-ops`: window `ops-nightly` of `ml` is named like window
 * `nightly` of `ml-ops`), a team could take over another's resources. Team topics (`<team>-…`) need
 * the same of team names alone.
 */
function scopesUnambiguous(teams: Record<string, Tenant>, ctx: z.RefinementCtx): void {
  for (const { team, owner } of prefixOwners(Object.keys(teams)))
    ctx.addIssue({
      code: "custom",
      path: [team],
      message: `team "${team}" starts with "${owner}-", the name prefix of team "${owner}", so the names of one team's resources could be another's; choose a team name that does not start with another team's name and "-"`,
    });
  for (const { team, index, scope, environment, clash } of scopeClashes(teams))
    ctx.addIssue({
      code: "custom",
      path: [team, "grants", index, "environment"],
      message: `the resource names of team ${team} in ${environment} start "${scope}", like those of team ${clash.team} in ${clash.environment} ("${clash.scope}"), so one team's names could be the other's; rename a team or an environment`,
    });
}

/** The prefixes of `name` that end just before a '-' (`a-b-c` → `a`, `a-b`), shortest first. */
export function dashPrefixes(name: string): string[] {
  const out: string[] = [];
  for (let i = name.indexOf("-"); i !== -1; i = name.indexOf("-", i + 1)) out.push(name.slice(0, i));
  return out;
}

/**
 * Each team whose name starts with another team's name and '-', with the first such team in
 * `names` order. Linear in the names (a Set lookup per '-' of a name), not a scan of every pair:
 * the registry of thousands of teams is validated by every process of a plan.
 */
export function prefixOwners(names: readonly string[]): { team: string; owner: string }[] {
  const rank = new Map(names.map((n, i) => [n, i]));
  const out: { team: string; owner: string }[] = [];
  for (const team of names) {
    let owner: string | undefined;
    let best = Number.POSITIVE_INFINITY;
    for (const prefix of dashPrefixes(team)) {
      const r = rank.get(prefix);
      if (r !== undefined && r < best) {
        best = r;
        owner = prefix;
      }
    }
    if (owner !== undefined) out.push({ team, owner });
  }
  return out;
}

interface Scope {
  scope: string;
  team: string;
  environment: string;
}

/**
 * Each grant whose resource-name scope (`retrain-<environment>-<team>-`) is a prefix of, or starts
 * with, the scope of an earlier grant of another team, with the first such earlier grant. Scopes
 * end in '-', so one is a prefix of another exactly at a '-' of the longer: each grant looks up its
 * own '-'-ended prefixes among earlier scopes, and itself among the '-'-ended prefixes of earlier
 * scopes, instead of scanning every earlier grant.
 */
export function scopeClashes(
  teams: Record<string, Tenant>,
): { team: string; index: number; scope: string; environment: string; clash: Scope }[] {
  const scopes: Scope[] = [];
  /** Earlier grants by their exact scope, in order. */
  const byScope = new Map<string, number[]>();
  /** Earlier grants by each '-'-ended prefix of their scope (the scope itself included), in order. */
  const byPrefix = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, k: string, i: number) => {
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  };
  /** The first grant of a list (ascending) that is not `team`'s. */
  const firstOther = (list: readonly number[] | undefined, team: string) =>
    list?.find((i) => scopes[i]!.team !== team);
  const out: { team: string; index: number; scope: string; environment: string; clash: Scope }[] = [];
  for (const [team, t] of Object.entries(teams))
    t.grants.forEach((g, index) => {
      const scope = `retrain-${g.environment}-${team}-`;
      const prefixes = dashPrefixes(scope).map((p) => `${p}-`);
      let first: number | undefined;
      const consider = (i: number | undefined) => {
        if (i !== undefined && (first === undefined || i < first)) first = i;
      };
      // An earlier scope that is a prefix of this one (or equal to it).
      for (const p of prefixes) consider(firstOther(byScope.get(p), team));
      // An earlier scope that starts with this one.
      consider(firstOther(byPrefix.get(scope), team));
      if (first !== undefined)
        out.push({ team, index, scope, environment: g.environment, clash: scopes[first]! });
      const i = scopes.push({ scope, team, environment: g.environment }) - 1;
      add(byScope, scope, i);
      for (const p of prefixes) add(byPrefix, p, i);
    });
  return out;
}

export const tenantRegistrySchema = z.strictObject({
  teams: z.record(slug("team", 24), tenantSchema).superRefine(scopesUnambiguous),
});
export type TenantRegistry = z.infer<typeof tenantRegistrySchema>;

/** The registry and the file it came from. */
export interface LoadedTenantRegistry {
  /** Absolute path of the registry file. */
  file: string;
  registry: TenantRegistry;
}

/** The nearest `policies/tenants.yaml` at or above `dir`; undefined when there is none. */
export function findTenantRegistry(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    const candidate = path.join(current, TENANT_REGISTRY_PATH);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Line and column of the YAML node at a zod path (`teams`, team, `grants`, i, ...). */
function locate(doc: ReturnType<typeof parseDocument>, lines: LineCounter, at: readonly PropertyKey[]) {
  let node: unknown = doc.contents;
  let found: Node | null | undefined = doc.contents;
  for (const seg of at) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) break;
      found = isScalar(pair.key) ? pair.key : (pair.value as Node | null);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (!item) break;
      found = item as Node;
      node = item;
    } else break;
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return {};
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** `teams.vision.grants[0].pools` → `["teams", "vision", "grants", 0, "pools"]`. */
function keyPath(key: string): PropertyKey[] {
  return [...key.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : (m[1] as string),
  );
}

/**
 * Parsed registries by absolute path: the file's identity and change times when it was read (a
 * file whose stat is unchanged is not read again: every team stack of a plan checks its grants, and
 * reading a registry of thousands of teams per stack would make the plan quadratic), and its text.
 */
const cache = new Map<string, { stat: string; text: string; registry: TenantRegistry }>();

/** A file's identity and change times, in nanoseconds: any write changes ctime. */
function statKey(file: string): string | undefined {
  try {
    const s = statSync(file, { bigint: true });
    return s.isFile() ? `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads and validates a registry file; throws a {@link ConfigError} naming the file, each key
 * (`teams.vision.grants[0].pools`) and its line. Parsed registries are remembered by content; a
 * file whose stat (identity, size, change times) is unchanged since is not read again.
 */
export function loadTenantRegistry(file: string, displayName = file): LoadedTenantRegistry {
  const absolute = path.resolve(file);
  const stat = statKey(absolute);
  const known = cache.get(absolute);
  if (stat !== undefined && known?.stat === stat) return { file: absolute, registry: known.registry };
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (e) {
    throw new ConfigError(displayName, [
      { key: "", message: `cannot read the tenant registry: ${(e as Error).message}` },
    ]);
  }
  if (known && known.text === text) {
    if (stat !== undefined) known.stat = stat;
    return { file: absolute, registry: known.registry };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      displayName,
      doc.errors.map((e) => ({
        key: "",
        message: `YAML syntax error: ${e.message.split("\n")[0] ?? ""}`,
        ...lines.linePos(e.pos[0]),
      })),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (e) {
    throw new ConfigError(displayName, [{ key: "", message: `YAML error: ${(e as Error).message}` }]);
  }
  const parsed = tenantRegistrySchema.safeParse(value ?? {});
  if (!parsed.success) {
    const problems = problemsFromZod("", parsed.error, value, tenantRegistrySchema).map((p) => {
      // problemsFromZod writes Pulumi-style `ns:key`; a registry key has no namespace.
      const key = p.key.replace(/^:/, "");
      // Located by the problem's own key: one zod issue can be several problems (unknown keys).
      return { ...p, key, ...locate(doc, lines, keyPath(key)) };
    });
    throw new ConfigError(displayName, problems);
  }
  if (stat !== undefined) cache.set(absolute, { stat, text, registry: parsed.data });
  return { file: absolute, registry: parsed.data };
}

/** What a team is granted, in words: `prod (pools a10g, l4), dev (pool a10g)` or `nothing`. */
export function describeGrants(tenant: Tenant | undefined): string {
  if (!tenant) return "nothing (the team is not in the tenant registry)";
  return tenant.grants
    .map((g) => `${g.environment} (pool${g.pools.length > 1 ? "s" : ""} ${g.pools.join(", ")})`)
    .join(", ");
}

/** What a team's stack asks for: its environment and, per window, the pool and the key naming it. */
export interface TenancyRequest {
  team: string;
  environment: string;
  pools: { pool: string; key: string }[];
  /** How many windows the stack declares (`scheduling:windows`); unchecked when absent. */
  windows?: number;
}

/**
 * The problems of a team's request against the registry: an unregistered team, an environment or a
 * pool not granted. Each message names the team and what it is granted. Keys are Pulumi config keys
 * (`scheduling:environment`, `scheduling:windows[0].pool`); `registryFile` is named in the message.
 */
export function checkTenancy(
  registry: TenantRegistry,
  request: TenancyRequest,
  registryFile = TENANT_REGISTRY_PATH,
): ConfigProblem[] {
  const tenant = Object.hasOwn(registry.teams, request.team) ? registry.teams[request.team] : undefined;
  if (!tenant) {
    return [
      {
        key: "scheduling:team",
        message: `team "${request.team}" is not registered in ${registryFile}; security adds a team there (pnpm retrain team add) before it can schedule`,
      },
    ];
  }
  const grant = tenant.grants.find((g) => g.environment === request.environment);
  if (!grant) {
    return [
      {
        key: "scheduling:environment",
        message: `team "${request.team}" may not use environment "${request.environment}"; it is granted ${describeGrants(tenant)} in ${registryFile}`,
      },
    ];
  }
  const problems: ConfigProblem[] = request.pools
    .filter((p) => !grant.pools.includes(p.pool))
    .map((p) => ({
      key: p.key,
      message: `team "${request.team}" may not use pool "${p.pool}" of ${request.environment}; it is granted ${describeGrants(tenant)} in ${registryFile}`,
    }));
  const maxWindows = tenant.maxWindows ?? DEFAULT_MAX_WINDOWS;
  if (request.windows !== undefined && request.windows > maxWindows)
    problems.push({
      key: "scheduling:windows",
      message: `team "${request.team}" declares ${request.windows} windows, more than the ${maxWindows} it may have (${tenant.maxWindows === undefined ? `the default; security may raise it with maxWindows, at most ${MAX_WINDOWS_LIMIT}, in` : "maxWindows in"} ${registryFile}): every team shares the account's 50 maintenance windows per region; merge windows or ask security`,
    });
  return problems;
}

/** The teams granted `environment`, sorted by name, with their pools there. */
export function teamsGranted(
  registry: TenantRegistry,
  environment: string,
): { team: string; pools: string[] }[] {
  return Object.entries(registry.teams)
    .flatMap(([team, t]) => {
      const g = t.grants.find((x) => x.environment === environment);
      return g ? [{ team, pools: g.pools }] : [];
    })
    .sort((a, b) => a.team.localeCompare(b.team));
}

const poolTeams = new WeakMap<TenantRegistry, ReadonlyMap<string, readonly string[]>>();

/**
 * The teams the registry grants `pool` of `environment`, sorted by name. A pool name in two
 * environments is two pools (two fleets, `retrain-<environment>`), as the plan's clash check keys them.
 */
export function teamsOnPool(registry: TenantRegistry, environment: string, pool: string): readonly string[] {
  let index = poolTeams.get(registry);
  if (!index) {
    const m = new Map<string, string[]>();
    for (const [team, tenant] of Object.entries(registry.teams))
      for (const g of tenant.grants)
        for (const p of new Set(g.pools)) {
          const key = `${g.environment}\u0000${p}`;
          const teams = m.get(key);
          if (teams) teams.push(team);
          else m.set(key, [team]);
        }
    for (const teams of m.values()) teams.sort();
    index = m;
    poolTeams.set(registry, index);
  }
  return index.get(`${environment}\u0000${pool}`) ?? [];
}
