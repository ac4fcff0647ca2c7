/**
 * Summaries of V8 CPU profiles (`node --cpu-prof`): self time per function and per package, so a
 * hot spot can be named precisely (function, file, line) in a report.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  /** `function (file:line)`, or a package/area name. */
  name: string;
  selfMs: number;
  /** Share of the profile's total sampled time. */
  share: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  functions: HotSpot[];
  packages: HotSpot[];
  /**
   * Total (inclusive) time of this workspace's own functions (packages/, stacks/, policies/): where
   * the time goes in terms of code we can change, children included.
   */
  ownInclusive: HotSpot[];
}

/** `@pulumi/pulumi`, `packages/plan`, `node:internal`... the area a script URL belongs to. */
export function areaOf(url: string): string {
  if (!url) return "(native/gc/idle)";
  if (url.startsWith("node:")) return "node:internal";
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "/node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/(packages|policies|stacks|bench)\/([^/]+)\//.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) return url.slice(nm + "/node_modules/".length).replace(/^\.pnpm\/[^/]+\/node_modules\//, "");
  const m = /\/((packages|policies|stacks|bench)\/.*)$/.exec(url);
  return m ? m[1]! : url.replace(/^file:\/\//, "");
}

function top(map: Map<string, number>, total: number, n: number): HotSpot[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, selfMs: Math.round(us / 100) / 10, share: us / total }));
}

export function summarizeProfile(file: string, n = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const keyOf = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    return url
      ? `${functionName || "(anonymous)"} (${shortUrl(url)}:${lineNumber + 1})`
      : functionName || "(anonymous)";
  };
  const isOwn = (url: string) =>
    /\/(packages|stacks|policies)\/[^/]+\/(src|dist)\//.test(url) && !url.includes("/node_modules/");
  const fnSelf = new Map<string, number>();
  const areaSelf = new Map<string, number>();
  const ownTotal = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    const { functionName, url } = node.callFrame;
    if (functionName === "(idle)") return;
    total += us;
    const key = keyOf(node);
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
    const area = areaOf(url);
    areaSelf.set(area, (areaSelf.get(area) ?? 0) + us);
    const seen = new Set<string>();
    for (let n: ProfileNode | undefined = node; n; n = byId.get(parent.get(n.id) ?? -1)) {
      if (!isOwn(n.callFrame.url)) continue;
      const k = keyOf(n);
      if (seen.has(k)) continue;
      seen.add(k);
      ownTotal.set(k, (ownTotal.get(k) ?? 0) + us);
    }
  });
  return {
    file,
    totalMs: Math.round(total / 1000),
    functions: top(fnSelf, total, n),
    packages: top(areaSelf, total, n),
    ownInclusive: top(ownTotal, total, n),
  };
}

/** Every profile in a folder, the busiest first. */
export function summarizeProfiles(dir: string, n = 15): ProfileSummary[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => summarizeProfile(path.join(dir, f), n))
    .sort((a, b) => b.totalMs - a.totalMs);
}

export function printProfile(s: ProfileSummary, label: string): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
  process.stdout.write(`\n  profile ${label}: ${s.totalMs} ms sampled (${path.basename(s.file)})\n`);
  process.stdout.write("    by package:\n");
  for (const h of s.packages.slice(0, 8)) process.stdout.write(`      ${pct(h.share)}  ${h.name}\n`);
  process.stdout.write("    by function (self time):\n");
  for (const h of s.functions) process.stdout.write(`      ${pct(h.share)}  ${h.name}\n`);
  process.stdout.write("    workspace code, total time including callees:\n");
  for (const h of s.ownInclusive) process.stdout.write(`      ${pct(h.share)}  ${h.name}\n`);
}
