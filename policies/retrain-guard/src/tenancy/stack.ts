/**
 * What a team's scheduling stack reaches, read from its resources alone (the pack never trusts the
 * config package): which stack it is, and which fleet and pools its targets name. Unknown values
 * (preview) are left out, never guessed; what is known and wrong is reported.
 */
import { dashPrefixes } from "@retrain/config/tenants";
import type { StackResource } from "../policy-kit.js";
import { at, isUnknown, list, reveal, str } from "../values.js";
import { ASSOCIATION_TYPE, TARGET_TYPE, TASK_TYPE, WINDOW_TYPE } from "../windows/model.js";

export const DOCUMENT_TYPE = "aws:ssm/document:Document";

/** Resource types of a team's schedule: a stack holding any of them is judged as a team stack. */
export const SCHEDULING_TYPES: ReadonlySet<string> = new Set([
  WINDOW_TYPE,
  TARGET_TYPE,
  TASK_TYPE,
  ASSOCIATION_TYPE,
  DOCUMENT_TYPE,
]);

/** Pulumi projects of the platform's stacks (PULUMI_PROJECTS in @retrain/config's naming.ts). */
export const PLATFORM_PROJECTS: ReadonlySet<string> = new Set(["retrain-iam", "retrain-fleet"]);
/** The project every team stack runs (its stack name is the team). */
export const SCHEDULING_PROJECT = "retrain-scheduling";

/** Tag keys (TAG_KEYS in @retrain/config's tags.ts). */
export const TAG = { team: "retrain:team", pool: "retrain:pool", fleet: "retrain:fleet" } as const;

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → stack and project. */
export function stackOfUrn(urn: string): { stack: string; project: string } | undefined {
  const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
  return m?.[1] && m[2] ? { stack: m[1], project: m[2] } : undefined;
}

/**
 * A team stack: any stack holding schedule resources (whatever its project: a team's program need
 * not be ours), except the platform's iam and fleet stacks. A stack with none reaches no pool.
 */
export function isTeamStack(resources: readonly StackResource[]): boolean {
  const project = resources.map((r) => stackOfUrn(r.urn)?.project).find((p) => p !== undefined);
  if (project !== undefined && PLATFORM_PROJECTS.has(project)) return false;
  return resources.some((r) => SCHEDULING_TYPES.has(r.type));
}

/** `retrain-<env>` (the fleet tag's value, fleetNameOf in @retrain/components) → env. */
export function environmentOfFleet(value: string): string | undefined {
  return /^retrain-([a-z][a-z0-9-]*[a-z0-9])$/.exec(value)?.[1];
}

/** A tag of the resource when known; null when the resource has no such tag. */
export function tagOf(r: StackResource, key: string): string | null | undefined {
  const tags = reveal(r.props.tags);
  if (isUnknown(tags)) return undefined;
  const v = reveal(at(tags, key));
  if (v === undefined || v === null) return null;
  return str(v);
}

/** What a target list (window target or association) reaches. */
export interface Reach {
  /** The environment of the one fleet it names (undefined: unknown during preview). */
  environment?: string;
  /** Pools it names (known values). */
  pools: string[];
  /** Known facts that make the reach undeterminable or wider than one pool of one fleet. */
  problems: string[];
}

/**
 * SSM targets AND their keys and OR the values of one key, so a target stays inside one pool of one
 * fleet when it has exactly one `tag:retrain:fleet` value and `tag:retrain:pool` values, other tag
 * keys only narrowing it. Keys naming instances another way (InstanceIds, resource groups) escape
 * the tags and are reported. Target keys: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_RegisterTargetWithMaintenanceWindow.html
 */
export function reachOf(props: unknown): Reach {
  const raw = reveal(at(props, "targets"));
  const reach: Reach = { pools: [], problems: [] };
  if (isUnknown(raw)) return reach;
  const fleets: string[] = [];
  let fleetKey = false;
  let poolKey = false;
  let unknown = false;
  for (const entry of list(raw)) {
    const key = reveal(at(entry, "key"));
    if (isUnknown(key) || isUnknown(entry)) {
      unknown = true;
      continue;
    }
    // A known key that names instances another way escapes the pool whatever its values are.
    if (typeof key !== "string" || !(key.startsWith("tag:") || key === "tag-key")) {
      reach.problems.push(
        `targets key ${JSON.stringify(key)}, which names instances without the pool's tag (allowed: tag:${TAG.fleet}, tag:${TAG.pool} and other tag: keys)`,
      );
      continue;
    }
    const valuesRaw = reveal(at(entry, "values"));
    if (isUnknown(valuesRaw)) {
      unknown = true;
      continue;
    }
    const values = list(valuesRaw).map(reveal);
    const known = values.filter((v): v is string => typeof v === "string" && !isUnknown(v));
    if (known.length < values.length) unknown = true;
    if (key === `tag:${TAG.fleet}`) {
      fleetKey = true;
      fleets.push(...known);
    } else if (key === `tag:${TAG.pool}`) {
      poolKey = true;
      reach.pools.push(...known);
    }
  }
  const distinct = [...new Set(fleets)];
  if (distinct.length === 1) {
    const env = environmentOfFleet(distinct[0] ?? "");
    if (env) reach.environment = env;
    else
      reach.problems.push(
        `targets tag:${TAG.fleet}=${distinct[0]}, which is no fleet (retrain-<environment>)`,
      );
  } else if (distinct.length > 1) {
    reach.problems.push(`targets several fleets (tag:${TAG.fleet}=${distinct.join(", ")})`);
  } else if (!fleetKey && !unknown) {
    reach.problems.push(`has no tag:${TAG.fleet} target, so it reaches instances of every environment`);
  }
  if (!poolKey && !unknown) {
    reach.problems.push(`has no tag:${TAG.pool} target, so it reaches every pool of the fleet`);
  }
  return reach;
}

/**
 * The `retrain-<env>-<team>-<rest>` names of windows, associations and documents: the first
 * environment of `envs` the name is scoped to and, of the teams it fits there, the one `rank` puts
 * first (lowest; undefined: not a team). A name fits a team only at a '-' of the name, so the
 * candidates are looked up, not every registered team tried: a pack judging thousands of team
 * stacks would otherwise do teams × resources work per stack.
 */
export function scopedName(
  name: string,
  envs: readonly string[],
  rank: (team: string) => number | undefined,
): { environment: string; team: string } | undefined {
  for (const environment of envs) {
    const prefix = `retrain-${environment}-`;
    if (!name.startsWith(prefix)) continue;
    let best: { team: string; rank: number } | undefined;
    for (const team of dashPrefixes(name.slice(prefix.length))) {
      const r = rank(team);
      if (r !== undefined && (best === undefined || r < best.rank)) best = { team, rank: r };
    }
    if (best) return { environment, team: best.team };
  }
  return undefined;
}

/** The known string values of a list property (`values` of a target entry). */
export function knownStrings(value: unknown): string[] {
  return list(value)
    .map(reveal)
    .filter((v): v is string => typeof v === "string" && !isUnknown(v));
}
