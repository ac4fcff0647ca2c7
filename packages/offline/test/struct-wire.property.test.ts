/**
 * The hand-written Struct encoder against google-protobuf's own: for any plain value, a message's
 * properties field has the bytes google-protobuf gives it (`setProperties(toStruct(value))`, the
 * host's conversion), so the pack decodes exactly what it decoded before; and the same refusals,
 * naming the path.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toStruct } from "../src/analyzer/proto.js";
import { structField } from "../src/analyzer/struct-wire.js";
import { analyzerPb } from "../src/pulumi-internals.js";

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "binary", maxLength: 4 }),
  // Long enough for two- and three-byte length prefixes.
  fc.string({ minLength: 120, maxLength: 20_000 }),
);

/** Plain values as resources carry them, with what the host converts: undefined members and Dates. */
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    text,
    fc.date({ noInvalidDate: true }),
    fc.array(tie("value")),
    fc.dictionary(text, fc.option(tie("value"), { nil: undefined })),
  ),
}));
const record = fc.dictionary(text, fc.option(value, { nil: undefined }));

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** google-protobuf's bytes of an AnalyzerResource holding only `v` as its properties (field 2). */
function libraryField(v: Record<string, unknown>): Uint8Array {
  const only = new analyzerPb.AnalyzerResource();
  only.setProperties(toStruct(v));
  return only.serializeBinary();
}

describe("structField", () => {
  it("gives google-protobuf's bytes for any plain value, or the same refusal", () => {
    const outcome = (encode: () => Uint8Array) => {
      try {
        return hex(encode());
      } catch (e) {
        return `refused: ${(e as Error).message}`;
      }
    };
    fc.assert(
      fc.property(record, (v) => {
        expect(outcome(() => structField(2, v))).toBe(outcome(() => libraryField(v)));
      }),
      { numRuns: 400 },
    );
    // The refusal is reachable: a generated key named __proto__ is refused on both sides.
    const proto = { a: 1, nested: [{ ["__proto__"]: { b: 2 } }] };
    expect(outcome(() => structField(2, proto))).toBe(outcome(() => libraryField(proto)));
    expect(outcome(() => structField(2, proto))).toMatch(/^refused: properties\.nested\[0\]\.__proto__/);
  });

  it("as a message field: the message decodes with those properties", () => {
    fc.assert(
      fc.property(record, fc.string(), (v, urn) => {
        fc.pre(!JSON.stringify(v ?? null).includes('"__proto__"'));
        const head = new analyzerPb.AnalyzeRequest();
        head.setUrn(urn);
        const decoded = analyzerPb.AnalyzeRequest.deserializeBinary(
          Buffer.concat([head.serializeBinary(), structField(2, v)]),
        );
        const expected = new analyzerPb.AnalyzeRequest();
        expected.setUrn(urn);
        expected.setProperties(toStruct(v));
        expect(decoded.toObject()).toEqual(expected.toObject());
      }),
      { numRuns: 200 },
    );
  });

  it("decodes to the converted value", () => {
    const v = { b: [1, "x", null, undefined, { c: true }], a: -0, when: new Date(0), gone: undefined };
    expect(hex(structField(2, {}))).toBe(hex(libraryField({})));
    const back = analyzerPb.AnalyzerResource.deserializeBinary(structField(2, v)).getProperties();
    expect(back?.toJavaScript()).toEqual({
      a: -0,
      b: [1, "x", null, null, { c: true }],
      when: "1970-01-01T00:00:00.000Z",
    });
  });

  it.each([
    ["NaN", { a: { b: Number.NaN } }, "properties.a.b: NaN cannot be sent to a policy pack"],
    ["Infinity", { a: [1, Number.POSITIVE_INFINITY] }, "properties.a[1]: Infinity cannot be sent"],
    ["a function", { f: () => 1 }, "properties.f: a function cannot be sent"],
    ["a bigint", { n: 1n }, "properties.n: a bigint cannot be sent"],
    ["a symbol", { s: Symbol("s") }, "properties.s: a symbol cannot be sent"],
    // An own key (computed, so not the prototype setter): google-protobuf would drop it or merge its members.
    [
      "a property named __proto__",
      { a: { ["__proto__"]: { b: 1 } } },
      "properties.a.__proto__: a property named __proto__ cannot be sent",
    ],
    [
      "a property named __proto__ holding null",
      { ["__proto__"]: null },
      "properties.__proto__: a property named",
    ],
  ])("refuses %s, naming its path as the host's conversion does", (_what, v, message) => {
    expect(() => structField(2, v as Record<string, unknown>)).toThrow(message);
    expect(() => toStruct(v as Record<string, unknown>)).toThrow(message);
  });
});
