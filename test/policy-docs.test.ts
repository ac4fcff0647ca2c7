/**
 * The policy tables of docs/policy-pack.md and README.md are generated from the pack's registry
 * (scripts/policy-docs.ts, `pnpm docs:policies`): the checked-in text must be what the generator
 * writes, so a policy added, renamed or re-levelled without regenerating fails here.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PolicyConfigError } from "@retrain/offline";
import { afterAll, describe, expect, it } from "vitest";
import { POLICIES } from "../policies/retrain-guard/src/policies/index.js";
import {
  generatedFiles,
  markdownTable,
  PACK_CONFIG,
  prose,
  REPO_ROOT,
  replaceBlock,
  repoLevelsOf,
} from "../scripts/policy-docs.js";

/** The first column of every body row of the generated block `id` in `text`. */
function rowNames(text: string, id: string): string[] {
  const block = text.slice(text.indexOf(`<!-- BEGIN ${id}`), text.indexOf(`<!-- END ${id}`));
  return block
    .split("\n")
    .filter((l) => l.startsWith("| `"))
    .map((l) => /^\| `([^`]+)`/.exec(l)?.[1] ?? "");
}

describe("generated policy tables", () => {
  const files = generatedFiles();

  it("cover docs/policy-pack.md and README.md", () => {
    expect(files.map((f) => f.file).sort()).toEqual(["README.md", "docs/policy-pack.md"]);
  });

  it.each(files.map((f) => [f.file, f] as const))(
    "%s holds what `pnpm docs:policies` writes",
    (_file, { current, expected }) => {
      expect(current, "stale policy table: run pnpm docs:policies").toBe(expected);
    },
  );

  it.each([
    ["docs/policy-pack.md", "policy-table"],
    ["README.md", "policy-summary"],
  ])("%s has one row per registered policy, in the registry's order", (file, id) => {
    const text = readFileSync(path.join(REPO_ROOT, file), "utf8");
    expect(rowNames(text, id)).toEqual(POLICIES.map((p) => p.name));
  });

  const scratch = mkdtempSync(path.join(tmpdir(), "policy-docs-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("notices a hand edit of a generated row and writes the row back", () => {
    mkdirSync(path.join(scratch, "docs"));
    mkdirSync(path.join(scratch, path.dirname(PACK_CONFIG)), { recursive: true });
    cpSync(path.join(REPO_ROOT, PACK_CONFIG), path.join(scratch, PACK_CONFIG));
    for (const file of ["README.md", "docs/policy-pack.md"]) {
      const real = readFileSync(path.join(REPO_ROOT, file), "utf8");
      writeFileSync(path.join(scratch, file), real.replace("| `no-public-ip`", "| `no-public-ips`"));
    }
    for (const { file, current, expected } of generatedFiles(scratch)) {
      expect(current).not.toBe(expected);
      expect(expected).toBe(readFileSync(path.join(REPO_ROOT, file), "utf8"));
    }
  });
});

describe("the generator's pieces", () => {
  it("reads the repository's levels as the CLI does: a policy's entry over `all` over the default", () => {
    const [first, second] = POLICIES;
    if (!first || !second) throw new Error("the registry needs two policies");
    expect(repoLevelsOf(POLICIES, {})[first.name]).toBe(first.enforcementLevel);
    const levels = repoLevelsOf(POLICIES, {
      all: "disabled",
      [second.name]: { enforcementLevel: "advisory" },
    });
    expect(levels[first.name]).toBe("disabled");
    expect(levels[second.name]).toBe("advisory");
  });

  it("refuses a pack config naming no policy of the pack", () => {
    expect(() => repoLevelsOf(POLICIES, { "no-such-policy": "mandatory" })).toThrow(PolicyConfigError);
  });

  it("fails naming the file when the markers are missing", () => {
    expect(() => replaceBlock("# no markers\n", "docs/x.md", "policy-table", "|a|")).toThrow(
      /docs\/x\.md: no generated block "policy-table"/,
    );
  });

  it("escapes markdown in prose but not in code spans", () => {
    expect(prose('role retrain-<env>-x, Resource "*", `a<b>*`')).toBe(
      'role retrain-&lt;env>-x, Resource "\\*", `a<b>*`',
    );
  });

  it("pads every column to its widest cell and escapes pipes", () => {
    expect(markdownTable(["a", "bb"], [["x|y", "z"]]).split("\n")).toEqual([
      "| a    | bb  |",
      "| ---- | --- |",
      "| x\\|y | z   |",
    ]);
  });
});
