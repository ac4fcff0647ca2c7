/**
 * The mutation check draws mutants from the files each registered policy's verdicts depend on,
 * derived from its definition's imports (scripts/mutation/files.ts) instead of a hand-kept list.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { POLICIES } from "../policies/retrain-guard/src/policies/index.js";
import { PLUMBING, policyFiles } from "../scripts/mutation/files.js";

const PACK = fileURLToPath(new URL("../policies/retrain-guard", import.meta.url));

describe("mutation files of the pack's policies", () => {
  it.each(POLICIES.map((p) => [p.name]))("%s: its definition first, never the shared plumbing", (name) => {
    const files = policyFiles(PACK, name);
    expect(files[0]).toBe(`src/policies/${name}.ts`);
    expect(files.filter((f) => PLUMBING.has(f))).toEqual([]);
    // A rule's verdict never depends on another policy's examples.
    expect(files.filter((f) => f.endsWith(".examples.ts"))).toEqual([]);
  });

  it("reach every IAM helper for no-wildcard-iam", () => {
    const iam = readdirSync(path.join(PACK, "src/iam")).map((f) => `src/iam/${f}`);
    expect(policyFiles(PACK, "no-wildcard-iam")).toEqual(expect.arrayContaining(iam));
  });

  it("give every policy reading the window model its file", () => {
    for (const name of ["maintenance-task-timeout", "maintenance-window-overlap", "window-notifications"])
      expect(policyFiles(PACK, name)).toContain("src/windows/model.ts");
  });
});

describe("policyFiles", () => {
  const pack = mkdtempSync(path.join(tmpdir(), "mutation-files-"));
  afterAll(() => rmSync(pack, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(pack, file)), { recursive: true });
    writeFileSync(path.join(pack, file), text);
  };

  it("follows value imports transitively and skips type-only ones and plumbing", () => {
    write(
      "src/policies/p.ts",
      'import { a } from "../a.js";\nimport type { T } from "../t.js";\nimport { type U } from "../u.js";\nimport { k } from "../policy-kit.js";\n',
    );
    write("src/a.ts", 'export { b } from "./b.js";\n');
    write("src/b.ts", "export const b = 1;\n");
    write("src/t.ts", "export type T = 1;\n");
    write("src/u.ts", "export type U = 1;\n");
    write("src/policy-kit.ts", 'import { x } from "./never.js";\n');
    expect(policyFiles(pack, "p")).toEqual(["src/policies/p.ts", "src/a.ts", "src/b.ts"]);
  });

  it("fails naming the file and the import it cannot find", () => {
    write("src/policies/q.ts", 'import { gone } from "../gone.js";\n');
    expect(() => policyFiles(pack, "q")).toThrow(/src\/policies\/q\.ts: cannot find \.\.\/gone\.js/);
    expect(() => policyFiles(pack, "none")).toThrow(/no definition file src\/policies\/none\.ts/);
  });
});
