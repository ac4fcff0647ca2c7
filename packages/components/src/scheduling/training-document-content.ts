/**
 * The content of a team's training document (SSM Command document, schema 2.2), Pulumi-free: the
 * scheduling stack renders it, the policy pack verifies a deployed document against it, the tests run
 * its script. Exported as `@retrain/components/training-document`.
 *
 * Parameter passing (https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html):
 * SSM replaces `{{ name }}` in the document's inputs with the parameter's text before the agent runs
 * the script, and rejects a value that does not match the parameter's `allowedPattern`. So the
 * command never reaches the script as text: it travels base64-encoded (`commandBase64`, the base64
 * alphabet only, length-bounded), lands inside single quotes, and is decoded by the root side into a
 * file the team user runs. The only other parameter, `executionTimeout`, is digits only. Neither
 * pattern admits a quote, a newline or a brace, so no value can leave its quotes or name another
 * parameter. The team, its Unix user and its role are baked into the content, never parameters.
 */
import { createHash } from "node:crypto";
import {
  HOST_LOCK_FILE,
  HOST_STATE_DIR,
  IMDS_ADDRESSES,
  IMDS_GUARD_UNIT,
  RUN_UNIT_PREFIX,
  RUNS_DIR,
  TRAINING_USER,
  teamUser,
} from "../host.js";
import { CREDENTIAL_SERVER_PY } from "./credential-server.js";

/** Exit codes of the document itself; otherwise the team command's own code is passed through. */
export const DOCUMENT_EXIT_CODES = {
  /** nvidia-smi is missing or fails: the GPU cannot be used. */
  gpuCheckFailed: 10,
  /** Another run holds the host lock, or a run unit is still active: runs never overlap on one instance. */
  hostBusy: 11,
  /** A parameter failed the script's own re-check (SSM's allowedPattern should have rejected it first). */
  invalidParameters: 12,
  /** The root side could not prepare the run: team user, run directory, region or team credentials. */
  setupFailed: 13,
  /**
   * The command exited with a code the SSM agent gives a meaning: 194 ("reboot the instance, then run
   * the script again", which would let a team reboot a shared host in a loop) or 137 (read as a time
   * out). Reported as this code instead; the log line keeps the command's own.
   */
  agentReservedCode: 14,
  /** The run used the host's memory up to its unit's MemoryMax, and the kernel killed it there. */
  outOfMemory: 15,
  /** The run reached its time limit (systemd's RuntimeMaxSec); the whole unit was stopped. */
  timedOut: 124,
  /** SSM stopped the document (cancel or its own timeout): the run unit was stopped too. */
  cancelled: 143,
} as const;

/**
 * Exit codes of a Linux script the SSM agent does not report as Failed: 194 (reboot the node, then run
 * the script again: https://docs.aws.amazon.com/systems-manager/latest/userguide/send-commands-reboot.html)
 * and 137 (stopped preemptively: TimedOut). A team's command never exits the document with them.
 */
export const AGENT_RESERVED_EXIT_CODES = [194, 137] as const;

/** Seconds of the plugin's timeout kept back so the script can stop the unit and report. */
export const REPORT_MARGIN_SECONDS = 60;

/** Longest command the config accepts (characters); the base64 bound below covers it in UTF-8. */
export const MAX_COMMAND_CHARS = 4096;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit; base64 makes 4 characters of every 3 bytes. */
export const MAX_COMMAND_BASE64_CHARS = Math.ceil((MAX_COMMAND_CHARS * 3) / 3) * 4;

/** Share of the host's memory the run's unit may not take: the root side and the SSM agent live in it. */
export const RUN_MEMORY_RESERVE_PERCENT = 10;
const RUN_MEMORY_MAX = `${100 - RUN_MEMORY_RESERVE_PERCENT}%`;

/** The document's parameters with the constraints SSM enforces; the script re-checks both. */
export const DOCUMENT_PARAMETERS = {
  commandBase64: {
    type: "String",
    description: "The team's command (a bash script, may be multi-line), base64-encoded (RFC 4648 alphabet).",
    // The length lives in min/maxChars, not in the pattern: SSM checks the pattern with Java's regex,
    // then the agent compiles it again with Go's regexp, which refuses a repeat count above 1000
    // (`{2,16384}`): the agent would fail every run before the script starts.
    allowedPattern: "^[A-Za-z0-9+/]+={0,2}$",
    minChars: 4,
    maxChars: MAX_COMMAND_BASE64_CHARS + 2,
  },
  executionTimeout: {
    type: "String",
    default: "3600",
    description: `Seconds the run may take (the command gets ${REPORT_MARGIN_SECONDS} s less to report).`,
    allowedPattern: "^[0-9]{2,6}$",
  },
} as const;

export type DocumentParameterName = keyof typeof DOCUMENT_PARAMETERS;
export const DOCUMENT_PARAMETER_NAMES = Object.keys(DOCUMENT_PARAMETERS) as DocumentParameterName[];

/** What a team's document is rendered from: all of it baked into the content. */
export interface TrainingDocumentSpec {
  team: string;
  environment: string;
  /** The team's training role (iam output `teamRoleArns[team]`), assumed by the root side per run. */
  teamRoleArn: string;
}

/** The parameters a caller passes (task `parameters`, association `parameters`). */
export interface TrainingDocumentParameters {
  /** The team's command: bash script text, run as the team user in a fresh working directory. */
  command: string;
  /** Seconds the run may take; the command gets this minus a reporting margin. */
  executionTimeout: number;
}

const SLUG = /^[a-z][a-z0-9-]{0,31}$/;
/** IAM role ARN of any partition; no quote, space or brace can appear (it is baked in single quotes). */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;

/** Name prefix of every document of a team (`retrain-<env>-<team>-`), the one its tasks may run. */
export function documentNamePrefix(environment: string, team: string): string {
  return `retrain-${environment}-${team}-`;
}

/** Name of a team's training document. */
export function trainingDocumentName(environment: string, team: string): string {
  return `${documentNamePrefix(environment, team)}train`;
}

/** The command as the `commandBase64` parameter carries it (UTF-8, standard base64 with padding). */
export function encodeCommand(command: string): string {
  return Buffer.from(command, "utf8").toString("base64");
}

/** Parameter map of an association (and the values of a task's parameter list). */
export function documentParameterMap(p: TrainingDocumentParameters): Record<DocumentParameterName, string> {
  if (p.command.length === 0 || p.command.length > MAX_COMMAND_CHARS)
    throw new Error(`command must be 1-${MAX_COMMAND_CHARS} characters (got ${p.command.length})`);
  return { commandBase64: encodeCommand(p.command), executionTimeout: String(p.executionTimeout) };
}

/** Parameter list of a maintenance window RUN_COMMAND task. */
export function documentParameterList(p: TrainingDocumentParameters): { name: string; values: string[] }[] {
  return Object.entries(documentParameterMap(p)).map(([name, value]) => ({ name, values: [value] }));
}

function checkSpec(spec: TrainingDocumentSpec): void {
  if (!SLUG.test(spec.team)) throw new Error(`training document: team "${spec.team}" is not a slug`);
  if (!SLUG.test(spec.environment))
    throw new Error(`training document: environment "${spec.environment}" is not a slug`);
  if (!ROLE_ARN.test(spec.teamRoleArn))
    throw new Error(`training document: teamRoleArn "${spec.teamRoleArn}" is not an IAM role ARN`);
}

/** The document's shell script (the single step's `runCommand`, joined). */
export function trainingDocumentScript(spec: TrainingDocumentSpec): string {
  checkSpec(spec);
  const E = DOCUMENT_EXIT_CODES;
  const user = teamUser(spec.team);
  return `#!/bin/bash
# Root side of one retraining run of team ${spec.team} (${spec.environment}). Exit codes: ${E.gpuCheckFailed} GPU check,
# ${E.hostBusy} host busy, ${E.invalidParameters} bad parameter, ${E.setupFailed} setup failed, ${E.agentReservedCode} the command exited ${AGENT_RESERVED_EXIT_CODES.join(" or ")}, ${E.outOfMemory} out of memory, ${E.timedOut} time limit, ${E.cancelled} cancelled; else the command's.
set -uo pipefail
umask 077
readonly TEAM='${spec.team}'
readonly ENVIRONMENT='${spec.environment}'
readonly TEAM_USER='${user}'
readonly TEAM_GROUP='${TRAINING_USER}'
readonly TEAM_ROLE_ARN='${spec.teamRoleArn}'
readonly STATE_DIR='${HOST_STATE_DIR}'
readonly LOCK_FILE='${HOST_LOCK_FILE}'
readonly RUNS_DIR='${RUNS_DIR}'
# The only two values SSM substitutes: its allowedPattern admits digits / the base64 alphabet only.
TIMEOUT='{{ executionTimeout }}'
COMMAND_B64='{{ commandBase64 }}'
log() { printf '[retrain] %s %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { log "$2"; exit "$1"; }

# 0. Re-check the parameters (SSM's allowedPattern is the first gate, this the second).
[[ $TIMEOUT =~ ^[0-9]{2,6}$ ]] || fail ${E.invalidParameters} "executionTimeout is not a number of seconds"
[[ $COMMAND_B64 =~ ^[A-Za-z0-9+/]+={0,2}$ ]] || fail ${E.invalidParameters} "commandBase64 is not base64"
limit=$(( 10#$TIMEOUT > ${2 * REPORT_MARGIN_SECONDS} ? 10#$TIMEOUT - ${REPORT_MARGIN_SECONDS} : 10#$TIMEOUT ))
# RuntimeMaxSec=0 would mean no limit at all.
[ "$limit" -ge 10 ] || fail ${E.invalidParameters} "executionTimeout of $TIMEOUT s is too short"

# 1. GPU check: a run without a working driver would fail late or train on the CPU.
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi --query-gpu=name,memory.total,utilization.gpu --format=csv,noheader; then
  fail ${E.gpuCheckFailed} "GPU check failed: nvidia-smi is missing or not working"
fi
# CUDA's unified-memory device node: on a first CUDA call the driver creates it through the setuid
# nvidia-modprobe, which cannot gain root in the team's unit (NoNewPrivileges=yes): create it here.
if [ ! -e /dev/nvidia-uvm ] && command -v nvidia-modprobe >/dev/null 2>&1; then
  nvidia-modprobe -u -c=0 || log "nvidia-modprobe -u failed: CUDA may not initialise in the run"
fi

# 2. Host lock in the root-only state directory, held by this script only: the run starts in a unit
#    of its own (systemd forks it, not this shell), so the descriptor never reaches the team's processes.
install -d -m 0700 -o root -g root "$STATE_DIR" || fail ${E.setupFailed} "cannot create $STATE_DIR"
exec 9>"$LOCK_FILE"
flock -n 9 || fail ${E.hostBusy} "another retraining run holds $LOCK_FILE on this instance; not starting"
if [ -n "$(systemctl list-units --no-legend --state=active '${RUN_UNIT_PREFIX}*' 2>/dev/null)" ]; then
  fail ${E.hostBusy} "a retraining unit from an earlier run is still active; not starting"
fi
systemctl is-active --quiet ${IMDS_GUARD_UNIT} || fail ${E.setupFailed} "the metadata-service guard (${IMDS_GUARD_UNIT}) is not active"

# 3. The team's own user: no login shell, no shared home or profile.
getent group "$TEAM_GROUP" >/dev/null || groupadd --system "$TEAM_GROUP" 9>&- || fail ${E.setupFailed} "cannot create group $TEAM_GROUP"
if ! id -u "$TEAM_USER" >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \\
    --user-group --groups "$TEAM_GROUP" "$TEAM_USER" 9>&- || fail ${E.setupFailed} "cannot create user $TEAM_USER"
fi
uid=$(id -u "$TEAM_USER") || fail ${E.setupFailed} "no user $TEAM_USER"
gid=$(id -g "$TEAM_USER") || fail ${E.setupFailed} "no group of $TEAM_USER"
if [ "$uid" -eq 0 ] || [ "$gid" -eq 0 ]; then fail ${E.setupFailed} "$TEAM_USER must not be root"; fi

# 4. The run directory: earlier runs' leftovers go (no run is active), a fresh one is created root-owned,
#    receives the decoded command, then is handed to the team user; removed when the run ends.
#    Its parent is made traversable first: under umask 077, install -d would create it 0700.
install -d -m 0755 -o root -g root "\${RUNS_DIR%/*}" || fail ${E.setupFailed} "cannot create \${RUNS_DIR%/*}"
install -d -m 0710 -o root -g "$TEAM_GROUP" "$RUNS_DIR" || fail ${E.setupFailed} "cannot create $RUNS_DIR"
find "$RUNS_DIR" "$STATE_DIR" -mindepth 1 -maxdepth 1 -type d -exec rm -rf -- {} + 2>/dev/null
run_dir=$(mktemp -d "$RUNS_DIR/$TEAM.XXXXXXXX") || fail ${E.setupFailed} "cannot create a run directory"
run_id=\${run_dir##*.}
unit="${RUN_UNIT_PREFIX}$TEAM-$run_id"
secrets="$STATE_DIR/$run_id"
server_pid=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  trap '' PIPE
  systemctl stop "$unit.service" 2>/dev/null
  systemctl reset-failed "$unit.service" 2>/dev/null
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null
  rm -rf -- "$run_dir" "$secrets"
}
trap cleanup EXIT
# Whoever stops us may already have closed our output: a write must not kill the cleanup (SIGPIPE).
trap 'trap "" PIPE; log "stopped by SSM: stopping $unit"; exit ${E.cancelled}' TERM INT HUP
printf '%s' "$COMMAND_B64" | base64 -d >"$run_dir/command.sh" || fail ${E.invalidParameters} "commandBase64 does not decode"
if ! chown -R "$uid:$gid" "$run_dir" || ! chmod 0700 "$run_dir"; then
  fail ${E.setupFailed} "cannot hand $run_dir to $TEAM_USER"
fi

# 5. The team role's short-lived credentials, served on loopback to the run only (its token is in a
#    root-only environment file systemd reads before dropping privileges), refreshed before they expire.
imds=http://${IMDS_ADDRESSES.ipv4}/latest
imds_token=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "$imds/api/token" 9>&-)
region=$(curl -sf -H "X-aws-ec2-metadata-token: $imds_token" "$imds/meta-data/placement/region" 9>&-)
[[ $region =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || fail ${E.setupFailed} "cannot read the instance's region"
install -d -m 0700 -o root -g root "$secrets" || fail ${E.setupFailed} "cannot create $secrets"
token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n')
printf '%s' "$token" >"$secrets/token"
python3 - "$TEAM_ROLE_ARN" "$TEAM-$run_id" "$region" "$secrets/token" "$secrets/port" 9>&- <<'RETRAIN_CREDENTIAL_SERVER' &
${CREDENTIAL_SERVER_PY}
RETRAIN_CREDENTIAL_SERVER
server_pid=$!
for _ in $(seq 1 120); do
  if [ -s "$secrets/port" ] || ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  sleep 0.5
done
[ -s "$secrets/port" ] || fail ${E.setupFailed} "cannot assume $TEAM_ROLE_ARN"
port=$(cat "$secrets/port")
printf 'AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:%s/credentials\\nAWS_CONTAINER_AUTHORIZATION_TOKEN=%s\\n' "$port" "$token" >"$secrets/env"

# 6. The command, as the team user, in a transient unit: every process of the run (setsid children
#    included) ends with it, at the latest after the time limit; private /tmp and /dev/shm, no home
#    directories, the file system read-only but the run directory, no privilege gain, no metadata service,
#    and no IPC object left for the next run (team users are system users, which logind never cleans).
#    Less kernel to attack from it (root on one host reaches every team's role via the instance
#    role): no namespaces (user namespaces are where most local kernel exploits start), kernel
#    tunables, modules, cgroups and the kernel log read-only or closed, no set-uid files, no personality
#    or realtime changes, native system calls only (no 32-bit entry), no other user's processes in /proc.
#    Not ProtectClock or a DeviceAllow list: either installs a device policy that would close the GPUs.
#    The run may use all but ${RUN_MEMORY_RESERVE_PERCENT}% of the host's memory: out of memory, the kernel kills in the run's
#    unit, not the SSM agent, the credential server or this script (which must report the run).
log "team $TEAM ($ENVIRONMENT): running as $TEAM_USER in $unit ($run_dir), limit \${limit}s"
systemd-run --unit="$unit" --uid="$uid" --gid="$gid" --wait --pipe --quiet \\
  --working-directory="$run_dir" \\
  --property=KillMode=control-group --property=RuntimeMaxSec="$limit" \\
  --property=PrivateTmp=yes --property=ProtectHome=yes --property=ProtectSystem=strict \\
  --property=ReadWritePaths="$run_dir" --property=NoNewPrivileges=yes \\
  --property=TemporaryFileSystem=/dev/shm:mode=1777 --property=RemoveIPC=yes \\
  --property=ProtectKernelTunables=yes --property=ProtectKernelModules=yes \\
  --property=ProtectControlGroups=yes --property=RestrictNamespaces=yes \\
  --property=RestrictSUIDSGID=yes --property=LockPersonality=yes --property=RestrictRealtime=yes \\
  --property=ProtectKernelLogs=yes --property=ProtectProc=invisible --property=SystemCallArchitectures=native \\
  --property=MemoryMax=${RUN_MEMORY_MAX} \\
  --property="IPAddressDeny=${IMDS_ADDRESSES.ipv4} ${IMDS_ADDRESSES.ipv6}" \\
  --property=EnvironmentFile="$secrets/env" \\
  --setenv=HOME="$run_dir" --setenv=AWS_REGION="$region" --setenv=RETRAIN_TEAM="$TEAM" \\
  /bin/bash "$run_dir/command.sh" </dev/null 9>&- &
# In the background and waited for: bash runs the TERM trap (which stops the unit) at once during
# \`wait\`, but only after a foreground command has ended.
wait "$!"
rc=$?
result=$(systemctl show --property=Result --value "$unit.service" 2>/dev/null)
if [ "$result" = timeout ]; then
  log "command stopped after \${limit}s"
  rc=${E.timedOut}
elif [ "$result" = oom-kill ]; then
  log "command killed for using more than ${RUN_MEMORY_MAX} of the host's memory (MemoryMax)"
  rc=${E.outOfMemory}
fi
log "command exited with $rc"
case $rc in
  # SSM agent (pluginutil GetStatus): 194 reboots the instance and reruns the script, 137 is a time out.
  ${AGENT_RESERVED_EXIT_CODES.join("|")}) log "exit $rc has a meaning to the SSM agent: reporting ${E.agentReservedCode}"; rc=${E.agentReservedCode} ;;
esac
exit "$rc"`;
}

/** The SSM Command document (schema 2.2), as the object serialized into `content`. */
export function trainingDocumentContent(spec: TrainingDocumentSpec) {
  return {
    schemaVersion: "2.2",
    description: `Retraining run of team ${spec.team} (${spec.environment}): GPU check, host lock, the command as ${teamUser(spec.team)} in a transient systemd unit with the team role's credentials.`,
    parameters: DOCUMENT_PARAMETERS,
    mainSteps: [
      {
        action: "aws:runShellScript",
        name: "retrain",
        precondition: { StringEquals: ["platformType", "Linux"] },
        inputs: {
          timeoutSeconds: "{{ executionTimeout }}",
          runCommand: trainingDocumentScript(spec).split("\n"),
        },
      },
    ],
  };
}

export type TrainingDocumentContent = ReturnType<typeof trainingDocumentContent>;

/** The `content` string of the Document resource. */
export function renderTrainingDocument(spec: TrainingDocumentSpec): string {
  return JSON.stringify(trainingDocumentContent(spec));
}

/** JSON with object keys sorted, so equal documents hash equally whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the canonical JSON of a document's content. */
export function contentHash(content: unknown): string {
  return createHash("sha256").update(canonical(content)).digest("hex");
}

export type VerifyResult =
  | { ok: true; spec: TrainingDocumentSpec; hash: string }
  | { ok: false; problem: string };

const BAKED = (name: string) => new RegExp(`^readonly ${name}='([^']*)'$`);

/**
 * Whether a document's content is exactly the project's training document for some team: the team,
 * environment and role are read from the baked lines, the document is rendered again from them and
 * the two must hash equally (any edit of the script, a parameter or a pattern fails). With `expected`,
 * the spec must also match it.
 */
export function verifyTrainingDocument(
  content: unknown,
  expected?: Partial<TrainingDocumentSpec>,
): VerifyResult {
  let parsed: unknown = content;
  if (typeof content === "string") {
    try {
      parsed = JSON.parse(content);
    } catch {
      return { ok: false, problem: "content is not JSON" };
    }
  }
  const lines = (parsed as { mainSteps?: { inputs?: { runCommand?: unknown } }[] } | null)?.mainSteps?.[0]
    ?.inputs?.runCommand;
  if (!Array.isArray(lines) || !lines.every((l) => typeof l === "string"))
    return { ok: false, problem: "content has no aws:runShellScript step with runCommand lines" };
  const baked = (name: string) =>
    lines.map((l) => BAKED(name).exec(l)?.[1]).find((v): v is string => v !== undefined);
  const team = baked("TEAM");
  const environment = baked("ENVIRONMENT");
  const teamRoleArn = baked("TEAM_ROLE_ARN");
  if (team === undefined || environment === undefined || teamRoleArn === undefined)
    return {
      ok: false,
      problem: "content does not name its team, environment and team role like the training document",
    };
  const spec = { team, environment, teamRoleArn };
  let hash: string;
  try {
    hash = contentHash(trainingDocumentContent(spec));
  } catch (e) {
    return { ok: false, problem: (e as Error).message };
  }
  if (contentHash(parsed) !== hash)
    return {
      ok: false,
      problem: `content differs from the training document of team ${team} (${environment})`,
    };
  for (const key of ["team", "environment", "teamRoleArn"] as const) {
    const want = expected?.[key];
    if (want !== undefined && want !== spec[key])
      return {
        ok: false,
        problem: `content is the training document of ${key} "${spec[key]}", expected "${want}"`,
      };
  }
  return { ok: true, spec, hash };
}
