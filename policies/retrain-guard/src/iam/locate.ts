/**
 * Where @pulumi/aws v7 resources carry IAM policy documents and managed-policy ARNs. Type tokens
 * and property names are those of the provider's schema (`aws:<module>/<resource>:<Resource>`).
 */
import { at, isUnknown, list, reveal } from "../values.js";

/**
 * - identity: attached to a principal; Resource names what it may act on.
 * - trust: a role's assume-role policy; Principal names who may assume it.
 * - resource: a resource-based policy whose Resource names the resources (S3, SQS, SNS).
 * - resource-implied: a resource-based policy whose Resource is implied by the resource carrying it
 *   (a KMS key policy's "*" means "this key"; ECR policies have no Resource).
 */
export type DocumentKind = "identity" | "trust" | "resource" | "resource-implied";

export interface LocatedDocument {
  /** Property path for messages, e.g. `inlinePolicies[1].policy`. */
  field: string;
  kind: DocumentKind;
  value: unknown;
}

export interface LocatedPolicyArn {
  field: string;
  arn: string;
}

const single =
  (field: string, kind: DocumentKind) =>
  (props: unknown): LocatedDocument[] => [{ field, kind, value: at(props, field) }];

const DOCUMENTS: Readonly<Record<string, (props: unknown) => LocatedDocument[]>> = {
  "aws:iam/policy:Policy": single("policy", "identity"),
  "aws:iam/rolePolicy:RolePolicy": single("policy", "identity"),
  "aws:iam/userPolicy:UserPolicy": single("policy", "identity"),
  "aws:iam/groupPolicy:GroupPolicy": single("policy", "identity"),
  "aws:iam/role:Role": (props) => [
    { field: "assumeRolePolicy", kind: "trust", value: at(props, "assumeRolePolicy") },
    ...list(at(props, "inlinePolicies")).map((p, i) => ({
      field: `inlinePolicies[${i}].policy`,
      kind: "identity" as const,
      value: at(p, "policy"),
    })),
  ],
  "aws:s3/bucketPolicy:BucketPolicy": single("policy", "resource"),
  "aws:s3/bucket:Bucket": single("policy", "resource"),
  "aws:sqs/queuePolicy:QueuePolicy": single("policy", "resource"),
  "aws:sqs/queue:Queue": single("policy", "resource"),
  "aws:sns/topicPolicy:TopicPolicy": single("policy", "resource"),
  "aws:sns/topic:Topic": single("policy", "resource"),
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": single("policyDocument", "resource"),
  "aws:kms/key:Key": single("policy", "resource-implied"),
  "aws:kms/keyPolicy:KeyPolicy": single("policy", "resource-implied"),
  "aws:kms/replicaKey:ReplicaKey": single("policy", "resource-implied"),
  "aws:ecr/repositoryPolicy:RepositoryPolicy": single("policy", "resource-implied"),
  "aws:ecr/registryPolicy:RegistryPolicy": single("policy", "resource-implied"),
  "aws:ecrpublic/repositoryPolicy:RepositoryPolicy": single("policy", "resource-implied"),
};

const ARNS: Readonly<Record<string, (props: unknown) => LocatedPolicyArn[]>> = {
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (p) => one(p, "policyArn"),
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": (p) => one(p, "policyArn"),
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": (p) => one(p, "policyArn"),
  "aws:iam/policyAttachment:PolicyAttachment": (p) => one(p, "policyArn"),
  "aws:iam/role:Role": (p) => many(p, "managedPolicyArns"),
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": (p) => many(p, "policyArns"),
  "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": (p) => many(p, "policyArns"),
  "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": (p) => many(p, "policyArns"),
};

/** Every resource type whose documents or policy ARNs this pack reads. */
export const IAM_RESOURCE_TYPES: readonly string[] = [
  ...new Set([...Object.keys(DOCUMENTS), ...Object.keys(ARNS)]),
];

export function documentsOf(type: string, props: unknown): LocatedDocument[] {
  return DOCUMENTS[type]?.(props) ?? [];
}

export function policyArnsOf(type: string, props: unknown): LocatedPolicyArn[] {
  return ARNS[type]?.(props) ?? [];
}

function one(props: unknown, field: string): LocatedPolicyArn[] {
  const v = at(props, field);
  return typeof v === "string" && !isUnknown(v) ? [{ field, arn: v }] : [];
}

function many(props: unknown, field: string): LocatedPolicyArn[] {
  return list(at(props, field)).flatMap((v, i) => {
    const arn = reveal(v);
    return typeof arn === "string" && !isUnknown(arn) ? [{ field: `${field}[${i}]`, arn }] : [];
  });
}
