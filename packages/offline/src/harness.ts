/**
 * Runs a Pulumi program under mocks, in-process, and returns what it registered and exported.
 *
 * Built for the offline plan, which runs every stack of the workspace (hundreds of teams) one after
 * another in ONE process: each run gets a fresh Pulumi runtime store (`withLocalStorage`, as the
 * Automation API does for inline programs), its own config and monitor, and waits for every
 * outstanding registration before it returns. Runs are queued, so concurrent callers are safe too:
 * the process-wide error handlers used to catch failed registrations belong to one run at a time.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockCloud, type MockCloudOptions } from "./mock-cloud.js";
import { type RecordedResource, RecordingMonitor } from "./monitor.js";
import {
  getStore,
  LOG_SEVERITY,
  type LogRequest,
  type LogSeverity,
  setPromiseTracking,
  setSourcePositions,
  waitForRPCs,
  withLocalStorage,
} from "./pulumi-internals.js";

export interface RunStackOptions {
  /** Pulumi project name (Pulumi.yaml `name`). */
  project: string;
  /** Pulumi stack name. */
  stack: string;
  /** Organization in URNs/`pulumi.getOrganization()`; default `organization` (the DIY backend's). */
  organization?: string;
  /**
   * The program: what a Pulumi.yaml `main` module default-exports. Called once per run inside the
   * root stack resource; its result becomes the stack outputs.
   */
  program: () => Promise<object | undefined> | object | undefined;
  /**
   * Pulumi config keys (`aws:region`, `scheduling:windows`, ...) to values. Objects and arrays are
   * passed as JSON text, as the CLI does (`pulumi.Config#requireObject` parses them back). A
   * `{ secure: "..." }` value is passed as its ciphertext and marked secret.
   */
  config?: Record<string, unknown>;
  /** Outputs of upstream stacks by StackReference name (`organization/retrain-iam/dev`). */
  upstream?: Record<string, Record<string, unknown>>;
  /** Mocked account, region and invoke answers. */
  mocks?: MockCloudOptions;
  /** Run as a preview (`pulumi.runtime.isDryRun()`); default false, so every value is known. */
  preview?: boolean;
  /** Give up on a program whose registrations never finish after this long; default 60 000 ms. */
  timeoutMs?: number;
  /**
   * Keep stack traces on errors raised during the run, the SDK's per-resource source positions and
   * its per-promise debug records (for the leak report). Default false: capturing them triples the
   * cost of a run, and errors are reported by message.
   */
  stackTraces?: boolean;
}

export interface LogEntry {
  severity: Exclude<LogSeverity, "debug">;
  message: string;
  /** URN of the resource the message is about, if any. */
  urn?: string;
}

export interface StackRunResult {
  project: string;
  stack: string;
  /** Every registered resource in registration order, the root `pulumi:pulumi:Stack` first. */
  resources: RecordedResource[];
  /** The stack outputs, resolved to plain values; `{}` when the program failed. */
  outputs: Record<string, unknown>;
  /**
   * Everything that would fail `pulumi preview`: the program's own exception, failed registrations
   * and invokes (unhandled rejections), and messages logged at error severity. Empty on success.
   */
  errors: Error[];
  /** Info, warning and error messages the program logged (`pulumi.log.*`). */
  logs: LogEntry[];
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs one stack program under mocks; see {@link RunStackOptions}. Never throws for program errors. */
export function runStackProgram(options: RunStackOptions): Promise<StackRunResult> {
  const run = queue.then(() => runExclusive(options));
  queue = run.catch(() => undefined);
  return run;
}

/** Pulumi config values as the CLI hands them to a program: strings as is, everything else as JSON. */
function configEntries(config: Record<string, unknown>): {
  values: Record<string, string>;
  secretKeys: string[];
} {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (
      value !== null &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      Object.keys(value).length === 1 &&
      "secure" in value
    ) {
      values[key] = String((value as { secure: unknown }).secure);
      secretKeys.push(key);
      continue;
    }
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { values, secretKeys };
}

/** The engine's logging and root-resource calls, kept in memory instead of sent over gRPC. */
class RecordingEngine {
  constructor(private readonly logs: LogEntry[]) {}
  log(req: LogRequest, callback: () => void): void {
    const severity = LOG_SEVERITY[req.getSeverity()] ?? "info";
    if (severity !== "debug") {
      const urn = req.getUrn();
      this.logs.push({ severity, message: req.getMessage(), ...(urn ? { urn } : {}) });
    }
    callback();
  }
  setRootResource(_req: unknown, callback: (err: Error | null) => void): void {
    callback(null);
  }
  requirePulumiVersion(_req: unknown, callback: (err: Error | null) => void): void {
    callback(null);
  }
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

const PROCESS_EVENTS = ["unhandledRejection", "uncaughtException"] as const;

async function runExclusive(options: RunStackOptions): Promise<StackRunResult> {
  const { project, stack } = options;
  const config = options.config ?? {};
  const region =
    options.mocks?.region ?? (typeof config["aws:region"] === "string" ? config["aws:region"] : "us-east-1");
  const monitor = new RecordingMonitor(new MockCloud({ ...options.mocks, region }), options.upstream ?? {});
  const errors: Error[] = [];
  const logs: LogEntry[] = [];

  // A failed registration surfaces as an unhandled rejection (the CLI's language host reports those
  // and exits): own the process handlers for the duration of the run so the failure lands in this
  // run's errors. Resources that depended on the failed one never resolve, so the run stops waiting at
  // the first failure, as the CLI does, after letting errors raised alongside it arrive.
  let failed: () => void = () => {};
  const firstFailure = new Promise<"failed">((resolve) => {
    failed = () => resolve("failed");
  });
  const onError = (e: unknown) => {
    errors.push(asError(e));
    failed();
  };
  const saved = PROCESS_EVENTS.map((event) => {
    const listeners = process.rawListeners(event) as ((...args: unknown[]) => void)[];
    process.removeAllListeners(event);
    process.on(event, onError);
    return { event, listeners };
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });

  // The SDK captures a stack trace for every resource and promise (source positions, leak reports);
  // formatted through source maps that is most of a run's time. Off unless asked for: the limit for
  // the promises', and the positions themselves, since a resource's capture lifts the limit.
  const stackTraceLimit = Error.stackTraceLimit;
  if (!options.stackTraces) {
    Error.stackTraceLimit = 0;
    setSourcePositions(false);
    setPromiseTracking(false);
  }

  let outputs: Record<string, unknown> = {};
  try {
    await withLocalStorage(async () => {
      pulumi.runtime.setMockOptions(
        monitor,
        project,
        stack,
        options.preview ?? false,
        options.organization ?? "organization",
      );
      getStore().settings.engine = new RecordingEngine(logs);
      const { values, secretKeys } = configEntries(config);
      pulumi.runtime.setAllConfig(values, secretKeys);
      const run = (async () => {
        try {
          const result = await pulumi.runtime.runInPulumiStack(async () => (await options.program()) ?? {});
          outputs = (result as Record<string, unknown> | undefined) ?? {};
        } catch (e) {
          onError(e);
        }
        // Every registration, invoke and log queued by the program, including those nobody awaited.
        await waitForRPCs();
        return "done" as const;
      })();
      const outcome = await Promise.race([run, firstFailure, timedOut]);
      if (outcome === "timeout") {
        errors.push(
          new Error(
            `${project}/${stack}: the program did not finish within ${timeoutMs} ms (a registration never resolved)`,
          ),
        );
      }
      // Rejections of promises nobody awaited are reported after the microtask queue drains.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    setSourcePositions(true);
    setPromiseTracking(true);
    clearTimeout(timer);
    for (const { event, listeners } of saved) {
      process.removeListener(event, onError);
      for (const l of listeners) process.on(event, l);
    }
  }

  for (const entry of logs) if (entry.severity === "error") errors.push(new Error(entry.message));
  return {
    project,
    stack,
    resources: monitor.resources,
    outputs: errors.length > 0 ? {} : outputs,
    errors: dedupe(errors),
    logs,
  };
}

/** The same failure often arrives twice (the resource's URN and its outputs both reject). */
function dedupe(errors: Error[]): Error[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (seen.has(e.message)) return false;
    seen.add(e.message);
    return true;
  });
}
