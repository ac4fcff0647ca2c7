/**
 * Runs the Pulumi CLI for an Nx target: fails at once with install help when `pulumi` is missing,
 * guards `destroy` behind an explicit confirmation, refuses to preview or deploy a stack whose config
 * is invalid (exit 2, as `retrain config check` and the plan), and otherwise hands over stdio, exit
 * code and signals unchanged, so Nx sees exactly what Pulumi did.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, dirname, join, relative, resolve } from "node:path";

export const INSTALL_URL = "https://www.pulumi.com/docs/install/";

/** Environment variable naming the projects a `destroy` may run for (comma-separated Nx project names). */
export const CONFIRM_DESTROY_ENV = "RETRAIN_CONFIRM_DESTROY";

export const MISSING_CLI_MESSAGE = [
  "retrain: the Pulumi CLI (`pulumi`) is not on PATH.",
  `  Install it: ${INSTALL_URL} (e.g. \`curl -fsSL https://get.pulumi.com | sh\`), then log in to a`,
  "  backend (`pulumi login --local`, `pulumi login s3://<bucket>` or `pulumi login`).",
  "  Without the CLI or AWS access, `pnpm plan` previews every stack offline with the policy pack.",
].join("\n");

/** The absolute path of `command` on PATH, or undefined. PATHEXT is honoured on Windows. */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? "").split(delimiter).filter(Boolean);
  const exts = process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = join(dir, command + ext);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

export interface ParsedInvocation {
  /** Nx project name that a `destroy` must be confirmed with (`--confirm-name`), if any. */
  confirmName?: string;
  /** The value given with `--confirm=<name>` / `--confirm <name>`, if any. */
  confirmGiven?: string;
  /** The arguments handed to `pulumi`, without the wrapper's own flags. */
  pulumiArgs: string[];
}

/**
 * Splits the wrapper's own flags from Pulumi's. `--confirm-name <project>` comes first (set by the
 * plugin on destroy targets); `--confirm=<project>` may appear anywhere, because Nx appends the
 * arguments a user passes to `nx run <project>:destroy` at the end.
 */
export function parseInvocation(argv: readonly string[]): ParsedInvocation {
  const out: ParsedInvocation = { pulumiArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--confirm-name" || arg === "--confirm") {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      if (arg === "--confirm-name") out.confirmName = value;
      else out.confirmGiven = value;
    } else if (arg.startsWith("--confirm-name=")) {
      out.confirmName = arg.slice("--confirm-name=".length);
    } else if (arg.startsWith("--confirm=")) {
      out.confirmGiven = arg.slice("--confirm=".length);
    } else {
      out.pulumiArgs.push(arg);
    }
  }
  return out;
}

/** Why a destroy may not run, or undefined when it is confirmed (or the command is no destroy). */
export function destroyRefusal(
  inv: ParsedInvocation,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (inv.pulumiArgs[0] !== "destroy" || inv.confirmName === undefined) return undefined;
  const name = inv.confirmName;
  if (inv.confirmGiven === name) return undefined;
  const fromEnv = (env[CONFIRM_DESTROY_ENV] ?? "").split(",").map((s) => s.trim());
  if (fromEnv.includes(name)) return undefined;
  const given =
    inv.confirmGiven === undefined ? "" : ` (--confirm=${inv.confirmGiven} names another project)`;
  return [
    `retrain: refusing to destroy ${name}: destroying deletes every resource of the stack${given}.`,
    `  Confirm with \`nx run ${name}:destroy --confirm=${name}\``,
    `  or set ${CONFIRM_DESTROY_ENV}=${name} (comma-separated for several projects).`,
  ].join("\n");
}

/** The commands that run the stack's program, so need its config valid. */
const RUNS_PROGRAM = new Set(["preview", "up", "update"]);

/** The values of every `--flag <v>` or `--flag=<v>` in Pulumi's arguments, in order. */
function flagValues(args: readonly string[], flag: string): (string | undefined)[] {
  const values: (string | undefined)[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === flag) values.push(args[++i]);
    else if (a.startsWith(`${flag}=`)) values.push(a.slice(flag.length + 1));
  }
  return values;
}

/**
 * Pulumi's shorthands that take no value (`-y` yes, `-f` skip-preview, `-r` refresh, `-d` debug,
 * `-j` json, `-e` emoji, `-Q` fully-qualify-stack-names, `-h` help): in a cluster such as `-yc`,
 * the letter after them is another flag; after any other letter, the rest is that flag's value.
 */
const BOOLEAN_SHORTHANDS = new Set(["y", "f", "r", "d", "j", "e", "Q", "h"]);

/**
 * The first argument that overrides the stack's config file or the folder it is found from:
 * `-c`/`--config` (per-key values, never validated) and `-C`/`--cwd` (another project), in every
 * spelling pflag accepts (`--config=k=v`, `-ck=v`, `-c=k=v`, `-Cdir`, `-yc k=v`). `--config-file`
 * and `--config-path` are other flags.
 */
function configOverride(args: readonly string[]): string | undefined {
  for (const a of args) {
    if (a === "--config" || a.startsWith("--config=") || a === "--cwd" || a.startsWith("--cwd=")) return a;
    if (!a.startsWith("-") || a.startsWith("--")) continue;
    for (const letter of a.slice(1)) {
      if (letter === "c" || letter === "C") return a;
      if (!BOOLEAN_SHORTHANDS.has(letter)) break;
    }
  }
  return undefined;
}

/**
 * Why the stack's config file (`--config-file` of a preview or up) may not run, one problem a line
 * naming file, key and place; undefined when it is valid or the command runs no program. The same
 * loader as `retrain config check` and the plan (schema, tenant grants, the team folder's rules):
 * a team's invalid file fails here with exit 2 before Pulumi or the cloud is reached.
 *
 * Arguments that would make Pulumi run with other config than the file validated here are refused
 * too: a second `--config-file` (Pulumi keeps the last one, and Nx appends a user's extra arguments
 * at the end), `-c`/`--config` and `-C`/`--cwd`. The Nx targets never pass them.
 */
export async function configRefusal(
  pulumiArgs: readonly string[],
  cwd: string = process.cwd(),
): Promise<string | undefined> {
  const command = pulumiArgs[0];
  if (command === undefined || !RUNS_PROGRAM.has(command)) return undefined;
  const configFiles = flagValues(pulumiArgs, "--config-file");
  const override = configOverride(pulumiArgs);
  const bypass =
    configFiles.length > 1
      ? `--config-file is given ${configFiles.length} times (Pulumi would use the last one)`
      : override === undefined
        ? undefined
        : `${override} would bypass the stack's config file`;
  if (bypass !== undefined)
    return [
      `retrain-pulumi: refusing to ${command}: ${bypass}; nothing was previewed or deployed.`,
      "  Only the config file the Nx target passes is validated, so -c/--config, -C/--cwd and a second",
      "  --config-file are refused. Edit the stack's config file instead (check it offline with",
      "  `pnpm retrain config check`), then run the target without them.",
    ].join("\n");
  const configFile = configFiles[0];
  if (configFile === undefined) return undefined;
  // Loaded on demand: the config package brings zod and YAML, which the other commands never need.
  const { ConfigError, describeProblem, findWorkspaceRoot, loadStackConfig, toPosix } = await import(
    "@retrain/config/workspace"
  );
  const file = resolve(cwd, configFile);
  const shown = toPosix(relative(findWorkspaceRoot(dirname(file)), file));
  try {
    loadStackConfig(file, { displayName: shown });
    return undefined;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return [
      `retrain-pulumi: ${shown} is invalid; nothing was previewed or deployed:`,
      ...e.problems.map((p) => `  ${describeProblem({ ...p, file: shown })}`),
      "  Check it offline with `pnpm retrain config check` or `pnpm plan`.",
    ].join("\n");
  }
}

/** Runs the wrapper: returns the exit code to use. */
export async function runPulumi(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let inv: ParsedInvocation;
  try {
    inv = parseInvocation(argv);
  } catch (error) {
    console.error(`retrain-pulumi: ${(error as Error).message}`);
    return 2;
  }
  const refusal = destroyRefusal(inv, env);
  if (refusal !== undefined) {
    console.error(refusal);
    return 1;
  }
  const invalid = await configRefusal(inv.pulumiArgs);
  if (invalid !== undefined) {
    console.error(invalid);
    return 2;
  }
  const pulumi = findOnPath("pulumi", env);
  if (pulumi === undefined) {
    console.error(MISSING_CLI_MESSAGE);
    return 127;
  }
  return await new Promise<number>((resolve) => {
    const child = spawn(pulumi, inv.pulumiArgs, {
      stdio: "inherit",
      env,
      shell: process.platform === "win32",
    });
    // Forward interrupts so Pulumi can cancel cleanly and release its stack lock.
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward("SIGINT");
    const onTerm = forward("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    child.on("error", (error) => {
      console.error(`retrain-pulumi: could not start ${pulumi}: ${error.message}`);
      resolve(127);
    });
    child.on("exit", (code, signal) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      resolve(code ?? (signal === "SIGINT" ? 130 : 1));
    });
  });
}
