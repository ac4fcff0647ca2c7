// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are bash, not JavaScript templates.
/**
 * Runs the training document's script with bash in a temp directory whose `bin/` shadows every
 * command that touches the host (users, systemd, the lock, the GPU, the metadata service, STS). Each
 * stub logs `<name> ctx=<context> <args>` to `calls.log`; the context is `root` in the document's own
 * shell and `team:<uid>` inside the stub `systemd-run`, which runs the unit's command the way systemd
 * would: in the working directory, with the EnvironmentFile and --setenv values, and without the
 * caller's other descriptors. The host paths of the script are moved into the sandbox.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HOST_LOCK_FILE, HOST_STATE_DIR, RUNS_DIR } from "../../src/host.js";

export const TEAM_UID = 4242;

const LOG = 'echo "$(basename "$0") ctx=${RETRAIN_STUB_CONTEXT:-root} $*" >> "$SANDBOX/calls.log"';

const STUBS: Record<string, string> = {
  "nvidia-smi": 'exit "${STUB_NVIDIA_RC:-0}"',
  "nvidia-modprobe": 'exit "${STUB_MODPROBE_RC:-0}"',
  flock: 'exit "${STUB_FLOCK_RC:-0}"',
  getent: "exit 0",
  groupadd: "exit 0",
  useradd: 'touch "$SANDBOX/user-created"',
  id: `[ -e "$SANDBOX/user-created" ] || exit 1; case "$1" in -u|-g) echo ${TEAM_UID} ;; *) exit 1 ;; esac`,
  install: 'mkdir -p "${@: -1}"',
  chown: "exit 0",
  runuser: "exit 99",
  curl: 'case "$*" in *"-X PUT"*) echo imds-token ;; *placement/region*) echo eu-west-1 ;; *) exit 22 ;; esac',
  aws: "exit 0",
  // The credential server: read its program, publish a port, stay up until the script stops it.
  python3: 'cat >/dev/null; echo 8080 > "$6"; exec sleep 30',
  systemctl: [
    'case "$1" in',
    '  show) echo "${STUB_RESULT:-success}" ;;',
    // Stopping the unit ends its whole process group, as systemd ends its control group.
    '  stop) [ ! -s "$SANDBOX/unit.pgid" ] || kill -TERM -- -"$(cat "$SANDBOX/unit.pgid")" 2>/dev/null ;;',
    '  list-units) [ -z "${STUB_ACTIVE_UNIT:-}" ] || echo "${STUB_ACTIVE_UNIT} loaded active running" ;;',
    "esac",
    "exit 0",
  ].join("\n"),
  "systemd-run": [
    `printf '%s\\0' "$@" > "$SANDBOX/systemd-run.args"`,
    "uid= wd= envfile=",
    "declare -a setenv=()",
    "while [ $# -gt 0 ]; do",
    '  case "$1" in',
    "    --uid=*) uid=${1#--uid=} ;;",
    "    --working-directory=*) wd=${1#--working-directory=} ;;",
    "    --property=EnvironmentFile=*) envfile=${1#--property=EnvironmentFile=} ;;",
    '    --setenv=*) setenv+=("${1#--setenv=}") ;;',
    "    --*) ;;",
    "    *) break ;;",
    "  esac",
    "  shift",
    "done",
    'cp "$2" "$SANDBOX/last-command.sh"',
    'cp "$envfile" "$SANDBOX/last-env"',
    'ls /proc/self/fd > "$SANDBOX/team-fds"',
    'cd "$wd" || exit 98',
    'setsid env -i PATH="$PATH" SANDBOX="$SANDBOX" MARK="$MARK" RETRAIN_STUB_CONTEXT="team:$uid" "${setenv[@]}" $(cat "$envfile") "$@" &',
    'echo "$!" > "$SANDBOX/unit.pgid"',
    'wait "$!"',
  ].join("\n"),
};

export interface SandboxRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Lines of calls.log. */
  calls: string[];
  /** Lines the payload wrote to the marker file: the context it ran in. */
  marks: string[];
  /** What the stub systemd-run found as the unit's command file, byte for byte. */
  command?: Buffer;
  /** The run's environment file as the unit read it. */
  env?: string;
  /** Descriptors open in the unit's command (from its own /proc/self/fd). */
  teamFds?: string[];
  /** The arguments the stub systemd-run received, exactly. */
  systemdRunArgs?: string[];
  /** Entries left in the runs directory after the script ended. */
  leftovers: string[];
}

export interface Sandbox {
  dir: string;
  /** The marker file a payload appends its context to. */
  mark: string;
  /** Runs the script; with `termAfterMs`, sends it SIGTERM then (as SSM stopping a command). */
  run(script: string, env?: Record<string, string>, termAfterMs?: number): SandboxRun;
  remove(): void;
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(path.join(tmpdir(), "retrain-doc-"));
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  for (const [name, body] of Object.entries(STUBS)) {
    writeFileSync(path.join(bin, name), `#!/bin/bash\n${LOG}\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  const mark = path.join(dir, "payload-ran");
  const moved = (p: string) => path.join(dir, p);
  return {
    dir,
    mark,
    run(script, env = {}, termAfterMs) {
      for (const f of [
        "calls.log",
        "payload-ran",
        "last-command.sh",
        "last-env",
        "team-fds",
        "user-created",
        "unit.pgid",
      ])
        rmSync(path.join(dir, f), { force: true });
      const local = script
        .replace(`readonly STATE_DIR='${HOST_STATE_DIR}'`, `readonly STATE_DIR='${moved(HOST_STATE_DIR)}'`)
        .replace(`readonly LOCK_FILE='${HOST_LOCK_FILE}'`, `readonly LOCK_FILE='${moved(HOST_LOCK_FILE)}'`)
        .replace(`readonly RUNS_DIR='${RUNS_DIR}'`, `readonly RUNS_DIR='${moved(RUNS_DIR)}'`);
      const file = path.join(dir, "document.sh");
      writeFileSync(file, local);
      const r = spawnSync("bash", [file], {
        cwd: dir,
        env: { PATH: `${bin}:/usr/bin:/bin`, SANDBOX: dir, MARK: mark, ...env },
        encoding: "utf8",
        timeout: termAfterMs ?? 60_000,
        killSignal: "SIGTERM",
      });
      const read = (f: string) => {
        try {
          return readFileSync(path.join(dir, f));
        } catch {
          return undefined;
        }
      };
      const lines = (f: string) => (read(f)?.toString("utf8") ?? "").split("\n").filter((l) => l !== "");
      const runs = moved(RUNS_DIR);
      const out: SandboxRun = {
        status: r.status,
        stdout: r.stdout,
        stderr: r.stderr,
        calls: lines("calls.log"),
        marks: lines("payload-ran"),
        leftovers: (() => {
          try {
            return readdirSync(runs);
          } catch {
            return [];
          }
        })(),
      };
      const command = read("last-command.sh");
      if (command) out.command = command;
      const envFile = read("last-env");
      if (envFile) out.env = envFile.toString("utf8");
      const args = read("systemd-run.args");
      if (args) out.systemdRunArgs = args.toString("utf8").split("\0").slice(0, -1);
      const fds = read("team-fds");
      if (fds) out.teamFds = lines("team-fds");
      return out;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
