/**
 * The AnalyzeStack request's bytes: each resource's message followed by its properties, encoded
 * straight from the value (struct-wire.ts), those of repeated StackReference states once. Every
 * team stack's request carries the iam stack's outputs (every team's role): at 5,000 teams
 * google-protobuf spent most of the plan's thread serialising that same map once per team stack
 * (≈ 400 KB each), after the programs had run.
 *
 * Protobuf's wire format is a sequence of fields in any order, so a resource's encoding without its
 * properties followed by the encoding of a resource holding only them is the encoding of the resource
 * with them; a repeated field is its entries one after another. Decoders (the pack's google-protobuf,
 * the engine's Go) read it as the library's own bytes: `test/stack-request.test.ts` decodes both and
 * compares them.
 */
import type { AnalyzerPb } from "../pulumi-internals.js";
import { RepeatedValueMemo, STACK_REFERENCE_TYPE } from "../repeated-value.js";
import { analyzerPb } from "./proto.js";
import { lengthDelimitedHeader, structField } from "./struct-wire.js";

/** `repeated AnalyzerResource resources = 1` of AnalyzeStackRequest. */
const RESOURCES_FIELD = 1;
/** `google.protobuf.Struct properties = 2` of AnalyzerResource. */
const PROPERTIES_FIELD = 2;

/** A StackReference's `properties` field, encoded, per referenced stack. */
const encodedStates = new RepeatedValueMemo<Uint8Array>();

export interface StackRequestResource {
  readonly message: AnalyzerPb.AnalyzerResource;
  readonly type: string;
  readonly name: string;
  readonly properties: Record<string, unknown>;
}

/**
 * Builds the request: each resource's message bytes, then its properties' (a StackReference's
 * remembered per referenced stack).
 */
export function analyzeStackRequest(
  resources: readonly StackRequestResource[],
): AnalyzerPb.AnalyzeStackRequest {
  const parts: Uint8Array[] = [];
  for (const r of resources) {
    // Every resource's properties encoded straight from the value (struct-wire.ts); a
    // StackReference's once per referenced stack.
    const props =
      r.type === STACK_REFERENCE_TYPE
        ? encodedStates.get(r.name, r.properties, () => structField(PROPERTIES_FIELD, r.properties))
        : structField(PROPERTIES_FIELD, r.properties);
    const rest = r.message.serializeBinary();
    parts.push(lengthDelimitedHeader(RESOURCES_FIELD, rest.length + props.length), rest, props);
  }
  const wire = Buffer.concat(parts);
  // The generated serializer checks the class and calls serializeBinary(): this request answers with
  // the bytes built here (each message is serialised once). Its fields stay unset; nothing reads them.
  const req = new analyzerPb.AnalyzeStackRequest();
  req.serializeBinary = () => wire;
  return req;
}
