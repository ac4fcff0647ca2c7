import { describe, expect, it } from "vitest";
import { LabelledHash } from "../src/labelled-hash.js";

const hashOf = (parts: [string, string | Buffer][]) =>
  parts.reduce((h, [label, value]) => h.add(label, value), new LabelledHash()).digest();

// Cache keys are made of these parts: two different lists of parts must never give one key.
describe("LabelledHash", () => {
  it.each([
    [
      "a value's end moved into the next value",
      [
        ["x", "ab"],
        ["y", "c"],
      ],
      [
        ["x", "a"],
        ["y", "bc"],
      ],
    ],
    ["a value moved into its label", [["x", "ab"]], [["xa", "b"]]],
    [
      "a string vs the same characters in another encoding's length",
      [
        ["x", "é"],
        ["y", ""],
      ],
      [["x", "é\0"]],
    ],
    ["an absent part vs an empty one", [["x", ""]], []],
    [
      "the order of parts",
      [
        ["x", "1"],
        ["y", "2"],
      ],
      [
        ["y", "2"],
        ["x", "1"],
      ],
    ],
  ] as [string, [string, string][], [string, string][]][])("%s changes the key", (_what, a, b) => {
    expect(hashOf(a)).not.toBe(hashOf(b));
  });

  it("gives a string and its UTF-8 bytes the same key", () => {
    expect(hashOf([["x", "é"]])).toBe(hashOf([["x", Buffer.from("é")]]));
  });
});
