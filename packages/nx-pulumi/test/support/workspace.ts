/**
 * A throwaway git repository holding the fixture workspace, wired to the compiled plugin of this
 * checkout, for tests that run the real Nx CLI against it.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

export const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
export const REPO_ROOT = path.resolve(PACKAGE_DIR, "../..");
export const FIXTURE = path.join(PACKAGE_DIR, "test/fixtures/workspace");
export const PLUGIN_DIST = path.join(PACKAGE_DIR, "dist/index.js");
const NX_BIN = path.join(REPO_ROOT, "node_modules/nx/dist/bin/nx.js");

/** Nx without the daemon, Nx Cloud, the TUI or analytics: plain, deterministic child processes. */
export const NX_ENV = {
  NX_DAEMON: "false",
  NX_NO_CLOUD: "true",
  NX_TUI: "false",
  NX_SKIP_NX_CACHE: "true",
  CI: "true",
};

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class TempWorkspace {
  readonly root: string;
  readonly base: string;

  private constructor(root: string, base: string) {
    this.root = root;
    this.base = base;
  }

  /** Copies the fixture, points nx.json at the compiled plugin, commits it as the base. */
  static create(): TempWorkspace {
    if (!existsSync(PLUGIN_DIST)) {
      throw new Error(`${PLUGIN_DIST} is missing: build first (tsc -b packages/nx-pulumi, or pnpm test)`);
    }
    const root = mkdtempSync(path.join(tmpdir(), "nx-pulumi-"));
    cpSync(FIXTURE, root, { recursive: true });
    const nxJsonFile = path.join(root, "nx.json");
    const nxJson = JSON.parse(readFileSync(nxJsonFile, "utf8")) as { plugins: string[] };
    nxJson.plugins = [PLUGIN_DIST];
    writeFileSync(nxJsonFile, JSON.stringify(nxJson, null, 2));
    // The checkout's node_modules gives the temp workspace its own local Nx install.
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
    writeFileSync(path.join(root, ".gitignore"), "node_modules\n.nx\npulumi.log\nbin\n");
    const ws = new TempWorkspace(root, "");
    ws.git("init", "-q", "-b", "main");
    ws.git("add", "-A");
    ws.git("commit", "-q", "-m", "base");
    return new TempWorkspace(root, ws.git("rev-parse", "HEAD").trim());
  }

  git(...args: string[]): string {
    const r = spawnSync("git", args, {
      cwd: this.root,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "test",
        GIT_AUTHOR_EMAIL: "test@example.com",
        GIT_COMMITTER_NAME: "test",
        GIT_COMMITTER_EMAIL: "test@example.com",
      },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** A new branch from the base commit with `edits` committed on it. */
  scenario(name: string, edits: Record<string, (text: string) => string>): void {
    this.git("checkout", "-q", "-B", name, this.base);
    for (const [file, edit] of Object.entries(edits)) {
      const abs = path.join(this.root, file);
      writeFileSync(abs, edit(existsSync(abs) ? readFileSync(abs, "utf8") : ""));
    }
    this.git("add", "-A");
    this.git("commit", "-q", "-m", name);
  }

  nx(args: string[], env: NodeJS.ProcessEnv = {}): Run {
    const r = spawnSync(process.execPath, [NX_BIN, ...args], {
      cwd: this.root,
      encoding: "utf8",
      env: { ...process.env, ...NX_ENV, ...env },
      timeout: 120_000,
    });
    // Nx colours some output whatever the environment says; tests read the text.
    return {
      status: r.status,
      stdout: stripVTControlCharacters(r.stdout),
      stderr: stripVTControlCharacters(r.stderr),
    };
  }

  /** Projects affected between the base commit and HEAD. */
  affected(): string[] {
    const r = this.nx(["show", "projects", "--affected", `--base=${this.base}`, "--head=HEAD", "--json"]);
    if (r.status !== 0) throw new Error(`nx show projects failed:\n${r.stdout}\n${r.stderr}`);
    return (JSON.parse(r.stdout) as string[]).sort();
  }

  /**
   * Installs a fake `pulumi` that appends `<cwd relative to the workspace>\t<args>` to pulumi.log,
   * and returns the PATH that finds it first.
   */
  fakePulumi(): { PATH: string; FAKE_PULUMI_LOG: string } {
    const bin = path.join(this.root, "bin");
    const log = path.join(this.root, "pulumi.log");
    const script = path.join(bin, "pulumi");
    cpSync(path.join(PACKAGE_DIR, "test/support/fake-pulumi.sh"), script);
    chmodSync(script, 0o755);
    return { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`, FAKE_PULUMI_LOG: log };
  }

  /** The calls the fake pulumi recorded since the last call, then clears the log. */
  takeCalls(): PulumiCall[] {
    const log = path.join(this.root, "pulumi.log");
    if (!existsSync(log)) return [];
    const calls = readFileSync(log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [cwd = "", argLine = ""] = line.split("\t");
        const args = argLine.split(" ");
        // `stack select --create <stack>` names its stack positionally; the others use --stack.
        const at = args[0] === "stack" ? 2 : args.indexOf("--stack");
        const dir = path.relative(this.root, cwd).split(path.sep).join("/");
        const kind = dir.split("/")[1] ?? "";
        const command = args[0] === "stack" ? `${args[0]} ${args[1]}` : (args[0] ?? "");
        return { cwd: dir, args, command, project: `${kind}-${args[at + 1] ?? ""}` };
      });
    rmSync(log);
    return calls;
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export interface PulumiCall {
  /** Working directory relative to the workspace root, e.g. `stacks/iam`. */
  cwd: string;
  args: string[];
  command: string;
  /** `<kind>-<stack>` from the cwd and `--stack`: the Nx project the call belongs to. */
  project: string;
}
