/**
 * Canary of the one reach into @cloud-copilot/iam-utils: the pnpm patch in patches/ (registered in
 * pnpm-workspace.yaml, `patchedDependencies`) that gives its ARN-pattern automaton one Intl.Collator
 * instead of one per character compare (the permissions proof's hot spot). If an upgrade of
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
