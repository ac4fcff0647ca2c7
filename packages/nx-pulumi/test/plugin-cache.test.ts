/**
 * The stack plugin's discovery cache is safe: for each input discovery reads, changing it gives the
 * same createNodes result as a run with the cache off (RETRAIN_NX_PLUGIN_CACHE=0), and a corrupt
 * cache file is ignored. A poisoned entry shows an unchanged workspace really is served from the cache.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CreateNodesContext } from "@nx/devkit";
import { STACK_LAYOUT } from "@retrain/config/workspace";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNodes } from "../src/plugin.js";
import { cacheFile } from "../src/plugin-cache.js";
import { FIXTURE } from "./support/workspace.js";

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "nx-pulumi-cache-"));
  cpSync(FIXTURE, root, { recursive: true, filter: (src) => !src.includes(`${path.sep}.nx`) });
});
afterEach(() => {
  delete process.env.RETRAIN_NX_PLUGIN_CACHE;
  rmSync(root, { recursive: true, force: true });
});

/** The config files Nx would hand the plugin (its glob over the layout). */
function configFiles(): string[] {
  const files: string[] = [];
  for (const kind of readdirSync(path.join(root, "stacks"))) {
    for (const layout of ["envs", "teams"]) {
      const dir = path.join(root, "stacks", kind, layout);
      if (!existsSync(dir)) continue;
      for (const folder of readdirSync(dir)) {
        const sub = path.join(dir, folder);
        if (!existsSync(sub) || !readdirSync(sub, { withFileTypes: true })) continue;
        for (const f of readdirSync(sub))
          if (/^Pulumi\..+\.ya?ml$/.test(f)) files.push(`stacks/${kind}/${layout}/${folder}/${f}`);
      }
    }
  }
  return files.sort();
}

async function run(cache: boolean) {
  if (cache) delete process.env.RETRAIN_NX_PLUGIN_CACHE;
  else process.env.RETRAIN_NX_PLUGIN_CACHE = "0";
  const context: CreateNodesContext = { workspaceRoot: root, nxJsonConfiguration: {} };
  // Through JSON, as Nx receives it from the plugin worker (and as the cache stores it).
  return JSON.parse(JSON.stringify(await createNodes[1](configFiles(), undefined, context))) as unknown;
}

const cachePath = () => cacheFile(root, "nx-pulumi-stacks");
const cachedKey = () => (JSON.parse(readFileSync(cachePath(), "utf8")) as { key: string }).key;
const edit = (file: string, from: string, to: string) => {
  const abs = path.join(root, file);
  const text = readFileSync(abs, "utf8");
  expect(text, `${file} holds ${from}`).toContain(from);
  writeFileSync(abs, text.replace(from, to));
};
const NLP = "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml";

describe("the stack plugin's discovery cache", () => {
  it("hashes every folder of discovery's layout", () => {
    // discoveryInputs walks stacks/<kind>/{envs,teams}: the layout must stay inside that.
    for (const dir of Object.values(STACK_LAYOUT)) expect(dir).toMatch(/^stacks\/[^/]+\/(envs|teams)$/);
  });

  it("serves an unchanged workspace from the cache file (a poisoned entry comes back)", async () => {
    const fresh = await run(true);
    expect(existsSync(cachePath())).toBe(true);
    const stored = JSON.parse(readFileSync(cachePath(), "utf8")) as { value: [string, unknown][] };
    stored.value = stored.value.slice(0, 1);
    writeFileSync(cachePath(), JSON.stringify(stored));
    expect(await run(true)).toEqual(stored.value);
    expect(fresh).toEqual(await run(false));
  });

  it.each<[string, () => void]>([
    ["a team file's content", () => edit(NLP, "scheduling:environment: dev", "scheduling:environment: prod")],
    ["a comment in a team file (bytes, not meaning)", () => edit(NLP, "config:", "# edited\nconfig:")],
    [
      "a team folder added",
      () => {
        cpSync(
          path.join(root, "stacks/scheduling/teams/nlp"),
          path.join(root, "stacks/scheduling/teams/nlp2"),
          {
            recursive: true,
          },
        );
      },
    ],
    [
      "a team folder removed",
      () => rmSync(path.join(root, "stacks/scheduling/teams/nlp"), { recursive: true }),
    ],
    [
      "a stray file in a team folder",
      () => writeFileSync(path.join(root, "stacks/scheduling/teams/nlp/notes.txt"), "x"),
    ],
    [
      // Only regular files named Pulumi.* are read: a team's FIFO must not hang the key (or Nx).
      "a FIFO in a team folder",
      () => {
        const r = spawnSync("mkfifo", [path.join(root, "stacks/scheduling/teams/nlp/pipe")]);
        expect(r.status, String(r.stderr)).toBe(0);
      },
    ],
    [
      "a team's config replaced by a link to another file",
      () => {
        const file = path.join(root, NLP);
        const elsewhere = path.join(root, "elsewhere.yaml");
        writeFileSync(elsewhere, readFileSync(file, "utf8").replace("environment: dev", "environment: prod"));
        rmSync(file);
        symlinkSync(elsewhere, file);
      },
    ],
    ["policies/tenants.yaml", () => edit("policies/tenants.yaml", "environment: dev", "environment: prod")],
    [
      "retrain.json added",
      () =>
        writeFileSync(path.join(root, "retrain.json"), JSON.stringify({ pulumi: { organization: "acme" } })),
    ],
    [
      "a Pulumi.yaml name",
      () => edit("stacks/scheduling/Pulumi.yaml", "name: retrain-scheduling", "name: other"),
    ],
    [
      "the pack config's presence (tool paths)",
      () => {
        mkdirSync(path.join(root, "policies/retrain-guard"), { recursive: true });
        writeFileSync(path.join(root, "policies/retrain-guard/policy-config.json"), "{}");
      },
    ],
  ])("re-discovers after %s, exactly as without the cache", async (what, change) => {
    const old = await run(true);
    const before = cachedKey();
    change();
    const cached = await run(true);
    expect(cachedKey(), "the changed input is part of the key").not.toBe(before);
    expect(cached).toEqual(await run(false));
    // Some inputs do not show in the projects (the comment; the organisation and the Pulumi project
    // name only feed reference resolution, which resolves the same here): then only the key changes.
    if (!/comment|retrain\.json|Pulumi\.yaml/.test(what))
      expect(cached, "the change shows in the projects").not.toEqual(old);
    // And the entry it wrote is served as is on the next call.
    expect(await run(true)).toEqual(cached);
  });

  it.each([
    ["not JSON", "{ truncated"],
    ["JSON of another shape", JSON.stringify({ format: 1, key: 42 })],
    ["null", "null"],
  ])("ignores a corrupt cache file (%s) and rewrites it", async (_what, text) => {
    const expected = await run(false);
    await run(true);
    writeFileSync(cachePath(), text);
    expect(await run(true)).toEqual(expected);
    expect(typeof cachedKey()).toBe("string");
  });
});
