/**
 * The Analyzer protocol's generated stubs, loaded from the @pulumi/pulumi that ships them (the same
 * stubs @pulumi/policy's server uses), and conversions between plain values and protobuf messages.
 */
import { createRequire } from "node:module";
import type * as AnalyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb.js";
import type * as AnalyzerPb from "@pulumi/pulumi/proto/analyzer_pb.js";
import type * as PluginPb from "@pulumi/pulumi/proto/plugin_pb.js";
import type { EnforcementLevel } from "./types.js";

const require = createRequire(import.meta.url);

export const analyzerPb: typeof AnalyzerPb = require("@pulumi/pulumi/proto/analyzer_pb.js");
export const analyzerGrpc: typeof AnalyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
export const pluginPb: typeof PluginPb = require("@pulumi/pulumi/proto/plugin_pb.js");

/** google.protobuf.Struct as the generated messages take it. */
export type StructMessage = NonNullable<ReturnType<AnalyzerPb.AnalyzeRequest["getProperties"]>>;

// The well-known types from the google-protobuf copy the stubs were generated against.
const protoRequire = createRequire(require.resolve("@pulumi/pulumi/proto/analyzer_pb.js"));
const structPb: { Struct: { fromJavaScript(value: Record<string, unknown>): StructMessage } } = protoRequire(
  "google-protobuf/google/protobuf/struct_pb.js",
);
type EmptyMessage = Parameters<AnalyzerGrpc.AnalyzerClient["cancel"]>[0];
const emptyPb: { Empty: new () => EmptyMessage } = protoRequire(
  "google-protobuf/google/protobuf/empty_pb.js",
);

export function newEmpty(): EmptyMessage {
  return new emptyPb.Empty();
}

/** Plain JSON-like value → Struct; undefined members are dropped (Struct has no undefined). */
export function toStruct(value: Record<string, unknown>): StructMessage {
  return structPb.Struct.fromJavaScript(jsonValue(value, "properties") as Record<string, unknown>);
}

function jsonValue(value: unknown, path: string): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} cannot be sent to a policy pack`);
    return value;
  }
  if (Array.isArray(value))
    return value.map((v, i) => (v === undefined ? null : jsonValue(v, `${path}[${i}]`)));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonValue(v, `${path}.${k}`);
    return out;
  }
  throw new TypeError(`${path}: a ${typeof value} cannot be sent to a policy pack`);
}

const LEVELS: Record<EnforcementLevel, number> = {
  advisory: analyzerPb.EnforcementLevel.ADVISORY,
  mandatory: analyzerPb.EnforcementLevel.MANDATORY,
  disabled: analyzerPb.EnforcementLevel.DISABLED,
  remediate: analyzerPb.EnforcementLevel.REMEDIATE,
};

export function levelToProto(level: EnforcementLevel): AnalyzerPb.EnforcementLevel {
  return LEVELS[level] as AnalyzerPb.EnforcementLevel;
}

export function levelFromProto(level: number): EnforcementLevel {
  const found = (Object.entries(LEVELS) as [EnforcementLevel, number][]).find(([, n]) => n === level);
  if (!found) throw new Error(`unknown enforcement level ${level} from the policy pack`);
  return found[0];
}

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = Object.keys(LEVELS) as EnforcementLevel[];
