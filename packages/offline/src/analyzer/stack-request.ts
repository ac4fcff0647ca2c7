/**
 * The AnalyzeStack request's bytes, with the properties of repeated StackReference states spliced in
 * already encoded. Every team stack's request carries the iam stack's outputs (every team's role):
 * at 5,000 teams google-protobuf spent most of the plan's thread serialising that same map once per
 * team stack (≈ 400 KB each), after the programs had run.
 *
 * Protobuf's wire format is a sequence of fields in any order, so a resource's encoding without its
 * properties followed by the encoding of a resource holding only them is the encoding of the resource
 * with them; a repeated field is its entries one after another. Decoders (the pack's google-protobuf,
 * the engine's Go) read it as the library's own bytes: `test/stack-request.test.ts` decodes both and
 * compares them.
 */
import type { AnalyzerPb } from "../pulumi-internals.js";
import { RepeatedValueMemo, STACK_REFERENCE_TYPE } from "../repeated-value.js";
import { analyzerPb, toStruct } from "./proto.js";

/** `repeated AnalyzerResource resources = 1` of AnalyzeStackRequest, length-delimited (wire type 2). */
const RESOURCES_TAG = (1 << 3) | 2;

/** A StackReference's `properties` field, encoded, per referenced stack. */
const encodedStates = new RepeatedValueMemo<Uint8Array>();

export interface StackRequestResource {
  readonly message: AnalyzerPb.AnalyzerResource;
  readonly type: string;
  readonly name: string;
  readonly properties: Record<string, unknown>;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/**
 * Builds the request: each resource's message gets its properties, except a StackReference's, whose
 * encoded properties are remembered per referenced stack and appended to its bytes.
 */
export function analyzeStackRequest(
  resources: readonly StackRequestResource[],
): AnalyzerPb.AnalyzeStackRequest {
  const parts: Uint8Array[] = [];
  for (const r of resources) {
    let bytes: Uint8Array;
    if (r.type === STACK_REFERENCE_TYPE) {
      const props = encodedStates.get(r.name, r.properties, () => {
        const only = new analyzerPb.AnalyzerResource();
        only.setProperties(toStruct(r.properties));
        return only.serializeBinary();
      });
      const rest = r.message.serializeBinary();
      bytes = new Uint8Array(rest.length + props.length);
      bytes.set(rest, 0);
      bytes.set(props, rest.length);
    } else {
      r.message.setProperties(toStruct(r.properties));
      bytes = r.message.serializeBinary();
    }
    parts.push(Uint8Array.from([RESOURCES_TAG, ...varint(bytes.length)]), bytes);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const wire = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    wire.set(p, at);
    at += p.length;
  }
  // The generated serializer checks the class and calls serializeBinary(): this request answers with
  // the bytes built here (each message is serialised once). Its fields stay unset; nothing reads them.
  const req = new analyzerPb.AnalyzeStackRequest();
  req.serializeBinary = () => wire;
  return req;
}
