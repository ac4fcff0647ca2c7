/** IAM roles, their policies, instance profiles. */
import {
  type Constraint,
  type ConstraintContext,
  type Inputs,
  iamPolicyDocument,
  intRange,
  json,
  length,
  pattern,
  policySize,
  type RegisteredResource,
  tf,
} from "./engine.js";

/**
 * IAM and AWS STS quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html):
 * role trust policy length 2,048 characters (the default; adjustable), managed policy size 6,144,
 * role policy size 10,240 (all of a role's inline policies together), white space not counted.
 * CreateRole / CreatePolicy / PutRolePolicy refuse larger documents with LimitExceeded or
 * MalformedPolicyDocument; the provider checks only that the text is JSON.
 */
const IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
const statements = (n: number, resource: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: Array.from({ length: n }, (_, i) => ({
      Sid: `S${i}`,
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: resource,
    })),
  });

/** IAM entity names: validResourceName in iam/validate.go (`[\w+=,.@-]`). */
const IAM_NAME = /^[\w+=,.@-]+$/;
const IAM_NAME_ALLOWED = "letters, digits and '+=,.@_-'";
/** Paths: `/` or `/.../` (CreateRole API, Path pattern). */
const IAM_PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
const CREATE_ROLE = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html";

const path = (source: string): Constraint[] => [
  length("path", 0, 512, { source: tf(source), good: "/retrain/", bad: "/".repeat(513) }),
  pattern("path", IAM_PATH, "'/' or '/segment/.../'", {
    source: CREATE_ROLE,
    phase: "up",
    good: "/retrain/",
    bad: "retrain",
  }),
];

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
/** All of a role's inline policies together (IAM quotas, "Role policy size"). */
const ROLE_INLINE_TOTAL = 10_240;

/**
 * PutRolePolicy refuses a policy that takes the role's inline policies past 10,240 characters in all
 * (LimitExceeded): the role's other RolePolicy resources of this run plus the role's own
 * `inlinePolicies`. A policy put again under its own name replaces itself, so it is not counted twice.
 * One policy over the limit alone is the per-document rule's finding, not this one's.
 */
function roleInlineTotal(inputs: Inputs, ctx: ConstraintContext): { path: string; message: string }[] {
  const { role, name, policy } = inputs;
  if (typeof role !== "string" || typeof policy !== "string") return [];
  const others: { name: string; size: number }[] = [];
  for (const sibling of ctx.ofType(ROLE_POLICY)) {
    const s = sibling.inputs;
    // Only a policy put again under the same name replaces itself; unnamed ones are auto-named apart.
    const itself = typeof name === "string" && s.name === name;
    if (s.role === role && !itself && typeof s.policy === "string")
      others.push({ name: String(s.name ?? sibling.name), size: policySize(s.policy) });
  }
  const owner = ctx.byId(role);
  if (owner?.type === ROLE && Array.isArray(owner.inputs.inlinePolicies)) {
    for (const inline of owner.inputs.inlinePolicies as { name?: unknown; policy?: unknown }[]) {
      if (typeof inline?.policy === "string" && !(typeof name === "string" && inline.name === name))
        others.push({ name: String(inline.name ?? "(inline)"), size: policySize(inline.policy) });
    }
  }
  const own = policySize(policy);
  const total = others.reduce((sum, o) => sum + o.size, own);
  if (others.length === 0 || own > ROLE_INLINE_TOTAL || total <= ROLE_INLINE_TOTAL) return [];
  const listed = others.map((o) => `${o.name} ${o.size}`).join(", ");
  return [
    {
      path: "policy",
      message: `is ${own} characters without white space; with role ${role}'s other inline policies (${listed}) that is ${total}, over IAM's ${ROLE_INLINE_TOTAL} for all of a role's inline policies together (merge them or move some into a managed policy, aws.iam.Policy, which has its own 6,144)`,
    },
  ];
}

const rolePolicyOn = (role: string, policy: string, policyName: string): RegisteredResource => ({
  type: ROLE_POLICY,
  name: policyName,
  urn: `urn:pulumi:dev::iam::${ROLE_POLICY}::${policyName}`,
  inputs: { role, name: policyName, policy },
});

export const IAM_CONSTRAINTS: Record<string, Constraint[]> = {
  "aws:iam/role:Role": [
    pattern("name", IAM_NAME, IAM_NAME_ALLOWED, {
      source: tf("iam/role.go"),
      good: "retrain-prod-window",
      bad: "retrain prod",
    }),
    length("name", 1, 64, { source: tf("iam/role.go"), good: "retrain-prod-window", bad: "r".repeat(65) }),
    length("description", 0, 1000, { source: tf("iam/role.go"), good: "window role", bad: "d".repeat(1001) }),
    intRange("maxSessionDuration", 3600, 43_200, { source: tf("iam/role.go"), good: 3600, bad: 900 }),
    json("assumeRolePolicy", {
      source: tf("iam/role.go"),
      good: '{"Version":"2012-10-17","Statement":[]}',
      bad: "{Version:",
    }),
    iamPolicyDocument("assumeRolePolicy", 2048, {
      source: IAM_QUOTAS,
      phase: "up",
      good: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ssm.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
      bad: statements(30, "arn:aws:s3:::b/*"),
    }),
    ...path("iam/role.go"),
  ],
  "aws:iam/rolePolicy:RolePolicy": [
    pattern("name", IAM_NAME, IAM_NAME_ALLOWED, {
      source: tf("iam/role_policy.go"),
      good: "ssm-tasks",
      bad: "ssm tasks",
    }),
    length("name", 1, 128, { source: tf("iam/role_policy.go"), good: "ssm-tasks", bad: "p".repeat(129) }),
    json("policy", {
      source: tf("iam/role_policy.go"),
      good: '{"Version":"2012-10-17","Statement":[]}',
      bad: "not json",
    }),
    // One inline policy; the quota counts all of a role's together, which no one resource shows.
    iamPolicyDocument("policy", 10_240, {
      source: IAM_QUOTAS,
      phase: "up",
      good: statements(100, "arn:aws:s3:::b/*"),
      bad: statements(150, "arn:aws:s3:::b/*"),
    }),
    {
      path: "policy",
      source: IAM_QUOTAS,
      phase: "up",
      check: roleInlineTotal,
      examples: {
        // 50 statements are 4,278 characters: two such policies on a role fit, a third does not.
        good: { role: "retrain-prod-window", name: "second", policy: statements(50, "arn:aws:s3:::b/*") },
        bad: { role: "retrain-prod-window", name: "third", policy: statements(50, "arn:aws:s3:::b/*") },
        others: {
          first: rolePolicyOn("retrain-prod-window", statements(50, "arn:aws:s3:::b/*"), "first"),
          second: rolePolicyOn("retrain-prod-window", statements(50, "arn:aws:s3:::b/*"), "second"),
        },
      },
    },
  ],
  "aws:iam/policy:Policy": [
    pattern("name", IAM_NAME, IAM_NAME_ALLOWED, {
      source: tf("iam/policy.go"),
      good: "retrain-team",
      bad: "retrain/team",
    }),
    length("name", 1, 128, { source: tf("iam/policy.go"), good: "retrain-team", bad: "p".repeat(129) }),
    length("description", 0, 1000, {
      source: tf("iam/policy.go"),
      good: "team access",
      bad: "d".repeat(1001),
    }),
    json("policy", {
      source: tf("iam/policy.go"),
      good: '{"Version":"2012-10-17","Statement":[]}',
      bad: "[",
    }),
    iamPolicyDocument("policy", 6144, {
      source: IAM_QUOTAS,
      phase: "up",
      good: statements(60, "arn:aws:s3:::b/*"),
      bad: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/ü→" }],
      }),
    }),
    ...path("iam/policy.go"),
  ],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [
    pattern("policyArn", /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/, "an IAM policy ARN", {
      source: tf("iam/role_policy_attachment.go"),
      good: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      bad: "AmazonSSMManagedInstanceCore",
    }),
  ],
  "aws:iam/instanceProfile:InstanceProfile": [
    pattern("name", IAM_NAME, IAM_NAME_ALLOWED, {
      source: tf("iam/instance_profile.go"),
      good: "retrain-prod-gpu",
      bad: "gpu profile",
    }),
    length("name", 1, 128, {
      source: tf("iam/instance_profile.go"),
      good: "retrain-prod-gpu",
      bad: "p".repeat(129),
    }),
    ...path("iam/instance_profile.go"),
  ],
};
