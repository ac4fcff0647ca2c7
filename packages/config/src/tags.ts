/** Tag keys that windows target and that cost reports group by. */
export const TAG_KEYS = {
  team: "retrain:team",
  pool: "retrain:pool",
  fleet: "retrain:fleet",
  stack: "retrain:stack",
  managedBy: "managed-by",
} as const;

export interface TagContext {
  /** `<project>/<stack>` of the Pulumi stack creating the resource. */
  stack: string;
  team?: string;
  pool?: string;
  fleet?: string;
}

/** Default tags for every taggable resource; the provider's defaultTags carry them in real stacks. */
export function defaultTags(ctx: TagContext): Record<string, string> {
  const tags: Record<string, string> = { [TAG_KEYS.stack]: ctx.stack, [TAG_KEYS.managedBy]: "pulumi" };
  if (ctx.team) tags[TAG_KEYS.team] = ctx.team;
  if (ctx.pool) tags[TAG_KEYS.pool] = ctx.pool;
  if (ctx.fleet) tags[TAG_KEYS.fleet] = ctx.fleet;
  return tags;
}
