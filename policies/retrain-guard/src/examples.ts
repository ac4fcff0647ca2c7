/**
 * Good and bad examples of each policy, kept beside the policy (`<policy>.examples.ts`): the
 * table-driven tests run every one, and docs/policy-pack.md points to them as the reference.
 */
import type { PropertyMap } from "./values.js";

export interface ExampleResource {
  type: string;
  name: string;
  props: PropertyMap;
  providerProps?: PropertyMap;
  /** Name of the parent resource (stack examples). */
  parent?: string;
  /** Names of the resources each property's value came from (stack examples). */
  propertyDependencies?: Record<string, string[]>;
  dependencies?: string[];
}

export interface PolicyExample {
  title: string;
  /** One resource for resource policies; the whole stack for stack policies. */
  resources: ExampleResource[];
  /** The policy's config properties (defaults apply to the rest). */
  config?: Record<string, unknown>;
  /** One pattern per expected violation, in order; empty when the example must pass. */
  violations: RegExp[];
}

export const STACK = "urn:pulumi:dev::retrain-example";

export function urnOf(type: string, name: string): string {
  return `${STACK}::${type}::${name}`;
}
