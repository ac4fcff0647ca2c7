/** IAM roles, their policies, instance profiles. */
import { type Constraint, iamPolicyDocument, intRange, json, length, pattern, tf } from "./engine.js";

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
