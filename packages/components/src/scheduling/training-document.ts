import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HOST_LOCK_FILE, TRAINING_USER } from "../fleet/gpu-training-fleet.js";

/** Exit codes of the document itself (the team command's own code is passed through otherwise). */
export const DOCUMENT_EXIT_CODES = {
  /** nvidia-smi is missing or fails: the GPU cannot be used. */
  gpuCheckFailed: 10,
  /** Another run holds the host lock: runs never overlap on one instance. */
  hostBusy: 11,
  /** `timeout` stopped the command (GNU timeout's own code). */
  timedOut: 124,
} as const;

/** Seconds of the plugin's timeout kept back so the script can report a timed-out command. */
const REPORT_MARGIN_SECONDS = 60;

/** The parameters a caller passes (task `parameters`, association `parameters`). */
export interface TrainingDocumentParameters {
  /** Shell command, run as the training user in a fresh working directory. */
  command: string;
  /** Seconds the run may take; the command gets this minus a reporting margin. */
  executionTimeout: number;
  /** User to run as; default the fleet's unprivileged `retrain` user. */
  runAs?: string;
}

/** Parameter list of a maintenance window RUN_COMMAND task for these parameters. */
export function documentParameterList(p: TrainingDocumentParameters): { name: string; values: string[] }[] {
  return Object.entries(documentParameterMap(p)).map(([name, value]) => ({ name, values: [value] }));
}

/** Parameter map of an association for these parameters. */
export function documentParameterMap(p: TrainingDocumentParameters): Record<string, string> {
  return {
    command: p.command,
    executionTimeout: String(p.executionTimeout),
    runAs: p.runAs ?? TRAINING_USER,
  };
}

/** The shell script of the document's single step, one line per array item as SSM takes it. */
function script(): string[] {
  return `#!/bin/bash
set -uo pipefail
TIMEOUT='{{ executionTimeout }}'
RUN_AS='{{ runAs }}'
log() { echo "[retrain] $(date -u +%Y-%m-%dT%H:%M:%SZ) $*"; }

# 1. GPU check: a run without a working driver would fail late or train on the CPU.
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi --query-gpu=name,memory.total,utilization.gpu --format=csv,noheader; then
  log "GPU check failed: nvidia-smi is missing or not working"
  exit ${DOCUMENT_EXIT_CODES.gpuCheckFailed}
fi

# 2. Host lock, held until the command ends: two runs never share one instance's GPUs.
exec 9>${HOST_LOCK_FILE}
if ! flock -n 9; then
  log "another retraining run holds ${HOST_LOCK_FILE} on this instance; not starting"
  exit ${DOCUMENT_EXIT_CODES.hostBusy}
fi

# 3. The team command, as the unprivileged user, in its own working directory, with a time limit.
install -d -m 0755 /var/lib/retrain-runs
workdir=$(mktemp -d /var/lib/retrain-runs/run.XXXXXXXX)
cat > "$workdir/command.sh" <<'RETRAIN_COMMAND_END'
{{ command }}
RETRAIN_COMMAND_END
chown -R "$RUN_AS" "$workdir"
limit=$(( TIMEOUT > ${2 * REPORT_MARGIN_SECONDS} ? TIMEOUT - ${REPORT_MARGIN_SECONDS} : TIMEOUT ))
log "running as $RUN_AS in $workdir, limit \${limit}s"
cd "$workdir"
runuser -u "$RUN_AS" -- timeout --kill-after=30 "$limit" bash -l "$workdir/command.sh"
rc=$?
if [ "$rc" -eq ${DOCUMENT_EXIT_CODES.timedOut} ] || [ "$rc" -eq 137 ]; then
  log "command stopped after \${limit}s (exit $rc)"
fi
log "command exited with $rc"
exit "$rc"`.split("\n");
}

/** The SSM Command document (schema 2.2), as the typed object serialized into `content`. */
export function trainingDocumentContent(description: string) {
  return {
    schemaVersion: "2.2",
    description,
    parameters: {
      command: { type: "String", description: "Shell command run as the training user." },
      executionTimeout: {
        type: "String",
        default: "3600",
        description: "Seconds the run may take (the command gets 60 s less to report).",
        allowedPattern: "^[0-9]{2,6}$",
      },
      runAs: {
        type: "String",
        default: TRAINING_USER,
        description: "Unprivileged user the command runs as.",
        allowedPattern: "^[a-z_][a-z0-9_-]{0,31}$",
      },
    },
    mainSteps: [
      {
        action: "aws:runShellScript",
        name: "retrain",
        precondition: { StringEquals: ["platformType", "Linux"] },
        inputs: { timeoutSeconds: "{{ executionTimeout }}", runCommand: script() },
      },
    ],
  };
}

export interface TrainingCommandDocumentArgs {
  /** Document name; must match the prefix the maintenance window role may run (`retrain-<env>-`). */
  documentName: string;
  /** Who the document is for, shown in the console. */
  description: string;
  tags?: Record<string, string>;
}

/**
 * The project-owned Command document a team's windows and associations run: GPU check, host lock,
 * the command as the unprivileged user with a time limit, its exit code as the result. Output goes
 * wherever the caller sends it (CloudWatch Logs and S3).
 */
export class TrainingCommandDocument extends pulumi.ComponentResource {
  readonly documentName: pulumi.Output<string>;
  readonly documentArn: pulumi.Output<string>;

  constructor(name: string, args: TrainingCommandDocumentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:scheduling:TrainingCommandDocument", name, {}, opts);
    const document = new aws.ssm.Document(
      name,
      {
        name: args.documentName,
        documentType: "Command",
        documentFormat: "JSON",
        targetType: "/AWS::EC2::Instance",
        content: JSON.stringify(trainingDocumentContent(args.description)),
        tags: args.tags,
      },
      { parent: this },
    );
    this.documentName = document.name;
    this.documentArn = document.arn;
    this.registerOutputs({ documentName: this.documentName, documentArn: this.documentArn });
  }
}
