/**
 * The JSON report written in pieces (issue 15, goal 3: a 5,000-team report is never one string) is
 * the text JSON.stringify(value, null, 2) wrote, byte for byte, for any JSON-like object.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonChunks } from "../src/render/json.js";

const whole = (v: Record<string, unknown>) => `${JSON.stringify(v, null, 2)}\n`;

describe("jsonChunks", () => {
  it("joins to JSON.stringify(value, null, 2) plus a newline", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string(),
          fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue()), fc.array(fc.object()), fc.constant(undefined)),
        ),
        (value) => {
          expect([...jsonChunks(value)].join("")).toBe(whole(value));
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ["an empty object", {}],
    ["only members without a JSON value", { a: undefined, f: () => 1 }],
    ["empty arrays and objects", { a: [], o: {}, s: [{}] }],
    ["array elements without a JSON value", { a: [undefined, () => 1, 2] }],
    ["dates (toJSON)", { d: new Date(0), a: [new Date(0)] }],
    ["strings with line breaks and quotes", { a: ["x\ny", 'q"'], s: "a\n\tb" }],
  ])("%s", (_, value) => {
    expect([...jsonChunks(value as Record<string, unknown>)].join("")).toBe(
      whole(value as Record<string, unknown>),
    );
  });

  it("yields one piece per element of a top-level array", () => {
    expect([...jsonChunks({ stacks: [1, 2, 3], n: 1 })]).toHaveLength(1 + 1 + 3 + 1 + 1 + 1);
  });
});
