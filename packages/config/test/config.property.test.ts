/**
 * Property tests of loadStackConfig: whatever bytes are in a stack config file (random YAML, a
 * valid file mutated, a file cut off mid-write), loading either returns a validated config or
 * throws a ConfigError that names the file and whose problems all carry a message and a place in
 * the file; never another exception, never a hang.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ConfigError, loadStackConfig } from "../src/index.js";

const VALID = `config:
  aws:region: eu-west-1
  scheduling:team: vision
  scheduling:environment: prod
  scheduling:windows:
    - name: weekly-retrain
      schedule: cron(0 4 ? * SUN *)
      timezone: Europe/Berlin
      durationHours: 4
      cutoffHours: 1
      pool: a10g
      startStopInstances: true
      tasks:
        - name: retrain
          command: python /opt/retrain/train.py --model resnet50
          timeoutSeconds: 6000
          maxConcurrency: "1"
          maxErrors: "1"
`;

const dir = mkdtempSync(path.join(tmpdir(), "config-prop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The file name decides the stack name and the folder the kind: a team config as teams edit it.
const file = path.join(dir, "stacks/scheduling/teams/vision/Pulumi.vision.yaml");
const DISPLAY = "stacks/scheduling/teams/vision/Pulumi.vision.yaml";
mkdirSync(path.dirname(file), { recursive: true });
// The team's grants: the registry a workspace holds at policies/tenants.yaml.
mkdirSync(path.join(dir, "policies"));
writeFileSync(
  path.join(dir, "policies/tenants.yaml"),
  "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: [a10g]\n",
);

/** Loads `text` as the team's config file: the config, or the ConfigError (anything else is thrown). */
function load(text: string): { ok: true } | { ok: false; error: ConfigError } {
  writeFileSync(file, text);
  try {
    loadStackConfig(file, { displayName: DISPLAY });
    return { ok: true };
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, error: e };
    throw new Error(`loadStackConfig threw ${String(e)} (not a ConfigError) for:\n${text}`, { cause: e });
  }
}

function expectWellFormed(text: string): void {
  const result = load(text);
  if (result.ok) return;
  const { error } = result;
  expect(error.file).toBe(DISPLAY);
  expect(error.message).toContain(DISPLAY);
  expect(error.problems.length).toBeGreaterThan(0);
  const lineCount = text.split("\n").length;
  for (const p of error.problems) {
    expect(p.message.trim()).not.toBe("");
    if (p.line !== undefined) {
      expect(p.line).toBeGreaterThanOrEqual(1);
      expect(p.line).toBeLessThanOrEqual(lineCount + 1);
    }
  }
}

/** A small YAML-ish alphabet: the characters that change YAML structure most. */
const yamlChar = fc.constantFrom(..." \n\t:-#'\"[]{},&*!|>?%@`abc019".split(""));

const mutation = fc.oneof(
  // Delete a range.
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  // Insert structure-changing characters.
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.string({ unit: yamlChar, maxLength: 8 }),
  }),
  // Cut the file off, as an editor or a crash would leave it half-written.
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  // Duplicate a line (duplicate keys, misplaced items).
  fc.record({ kind: fc.constant("duplicate-line" as const), at: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, m: Mutation): string {
  const at = m.at % (text.length + 1);
  switch (m.kind) {
    case "delete":
      return text.slice(0, at) + text.slice(at + m.length);
    case "insert":
      return text.slice(0, at) + m.text + text.slice(at);
    case "truncate":
      return text.slice(0, at);
    case "duplicate-line": {
      const lines = text.split("\n");
      const i = m.at % lines.length;
      lines.splice(i, 0, lines[i]!);
      return lines.join("\n");
    }
  }
}

describe("loadStackConfig on arbitrary input", () => {
  it("loads the valid example (the mutations start from a valid file)", () => {
    expect(load(VALID).ok).toBe(true);
  });

  // Found by the random-text property below: yaml's toJS threw a ReferenceError for these.
  it.each([
    ["an alias naming no anchor", "*!"],
    ["an alias in a value", "config:\n  aws:region: *region\n"],
  ])("fails with a ConfigError on %s", (_what, text) => {
    const result = load(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.problems[0]?.message).toMatch(/YAML error: Unresolved alias/);
  });

  it("mutated valid configs load or fail with a ConfigError naming the file", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        expectWellFormed(ms.reduce(mutate, VALID));
      }),
      { numRuns: 300 },
    );
  });

  it("random text loads or fails with a ConfigError naming the file", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: yamlChar, maxLength: 200 }), fc.string({ maxLength: 200 })),
        (text) => {
          expectWellFormed(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("any JSON value under any config key fails with a ConfigError or validates", () => {
    const key = fc.constantFrom(
      "aws:region",
      "scheduling:team",
      "scheduling:environment",
      "scheduling:windows",
      "scheduling:unknown",
      "other:key",
      "noNamespace",
    );
    fc.assert(
      fc.property(key, fc.jsonValue({ maxDepth: 3 }), (k, value) => {
        const doc = { config: { "aws:region": "eu-west-1", "scheduling:team": "vision", [k]: value } };
        expectWellFormed(stringify(doc));
      }),
      { numRuns: 300 },
    );
  });

  it("a window's fields set to arbitrary values fail with the window's key", () => {
    const field = fc.constantFrom(
      "name",
      "schedule",
      "timezone",
      "durationHours",
      "cutoffHours",
      "offsetDays",
      "pool",
      "tasks",
      "mode",
    );
    fc.assert(
      fc.property(field, fc.jsonValue({ maxDepth: 2 }), (f, value) => {
        const window: Record<string, unknown> = {
          name: "w",
          schedule: "cron(0 4 ? * SUN *)",
          pool: "a10g",
          tasks: [{ name: "t", command: "true", timeoutSeconds: 600 }],
          [f]: value,
        };
        const text = stringify({
          config: {
            "aws:region": "eu-west-1",
            "scheduling:team": "vision",
            "scheduling:environment": "prod",
            "scheduling:windows": [window],
          },
        });
        const result = load(text);
        if (result.ok) return;
        expectWellFormed(text);
        // Problems of the window point into it, by config key.
        expect(result.error.problems.some((p) => p.key.startsWith("scheduling:windows"))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
