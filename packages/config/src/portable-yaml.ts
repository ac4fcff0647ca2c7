/**
 * What makes a YAML file mean one thing here and another to Pulumi. We read stack files with the
 * `yaml` package (YAML 1.2, core schema); the Pulumi CLI reads the same file with Go's YAML (a port
 * of libyaml that keeps YAML 1.1's line breaks and scalars). Where the two disagree, every check of
 * ours would judge a file Pulumi never deploys: a carriage return inside a comment ends the comment
 * for Go, so the "comment" can hold keys only Pulumi sees; `010` is 10 here and 8 there. A file is
 * refused when it holds such text, so what was checked is what Pulumi reads.
 *
 * Written by hand: no library reports where two YAML dialects differ; the classes below are the
 * YAML 1.1 resolutions Go's YAML implements (gopkg.in/yaml.v2 resolve.go, which Pulumi's
 * sdk/go/common/encoding uses; v3's README) that YAML 1.2's core schema does not, the characters
 * libyaml reads as line breaks (is_break: CR, NEL, LS, PS) where the `yaml` package reads none
 * (inside a comment), and the characters libyaml's reader refuses (outside YAML's printable set).
 */
import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  Scalar,
} from "yaml";

/** One place of a file where the two readings differ. */
export interface PortabilityProblem {
  /** Where in the document: mapping keys and sequence indexes from the top (empty: the text itself). */
  path: PropertyKey[];
  line: number;
  column: number;
  message: string;
}

/**
 * Characters a stack file may not hold: C0 controls but tab and line feed (carriage return only as
 * the CR of CRLF), DEL, C1 (NEL U+0085 among them), LS U+2028, PS U+2029, the noncharacters
 * U+FFFE and U+FFFF (outside YAML's printable set: libyaml refuses the file), and a byte order mark
 * after the start.
 */
const UNSAFE_CHARACTER =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]|(?<!^)\ufeff/gu;

const CHARACTER_NAMES: Record<number, string> = {
  13: "a carriage return not followed by a line feed",
  133: "a next-line character (NEL)",
  8232: "a line separator",
  8233: "a paragraph separator",
  65279: "a byte order mark after the start",
  65534: "a noncharacter",
  65535: "a noncharacter",
};

/** Characters that Go's YAML reads as a line break and this file's reader does not. */
const BREAKS_ELSEWHERE = new Set([0x0d, 0x85, 0x2028, 0x2029]);

const hex = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;

/** At most this many characters are reported: one is enough to refuse, a few show the pattern. */
const MAX_CHARACTER_PROBLEMS = 5;

/** Every unsafe character of `text` (at most five), with its line and column (1-based). */
export function unsafeCharacters(text: string, lines: LineCounter): PortabilityProblem[] {
  const out: PortabilityProblem[] = [];
  for (const m of text.matchAll(UNSAFE_CHARACTER)) {
    const code = m[0].codePointAt(0) ?? 0;
    const { line, col } = lines.linePos(m.index);
    const name = CHARACTER_NAMES[code] ?? "a control character";
    out.push({
      path: [],
      line,
      column: col,
      message: `holds ${name} (${hex(code)}) at line ${line}, column ${col}${
        BREAKS_ELSEWHERE.has(code)
          ? ": Pulumi's YAML reads it as a line break and this check does not, so text after it (in a comment too) could be config only Pulumi sees"
          : ": YAML parsers differ on control characters"
      }. Allowed: printable text, tabs and line ends (LF or CRLF). Fix: remove it (or write it as an escape inside a double-quoted string)`,
    });
    if (out.length >= MAX_CHARACTER_PROBLEMS) break;
  }
  return out;
}

/** A plain scalar YAML 1.1 (Go's YAML) resolves to something YAML 1.2's core schema does not. */
interface Ambiguity {
  /** Whether the scalar's text as written is of this class. */
  test: (text: string) => boolean;
  /** What Go's YAML reads, from the text. */
  elsewhere: (text: string) => string;
  /** The spelling that means the same to both, when one exists. */
  portable?: (text: string) => string | undefined;
  /** Whether the two readings agree after all (`07` is 7 either way). */
  agrees?: (text: string, here: unknown) => boolean;
}

const YAML11_BOOLEAN = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
const YAML11_TRUE = /^(?:y|Y|yes|Yes|YES|on|On|ON)$/;
const LEGACY_OCTAL = /^[-+]?0[0-7_]*[0-7][0-7_]*$/;
const INTEGER_11 = /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*)$/;
const FLOAT_WITH_SEPARATOR = /^[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?$/;

/** What Go's strconv.ParseInt(text without "_", 0, 64) reads, for YAML 1.1 integer spellings. */
function goInteger(text: string): bigint | undefined {
  const m = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|0[oO]([0-7]+)|0([0-7]+)|([0-9]+))$/.exec(
    text.replaceAll("_", ""),
  );
  if (!m) return undefined;
  const sign = m[1] === "-" ? -1n : 1n;
  const [, , hexDigits, bin, oct, legacy, dec] = m;
  if (hexDigits !== undefined) return sign * BigInt(`0x${hexDigits}`);
  if (bin !== undefined) return sign * BigInt(`0b${bin}`);
  if (oct !== undefined) return sign * BigInt(`0o${oct}`);
  if (legacy !== undefined) return sign * BigInt(`0o${legacy}`);
  return sign * BigInt(dec ?? "0");
}

/**
 * The disagreements, one class each (docs/config.md, "YAML that reads the same to Pulumi"). What
 * both read alike passes: true/false, 10, 0x1f, 0o17, 1.5, 1e3, .inf, null, ~.
 */
const AMBIGUITIES: readonly Ambiguity[] = [
  {
    // YAML 1.1 booleans other than true/false (yaml.v2 reads them as booleans anywhere).
    test: (t) => YAML11_BOOLEAN.test(t),
    elsewhere: (t) => `the boolean ${YAML11_TRUE.test(t)}`,
  },
  {
    // A leading zero is octal in YAML 1.1 and in Go's yaml.v2 and v3: 010 is 8.
    test: (t) => LEGACY_OCTAL.test(t),
    elsewhere: (t) => `the number ${goInteger(t)} (octal)`,
    portable: (t) => `${goInteger(t)}`,
    agrees: (t, here) => typeof here === "number" && Number.isInteger(here) && BigInt(here) === goInteger(t),
  },
  {
    // Binary, upper-case prefixes and digit separators: YAML 1.1 integers, text in YAML 1.2.
    // A sign before 0x/0o is text in YAML 1.2's core schema and a number to Go's ParseInt.
    test: (t) => INTEGER_11.test(t) && (t.includes("_") || /^[-+]?0[bBXO]/.test(t) || /^[-+]0[xXoO]/.test(t)),
    elsewhere: (t) => `the number ${goInteger(t)}`,
    portable: (t) => `${goInteger(t)}`,
  },
  {
    // Floats with digit separators: yaml.v2 drops the `_` before its float pattern and ParseFloat.
    // (A signed inf or nan fails that pattern: text to both.)
    test: (t) => FLOAT_WITH_SEPARATOR.test(t) && t.includes("_"),
    elsewhere: (t) => `the number ${t.replaceAll("_", "")}`,
  },
];

/** The ambiguity of a plain scalar's text, if any. */
export function ambiguityOf(text: string): Ambiguity | undefined {
  return AMBIGUITIES.find((a) => a.test(text));
}

/** How a problem names its value. */
const shown = (s: string) => JSON.stringify(s);

/**
 * Every plain (unquoted) scalar of `root`, keys included, that YAML 1.1 reads differently, and every
 * node with an explicit tag (`!!int 010` is 10 here and 8 to Go's YAML, `!!binary` text here and
 * bytes there, a local `!tag` unresolved here), with its path from the top. An alias is not followed
 * (its anchor is reported where it is written).
 */
export function ambiguousScalars(root: Node | null | undefined, lines: LineCounter): PortabilityProblem[] {
  const out: PortabilityProblem[] = [];
  const tagged = (node: unknown, at: PropertyKey[]) => {
    if (!isNode(node) || node.tag === undefined || !node.range) return;
    const { line, col } = lines.linePos(node.range[0]);
    out.push({
      path: at,
      line,
      column: col,
      message: `has the explicit tag ${node.tag.replace(/^tag:yaml\.org,2002:/, "!!")}: YAML readers resolve tags differently (Go's YAML reads !!int 010 as 8 and decodes !!binary), so what is checked would not be what deploys. Fix: remove the tag and write the value plainly (quoted, for text)`,
    });
  };
  const check = (node: unknown, at: PropertyKey[]) => {
    tagged(node, at);
    if (
      !isScalar(node) ||
      node.tag !== undefined ||
      node.type !== Scalar.PLAIN ||
      typeof node.source !== "string"
    )
      return;
    const text = node.source;
    const a = ambiguityOf(text);
    if (!a || !node.range || a.agrees?.(text, node.value)) return;
    const { line, col } = lines.linePos(node.range[0]);
    const here = node.value;
    const portable = a.portable?.(text);
    out.push({
      path: at,
      line,
      column: col,
      message: `${shown(text)} reads as ${typeof here === "string" ? `the text ${shown(here)}` : `${typeof here === "boolean" ? "the boolean" : "the number"} ${String(here)}`} here but as ${a.elsewhere(text)} to Pulumi's YAML (YAML 1.1 rules), so what is checked would not be what deploys. Fix: quote it (${shown(text).replaceAll('"', "'")}) if you mean the text${portable !== undefined ? `, or write ${portable} for the number Pulumi reads` : ""}`,
    });
  };
  const walk = (node: unknown, at: PropertyKey[]) => {
    if (isAlias(node)) return;
    if (isMap(node) || isSeq(node)) tagged(node, at);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        const keyAt = [...at, typeof key === "number" ? key : String(key)];
        check(pair.key, keyAt);
        walk(pair.value, keyAt);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...at, i]);
      });
    } else check(node, at);
  };
  walk(root, []);
  return out;
}

/**
 * A `%YAML` or `%TAG` directive: `%YAML 1.1` makes this reader apply YAML 1.1 (reading `1:20` as 80,
 * which Go's YAML keeps as text), and a `%TAG` handle only names tags. Stack files need neither.
 */
export function directiveProblems(doc: Document, lines: LineCounter, text: string): PortabilityProblem[] {
  const custom = Object.keys(doc.directives?.tags ?? {}).filter((h) => h !== "!!");
  if (!doc.directives?.yaml.explicit && custom.length === 0) return [];
  const at = Math.max(0, text.search(/^%/m));
  const { line, col } = lines.linePos(at);
  return [
    {
      path: [],
      line,
      column: col,
      message: `starts with a ${doc.directives?.yaml.explicit ? `%YAML ${doc.directives.yaml.version}` : "%TAG"} directive: the two YAML readers treat directives differently (this one then applies that version's rules, Go's YAML accepts only %YAML 1.1 and ignores base 60), so what is checked would not be what deploys. Fix: remove the directive (and a --- line it needs)`,
    },
  ];
}

/** A path as config keys are shown: `scheduling:windows[0].durationHours`, or `config` when top-level. */
export function configKeyOf(at: readonly PropertyKey[]): string {
  if (at[0] !== "config" || at.length < 2) return at.map(String).join(".");
  return `${String(at[1])}${at
    .slice(2)
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")}`;
}
