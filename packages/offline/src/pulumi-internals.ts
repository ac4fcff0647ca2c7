/**
 * The one place that reaches into the Pulumi Node SDK (3.248): the few `@internal` runtime calls the
 * harness needs and the generated gRPC stubs the SDK ships (resource monitor, provider, analyzer),
 * loaded with their types spelled out. Pulumi's own Automation API uses the same calls to run inline
 * programs one after another in one process: `withLocalStorage` gives each run a fresh runtime store
 * (settings, config, stack resource, pending RPCs), so nothing leaks from one run into the next.
 * None of this has a public API; test/pulumi-internals.canary.test.ts checks every export against
 * the installed @pulumi/pulumi.
 */
import { createRequire } from "node:module";
import type * as AnalyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb.js";
import type * as AnalyzerPb from "@pulumi/pulumi/proto/analyzer_pb.js";

export type { AnalyzerPb };

const require = createRequire(import.meta.url);

/** The part of Pulumi's per-run `LocalStore` the harness sets: the engine its logs go to. */
export interface PulumiStore {
  settings: { engine?: unknown };
}

interface StateModule {
  withLocalStorage<T>(callback: () => T): T;
  getStore(): PulumiStore;
}

/** A response message of the SDK's generated classes, with the setters the harness calls. */
export interface ProtoMessage {
  setUrn(v: string): void;
  setId(v: string): void;
  setObject(v: unknown): void;
  setProperties(v: unknown): void;
  setReturn(v: unknown): void;
  setRef(v: string): void;
}
type ProtoClass = new () => ProtoMessage;

/** An engine LogRequest. */
export interface LogRequest {
  getSeverity(): number;
  getMessage(): string;
  getUrn(): string;
}

/** google.protobuf.Struct as the generated messages take it. */
export type StructMessage = NonNullable<ReturnType<AnalyzerPb.AnalyzeRequest["getProperties"]>>;
type EmptyMessage = Parameters<AnalyzerGrpc.AnalyzerClient["cancel"]>[0];

interface StructModule {
  Struct: { fromJavaScript(value: Record<string, unknown>): StructMessage };
}

const state = require("@pulumi/pulumi/runtime/state") as StateModule;
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
const config = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** Waits until every queued registration, invoke and log of the current run has finished. */
export const waitForRPCs = (): Promise<void> => settings.waitForRPCs();

/** Runs `callback` with a fresh Pulumi runtime store (what the Automation API does per inline run). */
export const withLocalStorage: StateModule["withLocalStorage"] = (cb) => state.withLocalStorage(cb);
export const getStore = (): PulumiStore => state.getStore();
/** Whether the current run's config marks `key` (`ns:name`) secret. */
export const isConfigSecret = (key: string): boolean => config.isConfigSecret(key);

// Resolved from @pulumi/pulumi so the messages are the exact classes the SDK reads.
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi"));
const resproto = pulumiRequire("./proto/resource_pb") as Record<string, ProtoClass>;
const provproto = pulumiRequire("./proto/provider_pb") as Record<string, ProtoClass>;
const structproto = pulumiRequire("google-protobuf/google/protobuf/struct_pb") as StructModule;
const emptyproto = pulumiRequire("google-protobuf/google/protobuf/empty_pb") as {
  Empty: new () => EmptyMessage;
};

/** The part of google-protobuf's wire reader (the copy the SDK's stubs use) a reply decoder needs. */
export interface ProtoReader {
  nextField(): boolean;
  isEndGroup(): boolean;
  getFieldNumber(): number;
  skipField(): void;
  readMessage<M>(message: M, read: (message: M, reader: ProtoReader) => void): void;
}
export const BinaryReader = (
  pulumiRequire("google-protobuf") as { BinaryReader: new (bytes: Uint8Array) => ProtoReader }
).BinaryReader;

export const RegisterResourceResponse = resproto.RegisterResourceResponse as ProtoClass;
export const ReadResourceResponse = resproto.ReadResourceResponse as ProtoClass;
export const RegisterPackageResponse = resproto.RegisterPackageResponse as ProtoClass;
export const InvokeResponse = provproto.InvokeResponse as ProtoClass;
export const Struct = structproto.Struct;
export const Empty = emptyproto.Empty;

/**
 * A response's properties the SDK reads as `value` without a Struct being encoded and decoded: its
 * `deserializeProperties` (runtime/rpc.ts) only calls `toJavaScript()` on a read's or invoke's
 * properties, and copies what it reads (the value is never changed, so one value may serve many
 * reads). `value` must be what `Struct.toJavaScript` would give: plain JSON in the wire form.
 */
export function decodedStruct(value: Record<string, unknown>): StructMessage {
  return { toJavaScript: () => value } as unknown as StructMessage;
}

/** The static of `Resource` every resource constructor calls for its source position (resource.ts). */
interface ResourceStatics {
  stackTrace(skip: number): unknown[];
}
const resourceClass = (pulumiRequire("./resource") as { Resource: ResourceStatics }).Resource;
const capturingStackTrace = resourceClass.stackTrace;
const noStackTrace = (): unknown[] => [];

/**
 * Turns the SDK's per-resource source positions off (`false`) or back on. Every resource's
 * constructor calls `Resource.stackTrace`, which lifts `Error.stackTraceLimit` to Infinity for one
 * `new Error().stack` and parses it, formatted through source maps once tsx has turned them on (the
 * plan's workers, for TypeScript programs): about a fifth of a worker's time. The engine shows the
 * position in diagnostics; the offline monitor never reads it. Off, a resource registers as one
 * whose stack has no frame to point at (no `sourcePosition`, an empty trace), which the SDK allows.
 */
export function setSourcePositions(on: boolean): void {
  resourceClass.stackTrace = on ? capturingStackTrace : noStackTrace;
}

/** The SDK's promise wrapper (runtime/debuggable.ts), called through its module's exports. */
interface DebuggableModule {
  debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
}
const debuggable = pulumiRequire("./runtime/debuggable") as DebuggableModule;
const trackingPromise = debuggable.debuggablePromise;
const passValue = <T>(v: T): T => v;
const passError = (e: unknown): never => {
  throw e;
};
/** The same chain as the SDK's (`then`, then `catch`): values settle on the same tick as before. */
const untrackedPromise = <T>(p: Promise<T>): Promise<T> => p.then(passValue).catch(passError);

/**
 * Turns the SDK's per-promise debug records off (`false`) or back on. `debuggablePromise` wraps
 * each of the four promises of every output property of every resource: three non-enumerable
 * properties (an id, a context string, a stack), a place in the run's leak set and two more
 * promises to take it out, for the leak report a deployment prints at exit. The offline harness
 * reports a run that never settles itself (its timeout) and each failure by message, so off, the
 * promise gets only the chain of two the SDK would add, without the records: resolutions keep their
 * order (resources register in the same order, so the plan's report is the same), at a fraction of
 * the cost.
 */
export function setPromiseTracking(on: boolean): void {
  debuggable.debuggablePromise = on ? trackingPromise : untrackedPromise;
}

// The Analyzer protocol's stubs, the same ones @pulumi/policy's server uses.
export const analyzerPb: typeof AnalyzerPb = pulumiRequire("./proto/analyzer_pb");
export const analyzerGrpc: typeof AnalyzerGrpc = pulumiRequire("./proto/analyzer_grpc_pb");

/**
 * What the Pulumi CLI's `pulumi-analyzer-policy` shim resolves from a Node.js policy pack's folder
 * and runs with node to serve the pack.
 */
export const RUN_POLICY_PACK = "@pulumi/pulumi/cmd/run-policy-pack";

/** Pulumi's engine log severities (engine.proto). */
export const LOG_SEVERITY = ["debug", "info", "warning", "error"] as const;
export type LogSeverity = (typeof LOG_SEVERITY)[number];
