/**
 * The plugins' discovery cache across Nx runs, as Nx's own plugins keep theirs (@nx/vite, @nx/jest:
 * a JSON file in Nx's `workspaceDataDirectory`, its entries keyed by a hash of every file the
 * result is computed from). Without the daemon every `nx` command starts fresh plugin workers, so
 * without it every command re-parses and re-validates every team's config.
 *
 * Safety: the key hashes a superset of what discovery reads (see `discoveryInputs`), plus the
 * plugin's own code and options, so a hit returns what a fresh run would. A cache file that does
 * not parse or has the wrong shape is ignored (and overwritten). `RETRAIN_NX_PLUGIN_CACHE=0` turns
 * the cache off (to compare, or to rule it out).
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { LabelledHash } from "@retrain/config/layout";
import { nxWorkspaceDataDirectory } from "./nx-internals.js";

/** Bump when the cached value's shape changes. */
const FORMAT = 1;

export const cacheEnabled = (): boolean => process.env.RETRAIN_NX_PLUGIN_CACHE !== "0";

/**
 * A path's kind, and its bytes when `read` and it is (or links to) a regular file. Only regular files
 * are read: a team could put a FIFO or a device in its folder, and reading one would hang Nx.
 */
function addPath(h: LabelledHash, abs: string, label: string, read = true): void {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(abs);
  } catch {
    h.add(label, "absent");
    return;
  }
  let target = st;
  if (st.isSymbolicLink()) {
    // A stack config behind a link is an error to discovery (it never follows one); other inputs
    // (the registry, retrain.json) may be links. The link's text and its target's bytes both count.
    h.add(label, `link:${readlinkSync(abs)}`);
    try {
      target = statSync(abs);
    } catch {
      h.add(label, "dangling");
      return;
    }
  }
  if (!target.isFile()) {
    h.add(label, target.isDirectory() ? "dir" : "special");
    return;
  }
  if (!read) {
    h.add(label, "file");
    return;
  }
  try {
    h.add(label, readFileSync(abs));
  } catch (e) {
    h.add(label, `unreadable:${(e as NodeJS.ErrnoException).code ?? "?"}`);
  }
}

/** Entries discovery reads the bytes of (stack configs, Pulumi.yaml); of the others it uses the name. */
const READ = /^Pulumi\./;

const names = (dir: string): string[] => {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
};

/**
 * Hash of everything stack discovery (@retrain/config `discoverStacks`) can read: every entry two
 * levels below each `stacks/<kind>/{envs,teams}` folder (names and kinds: a stray file makes a team
 * invalid; the bytes of those named `Pulumi.*`, the configs), the Pulumi.yaml of those folders and their ancestors up to the root (the program
 * folder and its project name), and the nearest `policies/tenants.yaml` and `retrain.json` at or
 * above the root (the registry and the organisation). A superset of the layout is fine: more
 * inputs only mean more misses.
 */
export function discoveryInputs(workspaceRoot: string): string {
  const root = path.resolve(workspaceRoot);
  const h = new LabelledHash();
  const rel = (abs: string) => path.relative(root, abs);
  for (const kind of names(path.join(root, "stacks"))) {
    const programDir = path.join(root, "stacks", kind);
    addPath(h, path.join(programDir, "Pulumi.yaml"), rel(path.join(programDir, "Pulumi.yaml")));
    for (const layout of ["envs", "teams"]) {
      const dir = path.join(programDir, layout);
      addPath(h, path.join(dir, "Pulumi.yaml"), rel(path.join(dir, "Pulumi.yaml")));
      for (const folder of names(dir)) {
        const sub = path.join(dir, folder);
        addPath(h, sub, rel(sub), READ.test(folder));
        for (const entry of names(sub))
          addPath(h, path.join(sub, entry), rel(path.join(sub, entry)), READ.test(entry));
      }
    }
  }
  addPath(h, path.join(root, "stacks/Pulumi.yaml"), "stacks/Pulumi.yaml");
  addPath(h, path.join(root, "Pulumi.yaml"), "Pulumi.yaml");
  // Found walking up from the root: hash each candidate until the first that exists (or none).
  for (const file of ["policies/tenants.yaml", "retrain.json"]) {
    for (let dir = root; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, file);
      addPath(h, candidate, `${candidate}`);
      if (existsSync(candidate) || path.dirname(dir) === dir) break;
    }
  }
  return h.digest();
}

/** Hash of the code that computes the result: a change to the plugin or to discovery is a miss. */
export function codeHash(moduleDirs: readonly string[]): string {
  const h = new LabelledHash();
  const walk = (dir: string): void => {
    for (const name of names(dir)) {
      const abs = path.join(dir, name);
      if (lstatSync(abs).isDirectory()) walk(abs);
      else if (/\.(js|ts|json)$/.test(name) && !name.endsWith(".d.ts")) h.add(abs, readFileSync(abs));
    }
  };
  for (const dir of moduleDirs) walk(dir);
  return h.digest();
}

export function hashOf(...parts: string[]): string {
  const h = new LabelledHash();
  for (const [i, p] of parts.entries()) h.add(String(i), p);
  return h.digest();
}

interface CacheFile<T> {
  format: number;
  key: string;
  value: T;
}

/** The cache file of one plugin: one entry, the last workspace state seen. */
export function cacheFile(workspaceRoot: string, plugin: string): string {
  return path.join(nxWorkspaceDataDirectory(workspaceRoot), `retrain-${plugin}.json`);
}

/** The cached value under `key`, or undefined (absent, another key, or not a cache file: ignored). */
export function readCache<T>(file: string, key: string): T | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<CacheFile<T>> | null;
    if (parsed?.format !== FORMAT || parsed.key !== key || parsed.value === undefined) return undefined;
    return parsed.value;
  } catch {
    return undefined;
  }
}

/** Writes atomically (rename), so a concurrent reader never sees half a file; failures are not fatal. */
export function writeCache<T>(file: string, key: string, value: T): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ format: FORMAT, key, value } satisfies CacheFile<T>));
    renameSync(tmp, file);
  } catch {
    // A read-only workspace-data folder only costs the next run a recomputation.
  }
}
