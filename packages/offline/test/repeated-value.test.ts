/** One build per repeated value: content decides, a changed value is always rebuilt. */
import { describe, expect, it } from "vitest";
import { RepeatedValueMemo } from "../src/repeated-value.js";

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
});
