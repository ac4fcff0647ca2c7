/**
 * Starting a Node.js policy pack the way the Pulumi CLI does: its `pulumi-analyzer-policy` shim
 * resolves `@pulumi/pulumi/cmd/run-policy-pack` from the pack's folder and runs it with node, in the
 * pack's folder, with the engine address and "." (the pack) as arguments. The pack serves the
 * Analyzer service on a free port and must print that port as the first line of stdout.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { RUN_POLICY_PACK } from "../pulumi-internals.js";
import { PolicyPackError } from "./errors.js";

export interface PackProcess {
  child: ChildProcess;
  port: number;
  stderr(): string;
  /** Settles when the process has exited, with a sentence saying how. */
  exited: Promise<string>;
}

/** Runs nothing: @pulumi/policy packs log to stderr and never dial the engine's address. */
const ENGINE_ADDRESS = "127.0.0.1:0";

const STDERR_LIMIT = 64 * 1024;

export function startPackProcess(
  packDir: string,
  timeoutMs: number,
  env: Readonly<Record<string, string>> = {},
): Promise<PackProcess> {
  const dir = resolve(packDir);
  if (!existsSync(join(dir, "PulumiPolicy.yaml"))) {
    return Promise.reject(new PolicyPackError(`${dir} is not a policy pack: it has no PulumiPolicy.yaml`));
  }
  let runPolicyPack: string;
  try {
    runPolicyPack = createRequire(join(dir, "package.json")).resolve(RUN_POLICY_PACK);
  } catch (e) {
    return Promise.reject(
      new PolicyPackError(
        `cannot resolve ${RUN_POLICY_PACK} from ${dir}: are the pack's dependencies installed?`,
        { cause: e },
      ),
    );
  }
  const child = spawn(process.execPath, [runPolicyPack, ENGINE_ADDRESS, "."], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (d: string) => {
    stderr = (stderr + d).slice(-STDERR_LIMIT);
  });
  const exited = new Promise<string>((done) => {
    child.once("exit", (code, signal) =>
      done(signal ? `was killed by ${signal}` : `exited with code ${code}`),
    );
    child.once("error", (e) => done(`could not run: ${e.message}`));
  });
  return new Promise<PackProcess>((ok, fail) => {
    let stdout = "";
    let settled = false;
    const finish = (err: Error | undefined, port?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.removeAllListeners("data");
      // Later stdout is the pack's own output; keep draining it so the pipe never blocks.
      child.stdout?.resume();
      if (err) {
        child.kill("SIGKILL");
        fail(err);
      } else ok({ child, port: port ?? 0, stderr: () => stderr, exited });
    };
    // Timers run before I/O in an event-loop turn: after this thread was busy past the deadline (a
    // 5,000-team iam program runs for a minute without yielding) the port may be waiting in the pipe
    // unread. The verdict waits for one I/O poll (setImmediate runs after it), so it is the pack's.
    const timer = setTimeout(
      () =>
        setImmediate(() =>
          finish(
            new PolicyPackError(
              `policy pack ${dir} printed no port within ${timeoutMs} ms; stderr:\n${stderr}`,
            ),
          ),
        ),
      timeoutMs,
    );
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (d: string) => {
      stdout += d;
      const nl = stdout.indexOf("\n");
      if (nl < 0) return;
      const first = stdout.slice(0, nl).trim();
      if (!/^\d+$/.test(first)) {
        finish(
          new PolicyPackError(
            `policy pack ${dir} printed "${first.slice(0, 200)}" before its port; the port must be the first line of stdout`,
          ),
        );
      } else finish(undefined, Number(first));
    });
    void exited.then((how) =>
      finish(new PolicyPackError(`policy pack ${dir} ${how} before printing its port; stderr:\n${stderr}`)),
    );
  });
}
