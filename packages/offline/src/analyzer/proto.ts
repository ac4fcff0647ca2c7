/**
 * The Analyzer protocol's generated stubs (loaded by ../pulumi-internals.ts from the @pulumi/pulumi
 * that ships them) and conversions between plain values and protobuf messages.
 */
import {
  type AnalyzerPb,
  analyzerPb,
  BinaryReader,
  Empty,
  type ProtoReader,
  Struct,
  type StructMessage,
} from "../pulumi-internals.js";
import { assertSendableKey } from "./struct-wire.js";
import type { EnforcementLevel } from "./types.js";

export { analyzerGrpc, analyzerPb } from "../pulumi-internals.js";

export function newEmpty(): InstanceType<typeof Empty> {
  return new Empty();
}

/** Plain JSON-like value → Struct; undefined members are dropped (Struct has no undefined). */
export function toStruct(value: Record<string, unknown>): StructMessage {
  return Struct.fromJavaScript(jsonValue(value, "properties") as Record<string, unknown>);
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
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      assertSendableKey(k, path);
      out[k] = jsonValue(v, `${path}.${k}`);
    }
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

/** `repeated AnalyzeDiagnostic diagnostics = 2` of AnalyzeResponse (analyzer.proto). */
const DIAGNOSTICS_FIELD = 2;
type ReadDiagnostic = (message: AnalyzerPb.AnalyzeDiagnostic, reader: ProtoReader) => void;
const readDiagnostic = (
  analyzerPb.AnalyzeDiagnostic as unknown as { deserializeBinaryFromReader: ReadDiagnostic }
).deserializeBinaryFromReader;

/**
 * An AnalyzeResponse with its diagnostics only: the host reads nothing else, and the reply of a
 * resource also lists every policy that does not apply to it (`not_applicable`, one message each,
 * seven of eight policies for most resources), which google-protobuf would decode into messages
 * only to be dropped. The diagnostics are read by the generated code, as the stub's decoder does.
 */
export function analyzeResponseDiagnostics(bytes: Uint8Array): AnalyzerPb.AnalyzeResponse {
  const response = new analyzerPb.AnalyzeResponse();
  const reader = new BinaryReader(bytes);
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    if (reader.getFieldNumber() !== DIAGNOSTICS_FIELD) {
      reader.skipField();
      continue;
    }
    const diagnostic = new analyzerPb.AnalyzeDiagnostic();
    reader.readMessage(diagnostic, readDiagnostic);
    response.addDiagnostics(diagnostic);
  }
  return response;
}
