/** One build per repeated value: content decides, a changed value is always rebuilt. */
import { describe, expect, it } from "vitest";
import { copyUnlessFrozen, RepeatedValueMemo } from "../src/repeated-value.js";

const base = () => ({
  name: "organization/retrain-iam/dev",
  outputs: { teamRoleArns: { a: "arn:a", b: "arn:b" } },
});

describe("RepeatedValueMemo", () => {
  it.each([
    ["the same object", (v: ReturnType<typeof base>) => v, true],
    ["a deep copy (a value that crossed a thread)", (v: ReturnType<typeof base>) => structuredClone(v), true],
    [
      "a changed nested value",
      (v: ReturnType<typeof base>) => ({ ...v, outputs: { teamRoleArns: { a: "arn:a", b: "arn:B" } } }),
      false,
    ],
    [
      "a key more",
      (v: ReturnType<typeof base>) => ({
        ...v,
        outputs: { teamRoleArns: { ...v.outputs.teamRoleArns, c: "arn:c" } },
      }),
      false,
    ],
    [
      "a key fewer",
      (v: ReturnType<typeof base>) => ({ ...v, outputs: { teamRoleArns: { a: "arn:a" } } }),
      false,
    ],
    [
      "a number for its string",
      (v: ReturnType<typeof base>) => ({ ...v, outputs: { teamRoleArns: { a: "arn:a", b: 1 } } }),
      false,
    ],
  ])("%s → reused: %s", (_name, next, reused) => {
    const memo = new RepeatedValueMemo<string>();
    let builds = 0;
    const build = () => `built ${++builds}`;
    const first = base();
    expect(memo.get("iam", first, build)).toBe("built 1");
    expect(memo.get("iam", next(first), build)).toBe(reused ? "built 1" : "built 2");
  });

  it("keeps its own copy: the caller changing its value after a build is a miss, not a stale hit", () => {
    const memo = new RepeatedValueMemo<number>();
    const v = base();
    let builds = 0;
    memo.get("iam", v, () => ++builds);
    v.outputs.teamRoleArns.a = "arn:changed";
    expect(memo.get("iam", v, () => ++builds)).toBe(2);
  });

  it("keeps one value per slot and drops the oldest slot past its limit", () => {
    const memo = new RepeatedValueMemo<string>(2);
    let builds = 0;
    const build = () => `built ${++builds}`;
    memo.get("iam", 1, build);
    memo.get("fleet", 2, build);
    expect(memo.get("iam", 1, build)).toBe("built 1");
    memo.get("other", 3, build); // drops fleet, the least recently used
    expect(memo.get("iam", 1, build)).toBe("built 1");
    expect(memo.get("fleet", 2, build)).toBe("built 4");
  });

  it("shares a frozen part of the value by reference, and copies the rest", () => {
    const memo = new RepeatedValueMemo<number>();
    const arns = Object.freeze({ a: "arn:a", b: "arn:b" });
    const v = { name: "iam", outputs: { teamRoleArns: arns } };
    let builds = 0;
    memo.get("iam", v, () => ++builds);
    // A new state object around the same frozen outputs: a hit (the compare meets the same object).
    expect(memo.get("iam", { name: "iam", outputs: { teamRoleArns: arns } }, () => ++builds)).toBe(1);
    // The unfrozen wrapper was copied: changing it after the build is a miss.
    v.name = "changed";
    expect(memo.get("iam", v, () => ++builds)).toBe(2);
  });
});

describe("copyUnlessFrozen", () => {
  it.each([
    ["a primitive", () => "s"],
    ["null", () => null],
    ["nested plain data", () => ({ a: [1, { b: "c" }], d: { e: null } })],
    ["a Date (structured clone)", () => ({ at: new Date(0) })],
  ])("%s: an equal value", (_name, make) => {
    const v = make();
    expect(copyUnlessFrozen(v)).toEqual(v);
  });

  it("keeps frozen objects by reference and copies unfrozen ones", () => {
    const frozen = Object.freeze({ x: Object.freeze([1, 2]) });
    const open = { y: [3] };
    const copy = copyUnlessFrozen({ frozen, open, list: [frozen, open] });
    expect(copy.frozen).toBe(frozen);
    expect(copy.list[0]).toBe(frozen);
    expect(copy.open).not.toBe(open);
    expect(copy.open.y).not.toBe(open.y);
    expect(copy.list[1]).toEqual(open);
    expect(copy.list[1]).not.toBe(open);
  });

  it("copies a frozen object with an unfrozen part (that part can change)", () => {
    const inner = { a: "arn:a" };
    const shallow = Object.freeze({ inner });
    const copy = copyUnlessFrozen({ shallow });
    expect(copy.shallow).not.toBe(shallow);
    expect(copy.shallow.inner).not.toBe(inner);
    const memo = new RepeatedValueMemo<number>();
    let builds = 0;
    memo.get("iam", { shallow }, () => ++builds);
    inner.a = "arn:changed";
    expect(memo.get("iam", { shallow }, () => ++builds)).toBe(2);
  });
});
