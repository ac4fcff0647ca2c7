/**
 * Typed StackReferences: the only way a downstream stack reads an upstream stack's outputs. Each
 * contract key (outputs.ts) becomes a `pulumi.Output` of its type, validated when it resolves, so a
 * missing or mistyped upstream output fails the program with an error naming the referenced stack
 * and the key, both in a real `pulumi preview` and under the test/plan harness.
 */
import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { deepFreeze } from "./frozen.js";
import { type FleetOutputs, fleetOutputsSchema, type IamOutputs, iamOutputsSchema } from "./outputs.js";

/** Each contract key as an Output of its type. */
export type OutputsOf<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

/** Raised (inside the Output) when an upstream stack lacks a contract output or exports a wrong one. */
export class StackReferenceError extends Error {
  override readonly name = "StackReferenceError";
  constructor(
    /** The referenced stack, `organization/<project>/<stack>`. */
    readonly stackRef: string,
    /** The output key. */
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The last parse per upstream key. Every team stack of a plan reads the same iam and fleet outputs,
 * and some grow with the number of teams (`teamRoleArns`): validating them again per stack made a
 * plan quadratic in teams. The value is a fresh object per stack (the SDK copies what it reads), so
 * content decides: a value deep-equal to the one last parsed under its key (one walk, no
 * allocation; a JSON text key and a copy per hit cost five times as much) gets that parse, shared
 * and therefore frozen (deepFreeze: a program that wrote to it would change every later stack's).
 * A few keys suffice (one per upstream stack and key in flight).
 */
const parsedValues = new Map<string, { raw: unknown; data: unknown }>();
const PARSED_VALUES_MAX = 32;

function parseOnce(key: string, field: z.ZodType, value: unknown): ReturnType<z.ZodType["safeParse"]> {
  const kept = parsedValues.get(key);
  if (kept && isDeepStrictEqual(kept.raw, value)) return { success: true, data: kept.data };
  const parsed = field.safeParse(value);
  if (!parsed.success) return parsed;
  parsedValues.delete(key);
  if (parsedValues.size >= PARSED_VALUES_MAX) parsedValues.delete(parsedValues.keys().next().value as string);
  const data = deepFreeze(parsed.data);
  parsedValues.set(key, { raw: structuredClone(value), data });
  return { success: true, data };
}

function typedReference<S extends z.ZodObject>(
  what: string,
  schema: S,
  stackRef: string,
  opts?: pulumi.CustomResourceOptions,
): OutputsOf<z.infer<S>> {
  const ref = new pulumi.StackReference(stackRef, { name: stackRef }, opts);
  const keys = Object.keys(schema.shape);
  const result: Record<string, pulumi.Output<unknown>> = {};
  for (const key of keys) {
    const field = schema.shape[key] as z.ZodType;
    // One apply on the reference's outputs per key. `getOutput(key)` lifts the whole outputs object
    // again for every key (output.ts#outputRec copies each nested value), and the iam outputs hold
    // every team: per team stack that was a copy of every team's role per key. Secretness: a key is
    // secret when any output of the referenced stack is (getOutput tracks each); no contract output is.
    result[key] = ref.outputs.apply((outputs: Record<string, unknown>) => {
      const value = outputs[key];
      if (value === undefined || value === null) {
        throw new StackReferenceError(
          stackRef,
          key,
          `stack "${stackRef}" has no output "${key}": deploy the ${what} stack first, or point this stack at the right one ` +
            `(the ${what} stack exports ${keys.join(", ")})`,
        );
      }
      const parsed = parseOnce(`${what}.${key}`, field, value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const at = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
        throw new StackReferenceError(
          stackRef,
          key,
          `stack "${stackRef}" output "${key}" is invalid${at}: ${issue?.message ?? "unexpected value"} (got ${JSON.stringify(value)})`,
        );
      }
      return parsed.data;
    });
  }
  return result as OutputsOf<z.infer<S>>;
}

/** The IAM stack's outputs, e.g. `iamOutputs("organization/retrain-iam/dev").maintenanceWindowRoleArn`. Call once per stack name. */
export function iamOutputs(stackRef: string, opts?: pulumi.CustomResourceOptions): OutputsOf<IamOutputs> {
  return typedReference("iam", iamOutputsSchema, stackRef, opts);
}

/** The fleet stack's outputs (`pools`, `region`). Call once per stack name. */
export function fleetOutputs(stackRef: string, opts?: pulumi.CustomResourceOptions): OutputsOf<FleetOutputs> {
  return typedReference("fleet", fleetOutputsSchema, stackRef, opts);
}
