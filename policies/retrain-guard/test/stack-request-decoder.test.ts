/**
 * The AnalyzeStack decoder that decodes repeated large property sets once: what it decodes is what
 * the library's own decoder gives, for every shape of request, and a repeated set is decoded once.
 */
import { createRequire } from "node:module";
import type * as AnalyzerPb from "@pulumi/pulumi/proto/analyzer_pb.js";
import { describe, expect, it } from "vitest";
import { analyzeStackCodec, type StackRequestMessage } from "../src/policy-internals.js";
import {
  MEMO_MIN_BYTES,
  memoizingStackRequestDecoder,
  type StructLike,
  varint,
} from "../src/stack-request-decoder.js";

const require = createRequire(import.meta.url);
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi"));
const pb = pulumiRequire("./proto/analyzer_pb") as typeof AnalyzerPb;
const { Struct } = pulumiRequire("google-protobuf/google/protobuf/struct_pb") as {
  Struct: { fromJavaScript(v: Record<string, unknown>): never; deserializeBinary(b: Uint8Array): StructLike };
};

/** Properties of about `teams` entries: 100 is small, 2,000 over the memo's threshold. */
const refState = (teams: number, extra = "") => ({
  name: "organization/retrain-iam/dev",
  outputs: {
    teamRoleArns: Object.fromEntries(
      Array.from({ length: teams }, (_, i) => [
        `team-${i}`,
        `arn:aws:iam::123456789012:role/retrain-dev-team-${i}${extra}`,
      ]),
    ),
  },
  secretOutputNames: [],
});

function resource(urn: string, props: Record<string, unknown>, deps: string[] = []) {
  const r = new pb.AnalyzerResource();
  r.setType(urn.split("::")[2] ?? "t");
  r.setUrn(urn);
  r.setName(urn.split("::").pop() ?? "n");
  r.setProperties(Struct.fromJavaScript(props));
  r.setDependenciesList(deps);
  r.setParent("urn:pulumi:s::p::pulumi:pulumi:Stack::p-s");
  return r;
}

function request(...resources: AnalyzerPb.AnalyzerResource[]): Uint8Array {
  const req = new pb.AnalyzeStackRequest();
  req.setResourcesList(resources);
  return req.serializeBinary();
}

const library = (bytes: Uint8Array) => pb.AnalyzeStackRequest.deserializeBinary(bytes);
let structsDecoded = 0;
/** The pack's own codec (policy-internals.ts), counting the property sets it decodes. */
const decoder = () => {
  const codec = analyzeStackCodec(library as unknown as (b: Uint8Array) => StackRequestMessage);
  return memoizingStackRequestDecoder({
    ...codec,
    decodeStruct: (bytes) => {
      structsDecoded++;
      return codec.decodeStruct(bytes);
    },
  }) as unknown as (bytes: Uint8Array) => AnalyzerPb.AnalyzeStackRequest;
};

/** Everything @pulumi/policy reads of a request. */
const read = (req: AnalyzerPb.AnalyzeStackRequest) =>
  req.getResourcesList().map((r) => ({
    type: r.getType(),
    urn: r.getUrn(),
    name: r.getName(),
    parent: r.getParent(),
    dependencies: r.getDependenciesList(),
    properties: r.getProperties()?.toJavaScript(),
  }));

const ref = (stack: string, teams: number, extra = "") =>
  resource(
    `urn:pulumi:${stack}::retrain-scheduling::pulumi:pulumi:StackReference::iam`,
    refState(teams, extra),
  );
const bucket = (stack: string) =>
  resource(`urn:pulumi:${stack}::retrain-scheduling::aws:s3/bucket:Bucket::b`, { bucket: `b-${stack}` }, [
    "x",
  ]);

describe("memoizingStackRequestDecoder", () => {
  it("the large set is over the threshold, the small one under it", () => {
    const size = (teams: number) =>
      (
        Struct.fromJavaScript(refState(teams)) as unknown as { serializeBinary(): Uint8Array }
      ).serializeBinary().length;
    expect(size(2000)).toBeGreaterThan(MEMO_MIN_BYTES);
    expect(size(100)).toBeLessThan(MEMO_MIN_BYTES);
  });

  it.each([
    ["no resources", () => request()],
    ["small properties only", () => request(bucket("a"), ref("a", 100))],
    ["one large set", () => request(ref("a", 2000))],
    ["a large set between small ones", () => request(bucket("a"), ref("a", 2000), bucket("b"))],
    ["two large sets", () => request(ref("a", 2000), bucket("a"), ref("b", 3000))],
  ])("%s: decodes as the library's decoder", (_, build) => {
    const bytes = build();
    expect(read(decoder()(bytes))).toEqual(read(library(bytes)));
  });

  it("decodes a repeated set once, and a changed one afresh", () => {
    const decode = decoder();
    structsDecoded = 0;
    const first = decode(request(bucket("a"), ref("a", 2000)));
    const second = decode(request(ref("b", 2000), bucket("b")));
    expect(structsDecoded).toBe(1);
    expect(read(second)).toEqual(read(library(request(ref("b", 2000), bucket("b")))));
    expect(second.getResourcesList()[0]?.getUrn()).toContain("urn:pulumi:b::");
    expect(first.getResourcesList()[1]?.getProperties()?.toJavaScript()).toEqual(refState(2000));
    const changed = decode(request(ref("c", 2000, "-x")));
    expect(structsDecoded).toBe(2);
    expect(changed.getResourcesList()[0]?.getProperties()?.toJavaScript()).toEqual(refState(2000, "-x"));
  });

  it("a set split over two fields (protobuf merges them) is left to the library", () => {
    const one = ref("a", 2000).serializeBinary();
    const extra = Struct.fromJavaScript({ more: "x".repeat(MEMO_MIN_BYTES) }) as unknown as {
      serializeBinary(): Uint8Array;
    };
    const e = extra.serializeBinary();
    // resource bytes + a second properties field (tag 0x12, length, bytes)
    const res = Uint8Array.from([...one, 0x12, ...varint(e.length), ...e]);
    const bytes = Uint8Array.from([0x0a, ...varint(res.length), ...res]);
    const expected = read(library(bytes));
    expect(Object.keys(expected[0]?.properties ?? {})).toContain("more");
    expect(read(decoder()(bytes))).toEqual(expected);
  });

  it.each([
    ["truncated", (b: Uint8Array) => b.subarray(0, b.length - 7)],
    ["a group wire type", (b: Uint8Array) => Uint8Array.from([0x0b, ...b])],
  ])("%s: left to the library's decoder, which decides as it would", (_, damage) => {
    const bytes = damage(request(ref("a", 2000)));
    let libraryResult: unknown;
    let libraryError: unknown;
    try {
      libraryResult = read(library(bytes));
    } catch (e) {
      libraryError = e;
    }
    if (libraryError) expect(() => decoder()(bytes)).toThrow();
    else expect(read(decoder()(bytes))).toEqual(libraryResult);
  });
});
