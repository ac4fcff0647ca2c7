/**
 * AnalyzeStack requests decoded with each large property set decoded once. Every team stack's
 * request carries the StackReference to the iam stack, whose state holds `teamRoleArns`, a map of
 * every team: google-protobuf decoded it afresh for each stack, and @pulumi/policy read it again for
 * each stack policy, so the pack's cost per stack grew with the number of teams (most of the pack's
 * time at 2,000 teams, docs/benchmarks.md). Identical bytes decode to an identical value, so a
 * resource's `properties` of at least {@link MEMO_MIN_BYTES} are cut out of the request, decoded on
 * their own and kept by their bytes; the rest of the request is decoded by the library as before.
 *
 * Written by hand: google-protobuf has no partial decoding. Only the two length-delimited fields on
 * the path are read (AnalyzeStackRequest.resources = 1, AnalyzerResource.properties = 2, from
 * pulumi's analyzer.proto); anything this reader does not understand (a group, a truncated field, a
 * resource with its properties split in two) makes it hand the whole request to the library's
 * decoder, which decodes or rejects it exactly as without this file.
 */

/** Property sets smaller than this are decoded with their request (a memo would cost more than it saves). */
export const MEMO_MIN_BYTES = 16 * 1024;
/** Decoded property sets kept (least recently used dropped first): one per upstream stack is enough. */
const MEMO_SLOTS = 16;

const RESOURCES_FIELD = 1;
const PROPERTIES_FIELD = 2;
const LENGTH_DELIMITED = 2;

/** A decoded google.protobuf.Struct: @pulumi/policy reads it with toJavaScript(). */
export interface StructLike {
  toJavaScript(): Record<string, unknown>;
}

export interface StackRequestCodec<R> {
  /** The library's decoder of a whole AnalyzeStackRequest. */
  decodeRequest(bytes: Uint8Array): R;
  /** The library's decoder of a google.protobuf.Struct. */
  decodeStruct(bytes: Uint8Array): StructLike;
  /** Sets the properties of the request's `index`-th resource. */
  setProperties(request: R, index: number, properties: StructLike): void;
}

interface Field {
  field: number;
  wireType: number;
  /** Where the field starts (its tag). */
  start: number;
  /** Where a length-delimited field's payload starts. */
  payload: number;
  end: number;
}

function readVarint(bytes: Uint8Array, at: number): [value: number, next: number] | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    const b = bytes[i] as number;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, i + 1];
    scale *= 128;
  }
  return undefined;
}

/** The fields of a message in `bytes[from, to)`; undefined when it is not well-formed wire data this reader knows. */
function fieldsOf(bytes: Uint8Array, from: number, to: number): Field[] | undefined {
  const fields: Field[] = [];
  let at = from;
  while (at < to) {
    const tag = readVarint(bytes, at);
    if (!tag) return undefined;
    const [key, afterTag] = tag;
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    let payload = afterTag;
    let end: number;
    if (wireType === 0) {
      const v = readVarint(bytes, afterTag);
      if (!v) return undefined;
      end = v[1];
    } else if (wireType === 1) end = afterTag + 8;
    else if (wireType === 5) end = afterTag + 4;
    else if (wireType === LENGTH_DELIMITED) {
      const len = readVarint(bytes, afterTag);
      if (!len) return undefined;
      payload = len[1];
      end = payload + len[0];
    } else return undefined; // groups (3, 4) and unknown wire types
    if (end > to) return undefined;
    fields.push({ field, wireType, start: at, payload, end });
    at = end;
  }
  return fields;
}

/** A protobuf varint (a length-delimited field's length, a tag). */
export function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** A decoder of AnalyzeStackRequests (the gRPC method's requestDeserialize) that decodes repeated large property sets once. */
export function memoizingStackRequestDecoder<R>(codec: StackRequestCodec<R>): (bytes: Uint8Array) => R {
  const kept: { bytes: Uint8Array; struct: StructLike }[] = [];

  const structOf = (bytes: Uint8Array): StructLike => {
    const i = kept.findIndex((k) => k.bytes.length === bytes.length && sameBytes(k.bytes, bytes));
    const [hit] = i >= 0 ? kept.splice(i, 1) : [];
    if (hit) {
      kept.push(hit); // the most recently used last
      return hit.struct;
    }
    const struct = codec.decodeStruct(bytes);
    // @pulumi/policy reads it once per stack policy and copies what it reads (deserialize.ts): one
    // value serves every read. The library's own message still, so the request can hold it.
    const value = struct.toJavaScript();
    struct.toJavaScript = () => value;
    kept.push({ bytes: Uint8Array.from(bytes), struct });
    if (kept.length > MEMO_SLOTS) kept.shift();
    return struct;
  };

  return (bytes) => {
    const top = fieldsOf(bytes, 0, bytes.length);
    if (!top) return codec.decodeRequest(bytes);
    const chunks: Uint8Array[] = [];
    const cut: { index: number; properties: Uint8Array }[] = [];
    let copiedTo = 0;
    let index = -1;
    for (const f of top) {
      if (f.field !== RESOURCES_FIELD || f.wireType !== LENGTH_DELIMITED) continue;
      index++;
      const inner = fieldsOf(bytes, f.payload, f.end);
      if (!inner) return codec.decodeRequest(bytes);
      const props = inner.filter((g) => g.field === PROPERTIES_FIELD);
      const p = props[0];
      if (props.length !== 1 || !p || p.wireType !== LENGTH_DELIMITED || p.end - p.payload < MEMO_MIN_BYTES)
        continue;
      // The resource again without its properties field, under a new length.
      const rest = f.end - f.payload - (p.end - p.start);
      chunks.push(bytes.subarray(copiedTo, f.start));
      chunks.push(Uint8Array.from([...varint(RESOURCES_FIELD * 8 + LENGTH_DELIMITED), ...varint(rest)]));
      chunks.push(bytes.subarray(f.payload, p.start), bytes.subarray(p.end, f.end));
      copiedTo = f.end;
      cut.push({ index, properties: bytes.subarray(p.payload, p.end) });
    }
    if (cut.length === 0) return codec.decodeRequest(bytes);
    chunks.push(bytes.subarray(copiedTo));
    const request = codec.decodeRequest(Buffer.concat(chunks));
    for (const c of cut) codec.setProperties(request, c.index, structOf(c.properties));
    return request;
  };
}
