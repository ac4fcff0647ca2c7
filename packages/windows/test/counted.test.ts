import { describe, expect, it } from "vitest";
import { counted } from "../src/counted.js";

describe("counted", () => {
  it.each([
    [0, "stack", undefined, "0 stacks"],
    [1, "stack", undefined, "1 stack"],
    [2, "stack", undefined, "2 stacks"],
    [1, "clash", "clashes", "1 clash"],
    [3, "clash", "clashes", "3 clashes"],
    [1, "permission finding", undefined, "1 permission finding"],
    [12, "permission finding", undefined, "12 permission findings"],
  ])("%i %s", (n, singular, plural, expected) => {
    expect(counted(n, singular, plural)).toBe(expected);
  });
});
