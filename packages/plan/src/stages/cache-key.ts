/**
 * The per-stack cache key: a SHA-256 over every input of a stack's plan result, as declared once in
 * `@retrain/config` plan-inputs.ts (the Nx plugin declares the same list as the `plan` target's
 * inputs). Folder digests are computed once per plan and shared by every stack that reads them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type DiscoveredStack,
  findTenantRegistry,
  findWorkspaceSettings,
  LabelledHash,
  PLAN_CACHE_FORMAT,
  PLAN_CODE_FILES,
  PLAN_ENV_PREFIXES,
  PLAN_SETTINGS_ENV,
  PLAN_TOOL_PACKAGES,
  PLAN_WORKSPACE_FILES,
  workspaceDependencyDirs,
} from "@retrain/config";
import { windowNextRuns } from "@retrain/windows";
import { locatePack } from "../policy.js";
import type { Selection } from "./select.js";

/**
 * The repository the plan engine runs from (src/stages and dist/stages sit four levels below it):
 * its lockfile pins what the engine and the programs load.
 */
const TOOL_ROOT = fileURLToPath(new URL("../../../..", import.meta.url));

export interface KeyEnvironment {
  /** The environment the programs and the pack see. */
  readonly env: NodeJS.ProcessEnv;
  /** The programs' working directory (they look for the tenant registry above it too). */
  readonly cwd: string;
  /** When the plan starts. */
  readonly now: Date;
  /** The runtime, default this process's Node.js version, platform and architecture. */
  readonly node?: string;
  /** The repository the plan engine runs from (its code and lockfile), default this one. */
  readonly toolRoot?: string;
}

export interface StackKeyer {
  /** The stack's key (hex SHA-256), a function of its inputs and its upstream stacks' keys. */
  key(stack: DiscoveredStack): string;
}

type Feed = (h: LabelledHash) => void;

/** A file's bytes under its name, or that it is absent (absent and empty differ). */
const fileFeed =
  (name: string, file: string): Feed =>
  (h) => {
    const bytes = existsSync(file) && statSync(file).isFile() ? readFileSync(file) : undefined;
    h.add(`file:${name}`, bytes ?? "(absent)");
  };

/** Every file under `dir` (recursively, no node_modules), sorted, each with its relative path. */
function walk(dir: string, rel = ""): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name === "node_modules") continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(path.join(dir, e.name), r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** The code files of one folder, by {@link PLAN_CODE_FILES}. */
export function codeFilesOf(dir: string): string[] {
  const files: string[] = [];
  for (const pattern of PLAN_CODE_FILES) {
    if (pattern.endsWith("/**")) {
      const sub = pattern.slice(0, -3);
      files.push(...walk(path.join(dir, sub)).map((f) => `${sub}/${f}`));
    } else if (existsSync(path.join(dir, pattern))) files.push(pattern);
  }
  return files;
}

export function stackKeyer(root: string, selection: Selection, at: KeyEnvironment): StackKeyer {
  const folders = new Map<string, string>();
  /** One code folder's digest: its code files' paths and bytes. */
  const folderDigest = (dir: string): string => {
    let d = folders.get(dir);
    if (d === undefined) {
      const h = new LabelledHash();
      if (dir.startsWith("unresolved:")) h.add("unresolved", dir);
      else for (const f of codeFilesOf(dir)) h.add(f, readFileSync(path.join(dir, f)));
      d = h.digest();
      folders.set(dir, d);
    }
    return d;
  };
  /** A code folder with the workspace packages it imports, transitively. */
  const closureFeed =
    (name: string, dir: string): Feed =>
    (h) => {
      h.add(`code:${name}`, folderDigest(dir));
      for (const dep of workspaceDependencyDirs(dir)) h.add(`dep:${dep}`, folderDigest(dep));
    };

  let shared: string | undefined;
  const sharedDigest = () => {
    if (shared !== undefined) return shared;
    const h = new LabelledHash();
    h.add("format", String(PLAN_CACHE_FORMAT));
    h.add("node", at.node ?? `${process.version} ${process.platform} ${process.arch}`);
    h.add("utc-day", at.now.toISOString().slice(0, 10));
    const own = new Set(PLAN_SETTINGS_ENV);
    for (const name of Object.keys(at.env).sort()) {
      if (own.has(name) || !PLAN_ENV_PREFIXES.some((p) => name.startsWith(p))) continue;
      h.add(`env:${name}`, at.env[name] ?? "");
    }
    for (const rel of PLAN_WORKSPACE_FILES) fileFeed(rel, path.join(root, rel))(h);
    // The pack config the plan actually uses (--policy-config may name another file).
    h.add("pack-config", JSON.stringify(selection.packConfig ?? null));
    const toolRoot = at.toolRoot ?? TOOL_ROOT;
    fileFeed("tool-lockfile", path.join(toolRoot, "pnpm-lock.yaml"))(h);
    for (const rel of PLAN_TOOL_PACKAGES) {
      // The plan engine is this repository's; the pack is the workspace's own when installed.
      const dir = rel === "policies/retrain-guard" ? locatePack(root) : path.join(toolRoot, rel);
      closureFeed(rel, dir)(h);
    }
    shared = h.digest();
    return shared;
  };

  const programs = new Map<string, string>();
  const programDigest = (programDir: string): string => {
    let d = programs.get(programDir);
    if (d === undefined) {
      const h = new LabelledHash();
      closureFeed("program", programDir)(h);
      // Programs read the nearest registry and retrain.json above their folder, else above the cwd.
      for (const from of [programDir, at.cwd]) {
        const registry = findTenantRegistry(from);
        if (registry) fileFeed(`registry:${registry}`, registry)(h);
        const settings = findWorkspaceSettings(from);
        if (settings) fileFeed(`settings:${settings}`, settings)(h);
      }
      d = h.digest();
      programs.set(programDir, d);
    }
    return d;
  };

  const byId = new Map(selection.workspace.stacks.map((s) => [s.id, s]));
  const keys = new Map<string, string>();
  const key = (s: DiscoveredStack, seen: ReadonlySet<string> = new Set()): string => {
    const known = keys.get(s.id);
    if (known !== undefined) return known;
    if (seen.has(s.id)) throw new Error(`reference cycle through ${s.id}`);
    const h = new LabelledHash();
    h.add("shared", sharedDigest());
    h.add("program", programDigest(s.programDir));
    h.add("stack", `${s.id}\u0000${s.kind}\u0000${s.project}\u0000${s.stack}`);
    h.add("config-file", path.relative(root, s.configFile));
    fileFeed("config", s.configFile)(h);
    const refs = [...s.references].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const r of refs) {
      const up = r.targetId ? byId.get(r.targetId) : undefined;
      const upKey = up ? key(up, new Set([...seen, s.id])) : "(missing)";
      h.add(`ref:${r.name}`, `${r.key}\u0000${r.targetId ?? ""}\u0000${upKey}`);
    }
    const k = h.digest();
    keys.set(s.id, k);
    return k;
  };
  return { key: (s) => key(s) };
}

/**
 * Until when a stack's result stays what a fresh run would produce at a later instant: the
 * programs compute next runs and missed-run alarms from the current time, the pack's horizon checks
 * from now. So: until the stack's first upcoming window run, and at most until the next UTC midnight
 * (the key's day changes then too).
 */
export function validUntil(stack: DiscoveredStack, plannedAt: Date): number {
  const midnight = Date.UTC(plannedAt.getUTCFullYear(), plannedAt.getUTCMonth(), plannedAt.getUTCDate() + 1);
  let until = midnight;
  if (stack.config.kind === "scheduling") {
    for (const w of stack.config.config.windows) {
      try {
        const next = windowNextRuns(w, plannedAt, 1)[0];
        if (next) until = Math.min(until, next.getTime());
      } catch {
        return plannedAt.getTime(); // a schedule that does not evaluate: never reuse
      }
    }
  }
  return until;
}
