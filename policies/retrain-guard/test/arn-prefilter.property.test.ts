/**
 * The resource-scope prefilter (src/iam/arn.ts) skips a format's text only where the matcher would
 * have said no: for any pattern whose fixed start is ASCII and any text, "cannot match" from the
 * prefilter implies the matcher does not match. Characters include case pairs, separators, IAM's
 * wildcards, the stand-in for a format's variables and letters that fold across ASCII (ſ, K).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAscii, literalPrefix, mayMatchAsciiPrefix, resourcePartMatcher } from "../src/iam/arn.js";

const char = fc.constantFrom(..."aAbBsSkK/:-_.0*?\u2603ſ\u212aé");
const text = fc.array(char, { maxLength: 10 }).map((cs) => cs.join(""));

describe("mayMatchAsciiPrefix", () => {
  it("never rules out a text the resource-part matcher matches", () => {
    fc.assert(
      fc.property(text, text, (pattern, candidate) => {
        const prefix = literalPrefix(pattern);
        fc.pre(isAscii(prefix));
        if (!mayMatchAsciiPrefix(prefix, candidate))
          expect(resourcePartMatcher(pattern).test(candidate)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ["bucket/team-a/*", "\u2603", false],
    ["bucket/team-a/*", "\u2603/\u2603", false],
    ["role/*", "role/\u2603", true],
    ["ROLE/*", "role/\u2603", true],
    ["instance/i-0abc*", "instance/\u2603", false],
    ["log-group:*", "log-group:\u2603:log-stream:\u2603", true],
    ["s*", "\u017f", false],
  ])("%s against a format's %s: %s", (pattern, candidate, may) => {
    expect(mayMatchAsciiPrefix(literalPrefix(pattern), candidate)).toBe(may);
  });
});
