/**
 * Temporary copies of the example workspace for end-to-end plans: the stack programs and configs,
 * the pack config and the price file, with each program folder's node_modules linked to the real
 * one (a copy outside the repo still resolves @pulumi/aws and the workspace packages).
 */
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { parseDocument } from "yaml";

export const REPO_ROOT = path.resolve(fileURLToPath(new URL("../../../..", import.meta.url)));

export interface WorkspaceCopy {
  root: string;
  read(rel: string): string;
  write(rel: string, text: string): void;
  /** Edits a stack config YAML in place: `edit(doc)` gets the yaml Document. */
  editYaml(rel: string, edit: (doc: ReturnType<typeof parseDocument>) => void): void;
  cleanup(): void;
}

const COPIED_FILES = [
  "pnpm-workspace.yaml",
  "plan.prices.json",
  "retrain.json",
  "policies/tenants.yaml",
  "policies/retrain-guard/policy-config.json",
];

export function copyWorkspace(): WorkspaceCopy {
  const root = mkdtempSync(path.join(tmpdir(), "plan-ws-"));
  cpSync(path.join(REPO_ROOT, "stacks"), path.join(root, "stacks"), {
    recursive: true,
    filter: (src) => path.basename(src) !== "node_modules",
  });
  for (const kind of readdirSync(path.join(root, "stacks"))) {
    const real = path.join(REPO_ROOT, "stacks", kind, "node_modules");
    if (existsSync(real)) symlinkSync(real, path.join(root, "stacks", kind, "node_modules"), "dir");
  }
  for (const rel of COPIED_FILES) {
    const src = path.join(REPO_ROOT, rel);
    if (existsSync(src)) cpSync(src, path.join(root, rel), { recursive: true });
  }
  const abs = (rel: string) => path.join(root, rel);
  return {
    root,
    read: (rel) => readFileSync(abs(rel), "utf8"),
    write: (rel, text) => writeFileSync(abs(rel), text),
    editYaml: (rel, edit) => {
      const doc = parseDocument(readFileSync(abs(rel), "utf8"));
      edit(doc);
      writeFileSync(abs(rel), doc.toString());
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Team names of the example workspace, from stacks/scheduling/teams/. */
/**
 * For a test file: returns a `copy()` that makes a fresh workspace copy, every copy removed after
 * each test (vitest's afterEach of the calling file).
 */
export function workspaceCopies(): () => WorkspaceCopy {
  const copies: WorkspaceCopy[] = [];
  afterEach(() => {
    for (const c of copies.splice(0)) c.cleanup();
  });
  return () => {
    const c = copyWorkspace();
    copies.push(c);
    return c;
  };
}

export function exampleTeams(): string[] {
  const dir = path.join(REPO_ROOT, "stacks/scheduling/teams");
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** An environment that has both an iam and a fleet stack in the copy. */
export function environmentOf(ws: WorkspaceCopy): string {
  const iam = new Set(readdirSync(path.join(ws.root, "stacks/iam/envs")));
  const env = readdirSync(path.join(ws.root, "stacks/fleet/envs"))
    .sort()
    .find((e) => iam.has(e));
  if (!env) throw new Error("no environment with both an iam and a fleet stack");
  return env;
}
