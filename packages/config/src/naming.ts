/** Naming shared by every stack: `<project>-<team>-<name>` within AWS's name limits. */
import { PULUMI_PROJECTS, type StackKind } from "./layout.js";
import { workspaceOrganization } from "./settings.js";

export const PROJECT = "retrain";

export { PULUMI_PROJECTS, type StackKind } from "./layout.js";

/** A lowercase slug: team, window, task, pool and environment names. */
export const SLUG_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/** Limits of the AWS name fields that our names end up in. */
export const AWS_NAME_LIMITS = {
  iamRole: 64,
  iamInstanceProfile: 128,
  maintenanceWindow: 128,
  ssmDocument: 128,
  securityGroup: 255,
  launchTemplate: 128,
  logGroup: 512,
  s3Bucket: 63,
  eventRule: 64,
  snsTopic: 256,
  kmsAlias: 256,
  metricAlarm: 255,
  logResourcePolicy: 255,
} as const;

export type AwsNameKind = keyof typeof AWS_NAME_LIMITS;

/**
 * `retrain-<part>-<part>...`, checked against the AWS limit of `kind`. Throws when too long rather
 * than truncating: a truncated name could collide with another team's resource.
 */
export function resourceName(kind: AwsNameKind, ...parts: string[]): string {
  const name = [PROJECT, ...parts].join("-");
  const limit = AWS_NAME_LIMITS[kind];
  if (name.length > limit) {
    throw new Error(`name "${name}" is ${name.length} characters; AWS allows at most ${limit} for a ${kind}`);
  }
  return name;
}

/**
 * The fully qualified StackReference name `<organization>/<project>/<stack>` of a stack of the
 * workspace. The organisation is the workspace's one setting (`retrain.json` `pulumi.organization`,
 * see settings.ts); without `organization`, it is read from the nearest `retrain.json` at or above the
 * working directory (Pulumi runs a program in its folder, so a program finds the workspace's).
 */
export function defaultStackRef(
  kind: StackKind,
  stack: string,
  organization: string = workspaceOrganization(),
): string {
  return `${organization}/${PULUMI_PROJECTS[kind]}/${stack}`;
}

/**
 * The Nx project name of a stack: `<kind>-<stack>`, e.g. `iam-dev`, `fleet-prod`, `scheduling-vision`.
 * The kind prefix keeps `iam-dev` and `fleet-dev` apart and sorts projects by layer.
 */
export function stackProjectName(stack: { kind: string; stack: string }): string {
  return `${stack.kind}-${stack.stack}`;
}

/** `<kind>/<stack>` → Nx project name. */
export function projectNameOfId(id: string): string {
  return id.replace("/", "-");
}
