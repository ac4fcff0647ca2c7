/**
 * The plugin entry stays light: Nx loads it in a fresh worker on every graph computation without the
 * daemon, and on a discovery-cache hit nothing should load the config schemas (zod, YAML: a few
 * hundred milliseconds). Walks the static imports of the compiled entry (what Nx loads), following
 * workspace packages; a dynamic `import()` (discovery, on a miss) is not followed.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PLUGIN_DIST } from "./support/workspace.js";

/** Packages (or package entries) a cache hit must not load. */
const HEAVY = ["zod", "yaml", "@retrain/config", "@retrain/config/workspace", "@retrain/workspace-tools"];

/** Every module specifier the entry loads at start, transitively inside the workspace. */
function staticImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const specifiers = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(
      /^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gm,
    )) {
      const spec = (m[1] ?? m[2])!;
      specifiers.add(spec);
      if (spec.startsWith("node:") || spec.startsWith("nx/")) continue;
      let resolved = spec.startsWith(".")
        ? path.resolve(path.dirname(file), spec)
        : createRequire(file).resolve(spec);
      // Under the test runner's source condition a workspace package resolves to its .ts sources.
      if (file.endsWith(".ts") && !existsSync(resolved)) resolved = resolved.replace(/\.js$/, ".ts");
      // Follow our own modules (relative and workspace packages), not third-party ones.
      if (!resolved.includes(`${path.sep}node_modules${path.sep}.pnpm${path.sep}`)) visit(resolved);
    }
  };
  visit(entry);
  return specifiers;
}

describe("the plugin entry", () => {
  it("loads no config schema at start (discovery is imported on a cache miss only)", () => {
    const loaded = staticImports(PLUGIN_DIST);
    expect(loaded.size).toBeGreaterThan(3); // the walk found the entry's imports at all
    expect([...loaded].filter((s) => HEAVY.includes(s))).toEqual([]);
  });
});
