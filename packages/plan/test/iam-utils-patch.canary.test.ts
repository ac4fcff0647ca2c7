/**
 * Canary of the one reach into @cloud-copilot/iam-utils: the pnpm patch in patches/ (registered in
 * pnpm-workspace.yaml, `patchedDependencies`) that speeds up its ARN-pattern automaton, the
 * permissions proof's hot spot: one Intl.Collator instead of one per character compare, identical
 * characters and repeated pairs without it, each automaton's transitions built once, the walk over
 * numbered state pairs. A property test holds it to an independent matcher written from the
 * functions' documented meaning. If an upgrade of
 * iam-simulate brings another iam-utils, pnpm refuses the unused patch at install; if the patch stops
 * applying here, this test says so by name. The table pins the answers the proof relies on, checked
 * against the unpatched module when the patch was written.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// The copy iam-simulate itself loads (plan depends on iam-simulate, which depends on iam-utils).
const fromSimulate = createRequire(createRequire(import.meta.url).resolve("@cloud-copilot/iam-simulate"));
const utilsCjs = fromSimulate.resolve("@cloud-copilot/iam-utils");
const distDir = path.dirname(path.dirname(utilsCjs));
const moduleFiles = ["esm", "cjs"].map((kind) => path.join(distDir, kind, "resourceTypes.js"));

type Matcher = (resource: string, pattern: string) => boolean;
const { resourceStringMatchesResourceTypePattern: matches } = (await import(
  pathToFileURL(path.join(distDir, "esm", "index.js")).href
)) as { resourceStringMatchesResourceTypePattern: Matcher };

// biome-ignore lint/suspicious/noTemplateCurlyInString: iam-data writes its ARN patterns with ${Variable}s
const ROLE = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
// biome-ignore lint/suspicious/noTemplateCurlyInString: iam-data writes its ARN patterns with ${Variable}s
const OBJECT = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
// biome-ignore lint/suspicious/noTemplateCurlyInString: iam-data writes its ARN patterns with ${Variable}s
const DOCUMENT = "arn:${Partition}:ssm:${Region}:${Account}:document/${DocumentName}";

describe("@cloud-copilot/iam-utils patch (one collator)", () => {
  it.each(moduleFiles)("is applied to %s: no per-call localeCompare left", (file) => {
    const text = readFileSync(file, "utf8");
    expect(text).toContain("retrain-infra patch");
    expect(text).not.toMatch(/localeCompare\s*\(/);
  });

  it.each([
    ["a role ARN", "arn:aws:iam::123456789012:role/retrain/team-a", ROLE, true],
    ["literals compare without case", "arn:aws:iam::123456789012:ROLE/x", ROLE, true],
    ["but with accents", "arn:aws:iam::123456789012:rôle/x", ROLE, false],
    ["another resource type", "arn:aws:iam::123456789012:user/x", ROLE, false],
    ["an object key", "arn:aws:s3:::bucket/runs/team-a/out", OBJECT, true],
    ["a bucket is not an object", "arn:aws:s3:::bucket", OBJECT, false],
    [
      "an AWS-owned document has no account",
      "arn:aws:ssm:eu-west-1::document/AWS-RunShellScript",
      DOCUMENT,
      false,
    ],
    ["an account's document", "arn:aws:ssm:eu-west-1:123456789012:document/x", DOCUMENT, true],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: as above
    ["wildcards", "arn:aws:s3:::*", "arn:${Partition}:s3:::${BucketName}", true],
  ])("%s: %s vs %s → %s", (_what, resource, pattern, expected) => {
    expect(matches(resource, pattern)).toBe(expected);
  });

  it("agrees with an independent matcher on any resource string and pattern", () => {
    const collator = new Intl.Collator(undefined, { sensitivity: "accent" });
    const char = fc.constantFrom(..."abAB-_:/é0");
    const resourcePart = fc.array(fc.oneof(char, char, fc.constantFrom("*", "?")), { maxLength: 8 });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an iam-data ${Variable}
    const patternPart = fc.array(fc.oneof(char, char, fc.constant("${V}")), { maxLength: 6 });
    fc.assert(
      fc.property(resourcePart, patternPart, (r, p) => {
        const resource = `arn:aws:s3:::${r.join("")}`;
        const pattern = `arn:\${Partition}:s3:::${p.join("")}`;
        expect(matches(resource, pattern)).toBe(oracle(r.join(""), p.join(""), collator));
      }),
      { numRuns: 3000 },
    );
  });

  it("one collator answers as localeCompare with the same options (ECMA-402), on this Node's ICU", () => {
    const collator = new Intl.Collator(undefined, { sensitivity: "accent" });
    const char = fc.oneof(
      fc.constantFrom(..."aAáÁbBzZ:/-_*?éEeßſ0"),
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(char, char, (a, b) => {
        expect(collator.compare(a, b) === 0).toBe(
          a.localeCompare(b, undefined, { sensitivity: "accent" }) === 0,
        );
      }),
      { numRuns: 2000 },
    );
  });
});

/**
 * Whether some string matches both the resource component `r` (`*`: any run, `?`: any one
 * character) and the pattern component `p` (a `${Name}` variable: one or more characters, none a
 * `:` or `/` when it is the whole component), characters compared by `collator` as iam-utils does:
 * a memoised recursion over the two positions, written from that meaning, not from the library's
 * automaton. Every move but `*` taking a character against a variable advances a position, so the
 * memo is exact.
 */
function oracle(r: string, p: string, collator: Intl.Collator): boolean {
  if (r === "" || p === "") return collator.compare(r, p) === 0;
  type Token = { kind: "char"; c: string } | { kind: "var" };
  const variable = /^\$\{[0-9a-zA-Z]+\}/;
  const whole = new RegExp(`${variable.source}$`).test(p);
  const pt: Token[] = [];
  for (let i = 0; i < p.length; ) {
    const m = variable.exec(p.slice(i));
    if (m) {
      pt.push({ kind: "var" });
      i += m[0].length;
    } else pt.push({ kind: "char", c: p[i++] as string });
  }
  const rt = [...r];
  const memo = new Map<number, boolean>();
  const visit = (i: number, j: number): boolean => {
    if (i === rt.length && j === pt.length) return true;
    const key = i * (pt.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, false);
    const rc = rt[i];
    const tok = pt[j];
    // `*` matching nothing more.
    let ok = rc === "*" && visit(i + 1, j);
    if (!ok && rc !== undefined && tok !== undefined) {
      const anyOne = rc === "*" || rc === "?";
      const fits =
        tok.kind === "char"
          ? anyOne || collator.compare(rc, tok.c) === 0
          : anyOne || !(whole && (rc === ":" || rc === "/"));
      // One character taken by both sides; `*` may take more, a variable too.
      const ni = rc === "*" ? i : i + 1;
      if (fits) ok = tok.kind === "char" ? visit(ni, j + 1) : visit(ni, j) || visit(ni, j + 1);
    }
    memo.set(key, ok);
    return ok;
  };
  return visit(0, 0);
}
