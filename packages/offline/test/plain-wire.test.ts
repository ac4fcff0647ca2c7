import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainWireValue } from "../src/plain-wire.js";

/** What the SDK's serialiser gives, the reference plainWireValue must match on plain data. */
const sdk = (value: Record<string, unknown>) => pulumi.runtime.serializeProperties("test", value);

class Thing {
  constructor(readonly x = 1) {}
}

describe("plainWireValue", () => {
  it.each<[string, Record<string, unknown>]>([
    ["strings, numbers, booleans, null", { a: "x", b: 1.5, c: -2, d: true, e: null }],
    ["nested objects and arrays", { a: { b: [1, "two", { c: [null, false] }] }, d: [] }],
    ["undefined keys dropped", { a: undefined, b: { c: undefined, d: 1 } }],
    [
      "a signed secret envelope as it comes",
      { s: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "x" } },
    ],
    ["an object without prototype", Object.assign(Object.create(null), { a: 1 })],
  ])("%s: the SDK serialiser's result", async (_, value) => {
    expect(plainWireValue(value)).toEqual(await sdk(value));
  });

  it.each<[string, Record<string, unknown>]>([
    ["an Output", { a: pulumi.output("x") }],
    ["a class instance", { a: new Thing() }],
    ["a Date", { a: new Date(0) }],
    ["NaN", { a: Number.NaN }],
    ["Infinity in an array", { a: [Number.POSITIVE_INFINITY] }],
    ["an undefined array element", { a: [1, undefined] }],
    ["a function", { a: () => 1 }],
    ["a promise", { a: Promise.resolve(1) }],
    ["a bigint", { a: 1n }],
  ])("%s: not plain, left to the SDK's serialiser (undefined)", (_, value) => {
    expect(plainWireValue(value)).toBeUndefined();
  });

  it("matches the SDK's serialiser on any JSON object, and copies it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string(), fc.jsonValue()), async (value) => {
        const wire = plainWireValue(value);
        expect(wire).toEqual(await sdk(value));
        expect(wire).not.toBe(value);
      }),
      { numRuns: 200 },
    );
  });
});
