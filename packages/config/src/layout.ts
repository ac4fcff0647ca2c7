/**
 * `@retrain/config/layout`: the fixed workspace layout (stack kinds, their Pulumi projects and
 * folders), path spelling and the plan's input lists, without any schema (no zod, no YAML): what
 * the Nx plugin needs to check its discovery cache, so a cache hit loads none of discovery.
 */
import path from "node:path";

export { LabelledHash } from "./labelled-hash.js";
export * from "./plan-inputs.js";
export { toPosix, workspaceRelative } from "./problem.js";

/** Pulumi project names of the three stack kinds (Pulumi.yaml `name`). */
export const PULUMI_PROJECTS = {
  iam: "retrain-iam",
  fleet: "retrain-fleet",
  scheduling: "retrain-scheduling",
} as const;

export type StackKind = keyof typeof PULUMI_PROJECTS;

/** Where each kind's stack configs live: `<folder>/<stack>/Pulumi.<stack>.yaml`, workspace-relative. */
export const STACK_LAYOUT: Record<StackKind, string> = {
  iam: "stacks/iam/envs",
  fleet: "stacks/fleet/envs",
  scheduling: "stacks/scheduling/teams",
};

/**
 * The program folder of a kind, `stacks/<kind>`. An invalid entry's tools run there, never at a
 * Pulumi.yaml found near the broken file (a team folder holding one is itself the error).
 */
export function programDirOfKind(kind: StackKind): string {
  return path.posix.dirname(STACK_LAYOUT[kind]);
}
