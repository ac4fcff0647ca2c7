/**
 * The one place that reads a zod schema's definition (zod 4.6). Config errors list the keys an
 * object allows at a path, and the program decodes a config value as text when its key is a string:
 * both walk through wrappers to the schema underneath, which zod's parse API does not expose.
 *
 * `_zod.def`, narrowed by its `type` over `z.core.$ZodTypes`, is the introspection zod documents for
 * library authors (https://zod.dev/library-authors, "inspect internals"); the classic `.def` is the
 * same object but typed only on classic classes, while the schemas a def holds are typed as core
 * ones. `z.toJSONSchema` would answer "which keys" too, but it changes what counts as a string
 * (an enum becomes `type: string`), so config values would be decoded differently.
 * test/zod-internals.canary.test.ts checks every field below against the installed zod.
 */
import type { z } from "zod";

/** What this repo reads of a schema's definition; every other field of zod's def is left out. */
export interface SchemaDef {
  /** zod's kind: `object`, `array`, `optional`, `pipe`, `string`, ... */
  type: string;
  /** The wrapped schema of a wrapper (`optional`, `default`, `prefault`, `nullable`, `readonly`, ...). */
  innerType?: z.core.$ZodType;
  /** A pipe's input side. */
  in?: z.core.$ZodType;
  /** An array's element schema. */
  element?: z.core.$ZodType;
  /** A record's value schema. */
  valueType?: z.core.$ZodType;
  /** An object's property schemas. */
  shape?: Readonly<Record<string, z.core.$ZodType>>;
}

/** The parts of `schema`'s definition listed in {@link SchemaDef}. */
export function schemaDef(schema: z.core.$ZodType): SchemaDef {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  const out: SchemaDef = { type: def.type };
  if ("innerType" in def) out.innerType = def.innerType;
  if (def.type === "pipe") out.in = def.in;
  if (def.type === "array") out.element = def.element;
  if (def.type === "record") out.valueType = def.valueType;
  if (def.type === "object") out.shape = def.shape;
  return out;
}
