import { describe, expect, it } from "vitest";
import type { ProgressEvent } from "../src/engine.js";
import { createProgress } from "../src/progress.js";

const events: ProgressEvent[] = [
  { type: "start", total: 2 },
  { type: "stack-start", id: "iam/dev", index: 1, total: 2 },
  { type: "stack-done", id: "iam/dev", index: 1, total: 2, status: "planned", resources: 16 },
  { type: "stack-start", id: "fleet/dev", index: 2, total: 2 },
  { type: "stack-done", id: "fleet/dev", index: 2, total: 2, status: "failed", resources: 0 },
  { type: "policy", stacks: 1 },
  { type: "done" },
];

function capture(isTTY: boolean, quiet = false): string {
  let out = "";
  const progress = createProgress({ isTTY, write: (t) => (out += t) }, { quiet });
  for (const e of events) progress(e);
  return out;
}

describe("progress", () => {
  it("prints one plain line per stack in CI (no terminal), without escape codes", () => {
    const out = capture(false);
    expect(out).not.toContain("\u001b");
    expect(out).not.toContain("\r");
    expect(out.split("\n")).toEqual(
      expect.arrayContaining([
        "[1/2] iam/dev: planned, 16 resources",
        "[2/2] fleet/dev: failed, 0 resources",
      ]),
    );
  });

  it("rewrites one line on a terminal, keeps failures, and clears the line at the end", () => {
    const out = capture(true);
    expect(out).toContain("\r\u001b[2Kplanning [1/2] iam/dev");
    expect(out).toContain("fleet/dev: failed\n");
    expect(out).not.toContain("iam/dev: planned");
    expect(out.endsWith("\r\u001b[2K")).toBe(true);
  });

  it("prints nothing with --quiet", () => {
    expect(capture(true, true)).toBe("");
    expect(capture(false, true)).toBe("");
  });
});
