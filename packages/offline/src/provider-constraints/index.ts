/**
 * The table of provider constraints by Pulumi type token, and its evaluation. Adding a resource
 * type is one entry in one of the service modules (with a good and a bad example per constraint).
 */

import { EC2_CONSTRAINTS } from "./ec2.js";
import type { Constraint, ConstraintContext, Inputs, Phase } from "./engine.js";
import { IAM_CONSTRAINTS } from "./iam.js";
import { S3_LOGS_SNS_CONSTRAINTS } from "./s3-logs-sns.js";
import { SSM_CONSTRAINTS } from "./ssm.js";

export type {
  Constraint,
  ConstraintContext,
  ConstraintFinding,
  Inputs,
  Phase,
  RegisteredResource,
} from "./engine.js";

export const PROVIDER_CONSTRAINTS: Readonly<Record<string, readonly Constraint[]>> = {
  ...SSM_CONSTRAINTS,
  ...IAM_CONSTRAINTS,
  ...S3_LOGS_SNS_CONSTRAINTS,
  ...EC2_CONSTRAINTS,
};

export interface ProviderViolation {
  path: string;
  message: string;
  source: string;
  phase: Phase;
}

/** Every constraint of `type` that `inputs` break; [] for types without an entry. */
export function checkProviderConstraints(
  type: string,
  inputs: Inputs,
  ctx: ConstraintContext,
): ProviderViolation[] {
  return (PROVIDER_CONSTRAINTS[type] ?? []).flatMap((c) =>
    c.check(inputs, ctx).map((f) => ({ ...f, source: c.source, phase: c.phase })),
  );
}

const PHASE_TEXT: Record<Phase, string> = {
  preview: "the AWS provider rejects this in pulumi preview",
  up: "AWS rejects this in pulumi up",
  run: "AWS accepts this in pulumi up, and it fails at every run",
};

/** One line per violation, saying when AWS would reject it and where the rule comes from. */
export function describeViolations(violations: readonly ProviderViolation[]): string {
  return violations.map((v) => `${v.message} [${PHASE_TEXT[v.phase]}; ${v.source}]`).join("; ");
}
