/**
 * For the tests that tie a count the plan derives from configs (EventBridge rules, documents,
 * associations, roles) to what the real programs register: a raw config validated as its program
 * validates it, and a run's resources of one type (the run must have succeeded).
 */
import { STACK_SCHEMAS, type StackConfigOf, type StackKind } from "@retrain/config";
import type { StackRunResult } from "@retrain/offline";
import { resourcesOfType } from "@retrain/testing";
import { expect } from "vitest";

/** A raw Pulumi config (`<namespace>:<key>` → value) validated as the program validates it. */
export function validated<K extends StackKind>(kind: K, raw: Record<string, unknown>): StackConfigOf<K> {
  const { namespace, schema } = STACK_SCHEMAS[kind];
  const own = Object.entries(raw)
    .filter(([k, v]) => k.startsWith(`${namespace}:`) && v !== undefined)
    .map(([k, v]) => [k.slice(namespace.length + 1), v]);
  return schema.parse(Object.fromEntries(own)) as StackConfigOf<K>;
}

/** How many resources of `type` a successful run registered. */
export function countOf(r: StackRunResult, type: string): number {
  expect(r.errors).toEqual([]);
  return resourcesOfType(r, type).length;
}
