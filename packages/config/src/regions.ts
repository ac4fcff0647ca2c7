/**
 * Every stack of an environment deploys to one region: the runtime check (references.ts,
 * `inRegionOf`) and the static one over discovered configs (`retrain config check`, the plan before
 * it runs anything, `retrain team add`) share the reason here.
 */
import type { DiscoveredStack } from "./discovery.js";
import { locateConfigKey } from "./load.js";
import { type Problem, problem } from "./problem.js";

export interface RegionUpstream {
  kind: "iam" | "fleet";
  stackRef: string;
  region: string;
  /** The upstream's config file, when known (named in the message). */
  file?: string;
}

/**
 * Why a stack in `region` cannot use `upstream`, after `aws:region is "<region>" but ...`, or
 * undefined when both are one region.
 */
export function regionMismatchReason(region: string, upstream: RegionUpstream): string | undefined {
  if (upstream.region === region) return undefined;
  const why =
    upstream.kind === "fleet"
      ? "its windows and associations would target no instance (the fleet's instances are there)"
      : "the window role trusts Systems Manager of the IAM stack's region only and may SendCommand only on documents there, so no task would ever run";
  const where = upstream.file ? ` (${upstream.file})` : "";
  return `is "${region}" but ${upstream.kind} stack "${upstream.stackRef}"${where} is in "${upstream.region}": ${why}. Set aws:region: ${upstream.region} (every stack of an environment deploys to its IAM stack's region)`;
}

/**
 * Why a stack in `region` cannot use an upstream stack in `upstreamRegion`, or undefined when both
 * are one region. Everything a stack reads from its upstream is regional: a team's windows in another
 * region than the fleet target no instance; a fleet or team in another region than the IAM stack
 * gets no SSM through the window role (its trust names `ssm` of the IAM stack's region only, and
 * SendCommand is allowed only on documents there). `file` names the stack's config file.
 */
export function regionMismatch(args: {
  file: string;
  region: string;
  upstream: RegionUpstream;
}): string | undefined {
  const reason = regionMismatchReason(args.region, args.upstream);
  return reason && `${args.file}: aws:region ${reason}`;
}

/**
 * Each valid stack whose `aws:region` differs from a stack it references (its fleet stack first, then
 * its iam stack), from the configs alone: one problem per stack, key `aws:region` with its line,
 * naming the upstream's file and region, and a one-line `summary` of it. `rel` makes a config file
 * workspace-relative.
 */
export function stackRegionProblems(
  stacks: readonly DiscoveredStack[],
  rel: (file: string) => string,
): { id: string; problem: Problem; summary: string }[] {
  const byId = new Map(stacks.map((s) => [s.id, s] as const));
  const rank = (kind: string) => (kind === "fleet" ? 0 : 1);
  const out: { id: string; problem: Problem; summary: string }[] = [];
  for (const s of stacks) {
    const upstream = s.references
      .filter((r) => r.kind === "iam" || r.kind === "fleet")
      .sort((a, b) => rank(a.kind) - rank(b.kind));
    for (const r of upstream) {
      const target = r.targetId ? byId.get(r.targetId) : undefined;
      if (!target) continue;
      const reason = regionMismatchReason(s.config.region, {
        kind: r.kind as "iam" | "fleet",
        stackRef: r.name,
        region: target.config.region,
        file: rel(target.configFile),
      });
      if (!reason) continue;
      out.push({
        id: s.id,
        problem: problem(rel(s.configFile), {
          key: "aws:region",
          ...locateConfigKey(s.configFile, "aws:region"),
          message: reason,
        }),
        summary: `aws:region "${s.config.region}" is not its ${r.kind} stack's "${target.config.region}" (${rel(target.configFile)})`,
      });
      break;
    }
  }
  return out;
}
