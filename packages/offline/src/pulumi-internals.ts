/**
 * The few internals of the Pulumi Node SDK (3.248) the harness needs, loaded in one place with their
 * types spelled out. Pulumi's own Automation API uses the same calls to run inline programs one after
 * another in one process: `withLocalStorage` gives each run a fresh runtime store (settings, config,
 * stack resource, pending RPCs), so nothing leaks from one run into the next.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The part of Pulumi's per-run `LocalStore` the harness sets (mirrors `runtime/mocks.js#setMocks`). */
export interface PulumiStore {
  settings: { engine?: unknown; monitor?: unknown };
  supportsSecrets: boolean;
  supportsResourceReferences: boolean;
  supportsOutputValues: boolean;
  supportsDeletedWith: boolean;
  supportsReplaceWith: boolean;
  supportsAliasSpecs: boolean;
  supportsTransforms: boolean;
  supportsParameterization: boolean;
  supportsResourceHooks: boolean;
  supportsErrorHooks: boolean;
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

interface StructModule {
  Struct: { fromJavaScript(value: Record<string, unknown>): unknown };
}

const state = require("@pulumi/pulumi/runtime/state") as StateModule;
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/** Waits until every queued registration, invoke and log of the current run has finished. */
export const waitForRPCs = (): Promise<void> => settings.waitForRPCs();

/** Runs `callback` with a fresh Pulumi runtime store (what the Automation API does per inline run). */
export const withLocalStorage: StateModule["withLocalStorage"] = (cb) => state.withLocalStorage(cb);
export const getStore = (): PulumiStore => state.getStore();

// Resolved from @pulumi/pulumi so the messages are the exact classes the SDK reads.
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi"));
const resproto = pulumiRequire("./proto/resource_pb") as Record<string, ProtoClass>;
const provproto = pulumiRequire("./proto/provider_pb") as Record<string, ProtoClass>;
const structproto = pulumiRequire("google-protobuf/google/protobuf/struct_pb") as StructModule;

export const RegisterResourceResponse = resproto.RegisterResourceResponse as ProtoClass;
export const ReadResourceResponse = resproto.ReadResourceResponse as ProtoClass;
export const RegisterPackageResponse = resproto.RegisterPackageResponse as ProtoClass;
export const InvokeResponse = provproto.InvokeResponse as ProtoClass;
export const Struct = structproto.Struct;

/** Pulumi's engine log severities (engine.proto). */
export const LOG_SEVERITY = ["debug", "info", "warning", "error"] as const;
export type LogSeverity = (typeof LOG_SEVERITY)[number];
