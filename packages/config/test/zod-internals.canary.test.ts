/**
 * Canary of src/zod-internals.ts: every shape the seam reads of a zod definition, checked against
 * the installed zod. A zod upgrade that renames a kind or moves a field fails here, by name, instead
 * of silently turning "unknown key (allowed: ...)" into "check the spelling" or decoding a string
 * key as JSON.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type SchemaDef, schemaDef } from "../src/zod-internals.js";

const { version } = createRequire(import.meta.url)("zod/package.json") as { version: string };
const ZOD = `zod ${version} (packages/config/src/zod-internals.ts)`;

const str = z.string();
const num = z.number();

/** [what, schema, the def the seam must read]: one row per zod construct the config schemas use. */
const CASES: [string, z.core.$ZodType, SchemaDef][] = [
  ["z.string()", str, { type: "string" }],
  ["z.email() is a string", z.email(), { type: "string" }],
  ["z.number()", num, { type: "number" }],
  ["z.boolean()", z.boolean(), { type: "boolean" }],
  ["z.enum()", z.enum(["a", "b"]), { type: "enum" }],
  [".optional()", str.optional(), { type: "optional", innerType: str }],
  [".default()", str.default("x"), { type: "default", innerType: str }],
  [".prefault()", str.prefault("x"), { type: "prefault", innerType: str }],
  [".nullable()", str.nullable(), { type: "nullable", innerType: str }],
  [".readonly()", str.readonly(), { type: "readonly", innerType: str }],
  [".pipe()", str.pipe(z.string().min(1)), { type: "pipe", in: str }],
  [".transform() is a pipe from the input", str.transform((s) => s.length), { type: "pipe", in: str }],
  ["z.array()", z.array(num), { type: "array", element: num }],
  ["z.record()", z.record(str, num), { type: "record", valueType: num }],
  ["z.object()", z.object({ a: str }), { type: "object", shape: { a: str } }],
  ["z.strictObject()", z.strictObject({ a: str }), { type: "object", shape: { a: str } }],
  [
    ".superRefine() keeps the object",
    z.strictObject({ a: str }).superRefine(() => {}),
    { type: "object", shape: { a: str } },
  ],
  [".refine() keeps the type", str.refine(() => true), { type: "string" }],
];

describe(`the zod seam against ${ZOD}`, () => {
  it.each(CASES)("%s", (_what, schema, expected) => {
    const def = schemaDef(schema);
    expect(def, `${ZOD}: definition of ${_what}`).toEqual(expected);
    // Identity, not just equal shape: the seam must hand back the very schemas zod wraps.
    for (const key of ["innerType", "in", "element", "valueType"] as const)
      if (expected[key]) expect(def[key], `${ZOD}: ${_what}.${key}`).toBe(expected[key]);
    for (const [k, v] of Object.entries(expected.shape ?? {}))
      expect(def.shape?.[k], `${ZOD}: ${_what}.shape.${k}`).toBe(v);
  });

  it("reads the definition zod documents for library authors (`_zod.def`), which classic `.def` aliases", () => {
    const schema = z.string().optional();
    expect(schema._zod.def, `${ZOD}: _zod.def`).toBe(schema.def);
  });
});
