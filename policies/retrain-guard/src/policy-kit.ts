/**
 * One way to declare a retrain-guard policy: metadata, a zod config schema (the single source of the
 * JSON schema the Pulumi CLI validates against and of the typed config the checks read), and plain
 * check functions that tests call directly. `toPulumiPolicy` adapts a definition to @pulumi/policy.
 */
import {
  type EnforcementLevel,
  type PolicyConfigSchema,
  PolicyPack,
  type PolicyResource,
  type ReportViolation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { deepFreeze } from "@retrain/config/frozen";
import { z } from "zod";
import { markResourceType, type ServedPolicies, withAnalyzeDispatch } from "./policy-internals.js";
import { type PropertyMap, rawProps } from "./values.js";

/** A resource as one policy check sees it (raw properties, unknowns as sentinels). */
export interface CheckedResource {
  type: string;
  name: string;
  urn: string;
  props: PropertyMap;
  /** The provider resource's properties (e.g. `defaultTags`), when the engine sent them. */
  providerProps?: PropertyMap;
}

/** A resource of the stack with its relations as URNs. */
export interface StackResource extends CheckedResource {
  parent?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
}

export interface Violation {
  message: string;
  /** For stack policies: the resource the violation is about. */
  urn?: string;
}

type ConfigShape = z.ZodObject;

interface PolicyBase<S extends ConfigShape> {
  name: string;
  description: string;
  /** How to fix any violation of this policy (shown by the CLI and in docs). */
  remediation: string;
  enforcementLevel: EnforcementLevel;
  config: S;
}

export interface ResourcePolicyDef<S extends ConfigShape> extends PolicyBase<S> {
  kind: "resource";
  /** Resource types the policy reads (others are reported as not applicable), or "all". */
  resourceTypes: readonly string[] | "all";
  check(resource: CheckedResource, config: z.output<S>): Promise<Violation[]> | Violation[];
}

export interface StackPolicyDef<S extends ConfigShape> extends PolicyBase<S> {
  kind: "stack";
  check(resources: readonly StackResource[], config: z.output<S>): Promise<Violation[]> | Violation[];
}

export type GuardPolicy<S extends ConfigShape = ConfigShape> = ResourcePolicyDef<S> | StackPolicyDef<S>;

export function defineResourcePolicy<S extends ConfigShape>(
  def: Omit<ResourcePolicyDef<S>, "kind">,
): ResourcePolicyDef<S> {
  return { kind: "resource", ...def };
}

export function defineStackPolicy<S extends ConfigShape>(
  def: Omit<StackPolicyDef<S>, "kind">,
): StackPolicyDef<S> {
  return { kind: "stack", ...def };
}

const invalidConfig = (problems: readonly string[]) => `invalid retrain-guard config: ${problems.join("; ")}`;

/** The policy's config with defaults applied, or each problem as `<policy>.<key>: <what is allowed>`. */
function configOf<S extends ConfigShape>(
  policy: GuardPolicy<S>,
  raw: unknown,
): { ok: true; data: z.output<S> } | { ok: false; problems: string[] } {
  const result = policy.config.safeParse(raw ?? {});
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((i) => `${[policy.name, ...i.path].join(".")}: ${i.message}`),
  };
}

/** The policy's config with defaults applied; throws naming the policy, key and what is allowed. */
export function parseConfig<S extends ConfigShape>(policy: GuardPolicy<S>, raw: unknown): z.output<S> {
  const parsed = configOf(policy, raw);
  if (parsed.ok) return parsed.data;
  throw new Error(invalidConfig(parsed.problems));
}

/**
 * Why the config Configure carries is wrong, naming every policy and key, or undefined: each of the
 * pack's policies parsed as its check would (`enforcementLevel` is the engine's, not the policy's).
 */
export function configProblem(
  policies: readonly GuardPolicy[],
  config: Readonly<Record<string, Record<string, unknown>>>,
): string | undefined {
  const problems = policies.flatMap((policy) => {
    const { enforcementLevel: _level, ...settings } = config[policy.name] ?? {};
    const parsed = configOf(policy, settings);
    return parsed.ok ? [] : parsed.problems;
  });
  return problems.length > 0 ? invalidConfig(problems) : undefined;
}

/** JSON schema of the config in the form @pulumi/policy's `configSchema` takes (draft-07). */
export function configSchemaOf(policy: GuardPolicy): PolicyConfigSchema {
  const json = z.toJSONSchema(policy.config, { target: "draft-7", io: "input" }) as {
    properties?: PolicyConfigSchema["properties"];
    required?: string[];
  };
  const schema: PolicyConfigSchema = { properties: json.properties ?? {} };
  if (json.required && json.required.length > 0) schema.required = json.required;
  return schema;
}

function reportAll(violations: Violation[], report: ReportViolation): void {
  for (const v of violations) report(v.message, v.urn);
}

function stackResourceOf(r: PolicyResource): StackResource {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [k, deps] of Object.entries(r.propertyDependencies ?? {}))
    propertyDependencies[k] = deps.map((d) => d.urn);
  const out: StackResource = {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: rawProps(r.props),
    dependencies: (r.dependencies ?? []).map((d) => d.urn),
    propertyDependencies,
  };
  if (r.parent) out.parent = r.parent.urn;
  if (r.provider) out.providerProps = rawProps(r.provider.props);
  return out;
}

/** The types a resource policy reads, or undefined when it reads every type. */
function typesOf(policy: ResourcePolicyDef<ConfigShape>): ReadonlySet<string> | undefined {
  return policy.resourceTypes === "all" ? undefined : new Set(policy.resourceTypes);
}

/** Why a resource policy does not apply to a type it does not read (shown by the CLI). */
function notApplicableReason(types: ReadonlySet<string>): string {
  return `applies to ${[...types].join(", ")}`;
}

/** Same keys, each value the same (primitive or object identity): one level only. */
function shallowSame(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.hasOwn(b, k) || !Object.is(a[k], b[k])) return false;
  return true;
}

/**
 * parseConfig for the pack: the config the engine sent (Configure) is the same for every resource,
 * so the parse of the last one seen is kept per policy and frozen, as it is shared by every check (a
 * check must not change it). An invalid config is not kept: it throws on every call, as before.
 *
 * The raw config is a fresh copy per call (@pulumi/policy's `getConfig` spreads the policy's entry
 * minus `enforcementLevel`), but of the same values until the next Configure: a one-level identity
 * compare recognises it without serialising it; otherwise its JSON text decides (a new Configure
 * with the same settings), and only a different text is parsed again.
 */
function configReader<S extends ConfigShape>(policy: GuardPolicy<S>): (raw: unknown) => z.output<S> {
  let last: { raw: Record<string, unknown>; json: string; config: z.output<S> } | undefined;
  return (input) => {
    const raw = (input ?? {}) as Record<string, unknown>;
    if (last && typeof raw === "object" && shallowSame(raw, last.raw)) return last.config;
    const json = JSON.stringify(raw);
    if (last?.json === json) {
      last = { ...last, raw: { ...raw } };
      return last.config;
    }
    const config = deepFreeze(parseConfig(policy, input));
    last = { raw: { ...raw }, json, config };
    return config;
  };
}

/** The @pulumi/policy form of a definition. */
export function toPulumiPolicy(policy: GuardPolicy): ResourceValidationPolicy | StackValidationPolicy {
  const meta = {
    name: policy.name,
    description: policy.description,
    enforcementLevel: policy.enforcementLevel,
    remediationSteps: policy.remediation,
    configSchema: configSchemaOf(policy),
  };
  const readConfig = configReader(policy);
  if (policy.kind === "resource") {
    const types = typesOf(policy);
    return {
      ...meta,
      validateResource: async (args: ResourceValidationArgs, report: ReportViolation) => {
        // Also when the pack dispatches by type (servePolicyPack): the fallback if it cannot.
        if (types && !types.has(args.type)) args.notApplicable(notApplicableReason(types));
        const resource: CheckedResource = {
          type: args.type,
          name: args.name,
          urn: args.urn,
          props: rawProps(args.props),
        };
        if (args.provider) resource.providerProps = rawProps(args.provider.props);
        reportAll(await policy.check(resource, readConfig(args.getConfig())), report);
      },
    };
  }
  return {
    ...meta,
    validateStack: async (args: StackValidationArgs, report: ReportViolation) => {
      const resources = args.resources.map(stackResourceOf);
      reportAll(await policy.check(resources, readConfig(args.getConfig())), report);
    },
  };
}

/** Set in the pack process's environment to serve without the per-type dispatch (the before/after test). */
export const NO_DISPATCH_ENV = "RETRAIN_GUARD_NO_DISPATCH";

/** Start of the warning the pack writes to stderr when it serves without the dispatch it meant to. */
export const DISPATCH_UNAVAILABLE = "retrain-guard: no per-type analyze dispatch";

/**
 * The @pulumi/policy policies of one analyze call for a resource of `type` (undefined: a type no
 * policy declares). Same list, order and objects as the pack's, except that a resource policy that
 * does not read the type is replaced by a stand-in of the same name and metadata whose validation is
 * marked with the policy's types: @pulumi/policy reports it not applicable from the mark alone,
 * before it deserialises the properties and builds the arguments for it (it used to do both, for
 * every policy and resource, only for our validation to throw NotApplicableError).
 */
function policiesForType(
  defs: readonly GuardPolicy[],
  served: readonly (ResourceValidationPolicy | StackValidationPolicy)[],
  type: string | undefined,
): ServedPolicies {
  return served.map((p, i) => {
    const def = defs[i]!;
    if (def.kind !== "resource") return p;
    const types = typesOf(def);
    if (!types || (type !== undefined && types.has(type))) return p;
    // The label is never a type the engine sends for this list: it is the one type the list is
    // not for, or several types joined by ", ".
    const standIn = markResourceType(
      (args: ResourceValidationArgs) => args.notApplicable(notApplicableReason(types)),
      [...types].join(", "),
    );
    return { ...p, validateResource: standIn };
  });
}

/**
 * Start the pack's Analyzer server (`new PolicyPack`), dispatching Analyze by resource type: each
 * resource runs only the resource policies that read its type; the others are reported not
 * applicable without their per-policy work in @pulumi/policy. GetAnalyzerInfo, Configure,
 * AnalyzeStack and every diagnostic are the library's, unchanged (test/pack-dispatch.test.ts runs
 * every example table through the pack with and without the dispatch).
 */
export function servePolicyPack(
  name: string,
  args: { description: string; enforcementLevel: EnforcementLevel; policies: readonly GuardPolicy[] },
): void {
  const served = args.policies.map(toPulumiPolicy);
  const construct = () => {
    new PolicyPack(name, {
      description: args.description,
      enforcementLevel: args.enforcementLevel,
      policies: served,
    });
  };
  if (process.env[NO_DISPATCH_ENV] === "1") {
    construct();
    return;
  }
  const declared = new Set<string>();
  for (const def of args.policies)
    if (def.kind === "resource" && def.resourceTypes !== "all")
      for (const t of def.resourceTypes) declared.add(t);
  const dispatching = withAnalyzeDispatch(
    construct,
    [...declared],
    (type) => policiesForType(args.policies, served, type),
    (config) => configProblem(args.policies, config),
  );
  if (!dispatching)
    process.stderr.write(
      `${DISPATCH_UNAVAILABLE}: the installed @pulumi/policy changed (see src/policy-internals.ts); ` +
        "every resource policy runs for every resource, as correct but slower\n",
    );
}
