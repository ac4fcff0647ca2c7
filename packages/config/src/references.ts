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
import { defaultStackRef } from "./naming.js";
import { type FleetOutputs, fleetOutputsSchema, type IamOutputs, iamOutputsSchema } from "./outputs.js";
import { regionMismatch } from "./regions.js";

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
      // An optional contract key (iam `region`) may be absent from a state exported before it.
      if (value === undefined && field.safeParse(undefined).success) return undefined;
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

/**
 * `dev` → `<organization>/retrain-iam/dev` (the workspace's organization, defaultStackRef); a full
 * `<organization>/<project>/<stack>` is taken as it is.
 */
const refOf = (kind: "iam" | "fleet", envOrRef: string) =>
  envOrRef.includes("/") ? envOrRef : defaultStackRef(kind, envOrRef);

/**
 * The IAM stack's outputs, e.g. `iamOutputs("dev").maintenanceWindowRoleArn`: an environment (the
 * stack of that name in this workspace's organization) or a full stack reference
 * (`organization/retrain-iam/dev`). Call once per stack.
 */
export function iamOutputs(envOrRef: string, opts?: pulumi.CustomResourceOptions): OutputsOf<IamOutputs> {
  return typedReference("iam", iamOutputsSchema, refOf("iam", envOrRef), opts);
}

/** The fleet stack's outputs (`pools`, `region`), of an environment or a full stack reference. */
export function fleetOutputs(envOrRef: string, opts?: pulumi.CustomResourceOptions): OutputsOf<FleetOutputs> {
  return typedReference("fleet", fleetOutputsSchema, refOf("fleet", envOrRef), opts);
}

/** `value`, failing (inside the Output) with {@link regionMismatch}'s message when the regions differ. */
export function inRegionOf<T>(
  value: pulumi.Input<T>,
  check: {
    file: string;
    region: string;
    /** An upstream's region; undefined (a state from before it was exported) is not compared. */
    upstream: { kind: "iam" | "fleet"; stackRef: string; region: pulumi.Input<string | undefined> }[];
  },
): pulumi.Output<T> {
  const regions = check.upstream.map((u) => pulumi.output(u.region));
  return pulumi.all([pulumi.output(value), pulumi.all(regions)]).apply(([v, resolved]) => {
    check.upstream.forEach((u, i) => {
      const upstreamRegion = resolved[i];
      if (upstreamRegion === undefined) return;
      const problem = regionMismatch({
        file: check.file,
        region: check.region,
        upstream: { kind: u.kind, stackRef: u.stackRef, region: upstreamRegion },
      });
      if (problem) throw new Error(problem);
    });
    return v as T;
  }) as pulumi.Output<T>;
}

/**
 * Why a stack of `environment` may not read `stackRef` (the value of config key `key`), or undefined:
 * a StackReference names its environment as its stack (`<org>/retrain-iam/<env>`), and one of
 * another environment plans but never works (e.g. a prod fleet on dev's IAM stack: its instances
 * get dev's instance profile, while prod's team roles trust only prod's instance role, so every run
 * fails to assume its team role).
 */
export function otherEnvironmentReference(args: {
  key: string;
  stackRef: string;
  environment: string;
}): string | undefined {
  const stack = args.stackRef.split("/").at(-1);
  if (stack === args.environment) return undefined;
  const project = args.stackRef.split("/").at(-2) ?? "retrain-iam";
  return `${args.key}: "${args.stackRef}" is stack "${stack}", another environment than this stack's "${args.environment}": its roles trust only that environment's instances, so every run would fail. Reference the stack of the same environment (…/${project}/${args.environment}) or remove ${args.key} to use the default`;
}
