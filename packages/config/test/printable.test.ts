import { describe, expect, it } from "vitest";
import { describeProblem, printable } from "../src/problem.js";

describe("printable: a team-written value quoted in a message stays one inert line", () => {
  it.each<[string, string, string]>([
    ["an ESC sequence (rewrites a terminal line)", "a\u001b[2Kb", "a\\u{1b}[2Kb"],
    ["a line feed starting a forged workflow command", "x\n::error::ok", "x\\u{a}::error::ok"],
    ["a carriage return", "x\ry", "x\\u{d}y"],
    ["an OSC 52 clipboard write", "\u001b]52;c;aGk=\u0007", "\\u{1b}]52;c;aGk=\\u{7}"],
    ["a C1 control (CSI)", "\u009b2K", "\\u{9b}2K"],
    ["DEL", "a\u007fb", "a\\u{7f}b"],
    ["a line separator", "a\u2028b", "a\\u{2028}b"],
    ["a bidirectional override (Trojan Source)", "a\u202eb\u2066c", "a\\u{202e}b\\u{2066}c"],
    ["tab, accents and emoji are kept", "a\tb é 🚀", "a\tb é 🚀"],
  ])("%s", (_what, text, shown) => {
    expect(printable(text)).toBe(shown);
  });

  it("describeProblem prints every problem as one printable line", () => {
    const line = describeProblem({
      file: "stacks/scheduling/teams/x/Pulumi.x.yaml",
      key: "scheduling:windows[0].schedule",
      message: 'schedule "cron(0 4 ? * SUN *)\n::error title=ok::pwned\u001b[1A" is invalid',
    });
    expect(line.includes("\n") || line.includes("\u001b")).toBe(false);
    expect(line).toContain("\\u{a}::error title=ok::pwned\\u{1b}[1A");
  });
});
