// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are bash, not JavaScript templates.
/**
 * The training document against a hostile team: SSM's substitution performed on the real content
 * with hostile values, the resulting script run by bash in a sandbox of stubs, asserting that nothing
 * but the team's own unit ever runs the team's text, and what the root side does around it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AGENT_RESERVED_EXIT_CODES,
  DOCUMENT_EXIT_CODES,
  DOCUMENT_PARAMETERS,
  documentParameterMap,
  MAX_COMMAND_CHARS,
  renderTrainingDocument,
  type TrainingDocumentSpec,
  trainingDocumentContent,
  trainingDocumentScript,
  verifyTrainingDocument,
} from "../src/scheduling/training-document-content.js";
import { type Sandbox, sandbox, TEAM_UID } from "./support/sandbox.js";
import { type SsmDocument, ssmSubstitute } from "./support/ssm.js";

const SPEC: TrainingDocumentSpec = {
  team: "vision",
  environment: "prod",
  teamRoleArn: "arn:aws:iam::123456789012:role/retrain-prod-team-vision",
};
const DOC = trainingDocumentContent(SPEC) as unknown as SsmDocument;
const TEAM_CONTEXT = `team:${TEAM_UID}`;

/** Appends the context it runs in to the marker file: `root` unless inside the team's unit. */
const PAYLOAD = 'printf "%s\\n" "${RETRAIN_STUB_CONTEXT:-root}" >> "$MARK"';

let box: Sandbox;
beforeAll(() => {
  box = sandbox();
});
afterAll(() => box?.remove());

function run(params: Record<string, string>, env?: Record<string, string>) {
  const s = ssmSubstitute(DOC, params);
  if (!s.ok) throw new Error(`SSM would reject: ${s.reason}`);
  return box.run(s.script, env);
}

const encoded = (command: string, executionTimeout = 600) =>
  documentParameterMap({ command, executionTimeout });

/** Commands a team may send; each hides the payload behind a trick aimed at the root side. */
const HOSTILE_COMMANDS: [string, string][] = [
  ["newline + old heredoc terminator + payload", `python train.py\nRETRAIN_COMMAND_END\n${PAYLOAD}`],
  ["CRLF", `python train.py\r\n${PAYLOAD}`],
  ["lone CR", `python train.py\r${PAYLOAD}`],
  ["U+2028", `python train.py\u2028\n${PAYLOAD}`],
  ["NUL", `python train.py\u0000\n${PAYLOAD}`],
  ["single quotes", `'\n${PAYLOAD}\n'`],
  ["$(...)", `echo "$(${PAYLOAD})"`],
  ["backticks", `echo \`${PAYLOAD}\``],
  ["a parameter reference", `echo {{ executionTimeout }} {{ssm:/secret}}\n${PAYLOAD}`],
  ["4096 characters", `#${"x".repeat(MAX_COMMAND_CHARS - PAYLOAD.length - 2)}\n${PAYLOAD}`],
];

/** Raw values someone might put straight into the parameters (bypassing the encoder). */
const HOSTILE_VALUES: string[] = [
  `x\nRETRAIN_COMMAND_END\n${PAYLOAD}`,
  `QUJD'\n${PAYLOAD}\n'`,
  "QUJD\r\ntouch /tmp/x",
  "QUJD\rtouch",
  "QUJD\u2028",
  "QUJD\u0000",
  "QUJD'",
  "$(touch /tmp/x)",
  "`touch /tmp/x`",
  "{{ executionTimeout }}",
  "A".repeat(DOCUMENT_PARAMETERS.commandBase64.maxChars + 1),
];

describe("SSM parameter substitution with hostile values", () => {
  it.each(HOSTILE_COMMANDS)("a command with %s runs only inside the team's unit", (_, command) => {
    expect(command.length).toBeLessThanOrEqual(MAX_COMMAND_CHARS);
    const r = run(encoded(command));
    expect(r.command?.equals(Buffer.from(command, "utf8"))).toBe(true);
    expect(r.marks.filter((m) => m !== TEAM_CONTEXT)).toEqual([]);
    expect(r.calls.filter((c) => c.startsWith("runuser"))).toEqual([]);
    // Whatever the command did, the root side only ever ran its own steps.
    for (const c of r.calls.filter((c) => c.includes("ctx=root")))
      expect(c).toMatch(
        /^(nvidia-smi|nvidia-modprobe|flock|systemctl|getent|groupadd|useradd|id|install|chown|curl|python3|systemd-run) /,
      );
  });

  it.each(HOSTILE_VALUES.map((v) => [JSON.stringify(v).slice(0, 60), v]))(
    "SSM rejects %s as commandBase64",
    (_, value) => {
      expect(ssmSubstitute(DOC, { commandBase64: value, executionTimeout: "600" }).ok).toBe(false);
    },
  );

  it.each(HOSTILE_VALUES.map((v) => [JSON.stringify(v).slice(0, 60), v]))(
    "SSM rejects %s as executionTimeout",
    (_, value) => {
      expect(ssmSubstitute(DOC, { ...encoded("true"), executionTimeout: value }).ok).toBe(false);
    },
  );

  it("a value SSM might accept with a trailing newline stays inside its quotes", () => {
    for (const params of [
      { ...encoded(PAYLOAD), commandBase64: `${encoded(PAYLOAD).commandBase64}\n` },
      { ...encoded(PAYLOAD), executionTimeout: "600\n" },
    ]) {
      const s = ssmSubstitute(DOC, params);
      expect(s.ok).toBe(true);
      const r = run(params);
      // The script's own re-check (bash's `$` is the end of the string) refuses it.
      expect(r.status).toBe(DOCUMENT_EXIT_CODES.invalidParameters);
      expect(r.marks).toEqual([]);
    }
  });

  it("takes no parameter but the two it declares (no runAs: the user is baked in)", () => {
    expect(Object.keys(DOC.parameters).sort()).toEqual(["commandBase64", "executionTimeout"]);
    expect(ssmSubstitute(DOC, { ...encoded("true"), runAs: "root" }).ok).toBe(false);
    const placeholders = JSON.stringify(DOC).match(/\{\{[^}]*\}\}/g) ?? [];
    expect(new Set(placeholders)).toEqual(new Set(["{{ executionTimeout }}", "{{ commandBase64 }}"]));
  });
});

describe("any command, any characters", () => {
  it("passes SSM's patterns encoded and reaches the script as exactly its bytes, inside the quotes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 300 }), (command) => {
        const s = ssmSubstitute(DOC, encoded(command));
        if (!s.ok) return false;
        const lines = s.script.split("\n").filter((l) => l.startsWith("COMMAND_B64="));
        const quoted = /^COMMAND_B64='([A-Za-z0-9+/=]+)'$/.exec(lines[0] ?? "")?.[1];
        return (
          lines.length === 1 &&
          quoted !== undefined &&
          Buffer.from(quoted, "base64").toString("utf8") === command
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe("random hostile commands, run", () => {
  const hostile = fc.constantFrom(
    "'",
    '"',
    "\n",
    "\r",
    "\u2028",
    "\u0000",
    "$(",
    ")",
    "`",
    "{{",
    "}}",
    "\\",
    ";",
    "EOF",
    " ",
    "#",
    "RETRAIN_COMMAND_END",
    "exit 0",
  );
  it("never run their payload outside the team's unit", () => {
    fc.assert(
      fc.property(
        fc.array(hostile, { maxLength: 12 }).map((parts) => parts.join("")),
        (prefix) => {
          const r = run(encoded(`${prefix}\n${PAYLOAD}`));
          return r.marks.every((m) => m === TEAM_CONTEXT) && r.calls.every((c) => !c.startsWith("runuser"));
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe("the root side of a run", () => {
  it("runs the command as the team user in a transient unit that ends every process of the run", () => {
    const r = run(encoded(`${PAYLOAD}\nexit 0`, 7200));
    expect(r.status).toBe(0);
    expect(r.marks).toEqual([TEAM_CONTEXT]);
    const [unit, ...more] = r.calls.filter((c) => c.startsWith("systemd-run "));
    expect(more).toEqual([]);
    for (const flag of [
      "ctx=root",
      `--uid=${TEAM_UID}`,
      `--gid=${TEAM_UID}`,
      "--wait",
      "--pipe",
      "--property=KillMode=control-group",
      `--property=RuntimeMaxSec=${7200 - 60}`,
      "--property=PrivateTmp=yes",
      "--property=ProtectHome=yes",
      "--property=NoNewPrivileges=yes",
      "--property=TemporaryFileSystem=/dev/shm:mode=1777",
      "--property=ProtectSystem=strict",
      "--property=IPAddressDeny=169.254.169.254 fd00:ec2::254",
      "--property=RestrictNamespaces=yes",
      "--property=ProtectKernelTunables=yes",
      "--property=ProtectKernelModules=yes",
      "--property=ProtectControlGroups=yes",
      "--property=RestrictSUIDSGID=yes",
      "--property=ProtectKernelLogs=yes",
      "--property=ProtectProc=invisible",
      "--property=SystemCallArchitectures=native",
    ])
      expect(unit).toContain(flag);
    expect(unit).toMatch(/--unit=retrain-run-vision-\S+/);
  });

  it("keeps the GPUs open to the run: no device policy in its unit", () => {
    // PrivateDevices, DeviceAllow, DevicePolicy=closed and ProtectClock (which implies a DeviceAllow)
    // all leave /dev/nvidia* out of the unit's devices: every CUDA call would fail.
    const r = run(encoded("true"));
    const [unit] = r.calls.filter((c) => c.startsWith("systemd-run "));
    expect(unit).toBeDefined();
    expect(unit).not.toMatch(/PrivateDevices|DeviceAllow|DevicePolicy|ProtectClock/);
  });

  it("keeps part of the host's memory out of the run's reach", () => {
    // Attack (or a leak): the run takes all the host's memory and the kernel's OOM killer picks the
    // SSM agent or the script, so the window is never reported and the host stops taking commands.
    // Under MemoryMax the kill happens inside the run's unit and the script reports it.
    const r = run(encoded("true"));
    const [unit] = r.calls.filter((c) => c.startsWith("systemd-run "));
    const max = /--property=MemoryMax=(\d+)%/.exec(unit ?? "");
    expect(max).not.toBeNull();
    // A reserve for the host, most of the memory for the training.
    expect(Number(max?.[1])).toBeLessThan(100);
    expect(Number(max?.[1])).toBeGreaterThanOrEqual(80);
  });

  it("leaves no IPC objects behind for the next team's run on the host", () => {
    // Attack: a run creates a System V shared memory segment or a POSIX message queue (/dev/mqueue is
    // writable under ProtectSystem=strict) with mode 0666; it outlives the unit and the next run on the
    // host, another team's, reads it or finds the IPC limits exhausted. The team users are system
    // users, which logind's own RemoveIPC never cleans; the unit's RemoveIPC= does when it stops.
    const r = run(encoded("true"));
    const [unit] = r.calls.filter((c) => c.startsWith("systemd-run "));
    expect(unit).toContain("--property=RemoveIPC=yes");
  });

  it("creates the team's own user without a home or login shell", () => {
    const r = run(encoded("true"));
    const [useradd] = r.calls.filter((c) => c.startsWith("useradd "));
    expect(useradd).toContain("--system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin");
    expect(useradd).toMatch(/ retrain-vision$/);
  });

  it("holds the host lock itself; the unit's command gets no lock descriptor", () => {
    const r = run(encoded("true"));
    expect(r.calls).toContain("flock ctx=root -n 9");
    expect(r.teamFds).toBeDefined();
    expect(r.teamFds).not.toContain("9");
  });

  it("hands the run the team role's credential endpoint through a root-only environment file", () => {
    const r = run(encoded("true"));
    expect(r.env).toMatch(/^AWS_CONTAINER_CREDENTIALS_FULL_URI=http:\/\/127\.0\.0\.1:8080\/credentials$/m);
    expect(r.env).toMatch(/^AWS_CONTAINER_AUTHORIZATION_TOKEN=[0-9a-f]{64}$/m);
    const [server] = r.calls.filter((c) => c.startsWith("python3 "));
    expect(server).toContain(`ctx=root - ${SPEC.teamRoleArn} vision-`);
    const token = /AWS_CONTAINER_AUTHORIZATION_TOKEN=(\S+)/.exec(r.env ?? "")?.[1] ?? "missing";
    // Never on a command line: any user can read every process's arguments.
    expect(r.calls.some((c) => c.includes(token))).toBe(false);
  });

  it("removes the run directory afterwards", () => {
    const r = run(encoded("touch left-behind"));
    expect(r.status).toBe(0);
    expect(r.leftovers).toEqual([]);
  });

  it.each([
    ["the GPU check fails", { STUB_NVIDIA_RC: "1" }, DOCUMENT_EXIT_CODES.gpuCheckFailed],
    ["another run holds the lock", { STUB_FLOCK_RC: "1" }, DOCUMENT_EXIT_CODES.hostBusy],
    [
      "an earlier run's unit is active",
      { STUB_ACTIVE_UNIT: "retrain-run-nlp-x.service" },
      DOCUMENT_EXIT_CODES.hostBusy,
    ],
    ["the unit hit its time limit", { STUB_RESULT: "timeout" }, DOCUMENT_EXIT_CODES.timedOut],
    [
      "the kernel killed the run at its memory limit",
      { STUB_RESULT: "oom-kill" },
      DOCUMENT_EXIT_CODES.outOfMemory,
    ],
  ])("exits with its own code when %s", (_, env, code) => {
    const r = run(encoded(PAYLOAD), env);
    expect(r.status).toBe(code);
    if (code !== DOCUMENT_EXIT_CODES.timedOut && code !== DOCUMENT_EXIT_CODES.outOfMemory)
      expect(r.marks).toEqual([]);
  });

  it("stops the whole unit at once when SSM stops the document", () => {
    const started = Date.now();
    const r = box.run(
      (ssmSubstitute(DOC, encoded(`sleep 30; ${PAYLOAD}`)) as { script: string }).script,
      {},
      3000,
    );
    expect(r.status).toBe(DOCUMENT_EXIT_CODES.cancelled);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.calls.some((c) => /^systemctl ctx=root stop retrain-run-vision-\S+\.service$/.test(c))).toBe(
      true,
    );
    expect(r.marks).toEqual([]);
    expect(r.leftovers).toEqual([]);
  });

  it("creates CUDA's /dev/nvidia-uvm as root before the unit starts, and runs even when that fails", () => {
    for (const rc of ["0", "1"]) {
      const r = run(encoded(PAYLOAD), { STUB_MODPROBE_RC: rc });
      expect(r.status, `nvidia-modprobe exit ${rc}`).toBe(0);
      const modprobe = r.calls.indexOf("nvidia-modprobe ctx=root -u -c=0");
      const unit = r.calls.findIndex((c) => c.startsWith("systemd-run"));
      expect(modprobe).toBeGreaterThanOrEqual(0);
      expect(modprobe).toBeLessThan(unit);
      if (rc === "1") expect(r.stdout).toContain("nvidia-modprobe -u failed");
    }
  });

  it("passes the command's own exit code through", () => {
    expect(run(encoded("exit 7")).status).toBe(7);
  });

  it.each(AGENT_RESERVED_EXIT_CODES)(
    "never exits %i, which the SSM agent reads as a reboot or a time out, and logs the command's own",
    (code) => {
      const r = run(encoded(`exit ${code}`));
      expect(r.status).toBe(DOCUMENT_EXIT_CODES.agentReservedCode);
      expect(r.stdout).toContain(`exit ${code} has a meaning to the SSM agent`);
    },
  );

  it("refuses a timeout that would leave the unit without a limit", () => {
    const r = run({ ...encoded(PAYLOAD), executionTimeout: "00" });
    expect(r.status).toBe(DOCUMENT_EXIT_CODES.invalidParameters);
    expect(r.marks).toEqual([]);
  });

  it("refuses a commandBase64 that matches the pattern but does not decode", () => {
    const r = run({ commandBase64: "AAAAA", executionTimeout: "600" });
    expect(r.status).toBe(DOCUMENT_EXIT_CODES.invalidParameters);
    expect(r.calls.some((c) => c.startsWith("systemd-run"))).toBe(false);
  });
});

describe("verifyTrainingDocument", () => {
  const content = renderTrainingDocument(SPEC);

  it("accepts the rendered document and names its team", () => {
    const v = verifyTrainingDocument(content, { team: "vision", environment: "prod" });
    expect(v).toMatchObject({ ok: true, spec: SPEC });
  });

  it.each([
    ["an edited script line", content.replace("flock -n 9", "true")],
    ["a widened pattern", content.replace("^[0-9]{2,6}$", ".*")],
    ["an added parameter", content.replace('"parameters":{', '"parameters":{"runAs":{"type":"String"},')],
    ["not JSON", "{"],
    ["another document", JSON.stringify({ schemaVersion: "2.2", mainSteps: [] })],
  ])("rejects %s", (_, bad) => {
    expect(verifyTrainingDocument(bad).ok).toBe(false);
  });

  it("rejects another team's document where this team's is expected", () => {
    const other = renderTrainingDocument({
      ...SPEC,
      team: "nlp",
      teamRoleArn: SPEC.teamRoleArn.replace("vision", "nlp"),
    });
    const v = verifyTrainingDocument(other, { team: "vision" });
    expect(v.ok).toBe(false);
  });

  it("refuses to render a role ARN that could leave its quotes", () => {
    expect(() => trainingDocumentScript({ ...SPEC, teamRoleArn: `${SPEC.teamRoleArn}'; reboot; '` })).toThrow(
      /teamRoleArn/,
    );
  });
});

const analyze = spawnSync("systemd-analyze", ["--version"]).status === 0;
if (!analyze) console.log("skipping the unit property check: systemd-analyze is not installed");
describe.runIf(analyze)("the run unit's properties", () => {
  it("are all keys and values systemd parses (systemd-analyze verify)", () => {
    const args = run(encoded("true")).systemdRunArgs ?? [];
    const properties = args
      .filter((a) => a.startsWith("--property="))
      .map((a) => a.slice("--property=".length));
    expect(properties.length).toBeGreaterThan(8);
    const dir = mkdtempSync(path.join(tmpdir(), "retrain-unit-"));
    try {
      const unit = path.join(dir, "retrain-run-check.service");
      // The run's own paths are gone after the run: point them at the check's directory.
      writeFileSync(path.join(dir, "env"), "");
      const local = properties.map((p) =>
        p.startsWith("EnvironmentFile=")
          ? `EnvironmentFile=${dir}/env`
          : p.startsWith("ReadWritePaths=")
            ? `ReadWritePaths=${dir}`
            : p,
      );
      writeFileSync(unit, ["[Service]", "ExecStart=/bin/true", "User=65534", ...local, ""].join("\n"));
      const r = spawnSync("systemd-analyze", ["verify", unit], { encoding: "utf8" });
      expect(r.stderr).not.toMatch(/Unknown key|Failed to parse|Invalid|ignoring/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const shellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
if (!shellcheck)
  console.log(
    "skipping shellcheck of the training document: shellcheck is not installed (apt-get install shellcheck)",
  );
describe.runIf(shellcheck)("shellcheck", () => {
  it("finds nothing in the document's script", () => {
    const r = spawnSync("shellcheck", ["-s", "bash", "-"], {
      input: trainingDocumentScript(SPEC),
      encoding: "utf8",
    });
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });
});
