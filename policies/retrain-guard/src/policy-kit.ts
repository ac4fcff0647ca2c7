/**
 * One way to declare a retrain-guard policy: metadata, a zod config schema (the single source of the
 * JSON schema the Pulumi CLI validates against and of the typed config the checks read), and plain
 * check functions that tests call directly. `toPulumiPolicy` adapts a definition to @pulumi/policy.
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { z } from "zod";
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

/** The policy's config with defaults applied; throws naming the policy, key and what is allowed. */
export function parseConfig<S extends ConfigShape>(policy: GuardPolicy<S>, raw: unknown): z.output<S> {
  const result = policy.config.safeParse(raw ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${[policy.name, ...i.path].join(".")}: ${i.message}`);
  throw new Error(`invalid retrain-guard config: ${problems.join("; ")}`);
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

/** The @pulumi/policy form of a definition. */
export function toPulumiPolicy(policy: GuardPolicy): ResourceValidationPolicy | StackValidationPolicy {
  const meta = {
    name: policy.name,
    description: policy.description,
    enforcementLevel: policy.enforcementLevel,
    remediationSteps: policy.remediation,
    configSchema: configSchemaOf(policy),
  };
  if (policy.kind === "resource") {
    const types = policy.resourceTypes === "all" ? undefined : new Set(policy.resourceTypes);
    return {
      ...meta,
      validateResource: async (args: ResourceValidationArgs, report: ReportViolation) => {
        if (types && !types.has(args.type)) args.notApplicable(`applies to ${[...types].join(", ")}`);
        const resource: CheckedResource = {
          type: args.type,
          name: args.name,
          urn: args.urn,
          props: rawProps(args.props),
        };
        if (args.provider) resource.providerProps = rawProps(args.provider.props);
        reportAll(await policy.check(resource, parseConfig(policy, args.getConfig())), report);
      },
    };
  }
  return {
    ...meta,
    validateStack: async (args: StackValidationArgs, report: ReportViolation) => {
      const resources = args.resources.map(stackResourceOf);
      reportAll(await policy.check(resources, parseConfig(policy, args.getConfig())), report);
    },
  };
}
