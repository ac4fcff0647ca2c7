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
  /**
   * The provider requires a document here: an empty or missing one is malformed. Optional ones
   * (`policy` of Bucket, Queue, Topic, Key) read back as "" when the resource has no policy.
   */
  required: boolean;
  /** Why the document is malformed whatever it says (e.g. an inline policy the provider drops). */
  problem?: string;
}

export interface LocatedPolicyArn {
  field: string;
  arn: string;
}

const single =
  (field: string, kind: DocumentKind, required = true) =>
  (props: unknown): LocatedDocument[] => [{ field, kind, value: at(props, field), required }];

const blank = (v: unknown) => v === undefined || v === null || v === "";

/**
 * Inline policy blocks of a Role. One block with neither name nor policy (`inlinePolicies: [{}]`) is
 * the provider's documented way to remove every inline policy, and the state reads it back as
 * `{ name: "", policy: "" }`: no document. Any other block must carry both: the provider silently
 * skips a block whose name or policy is empty (addRoleInlinePolicies in
 * https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/iam/role.go), so it
 * would grant nothing without a word. https://www.pulumi.com/registry/packages/aws/api-docs/iam/role/
 */
function inlinePolicies(props: unknown): LocatedDocument[] {
  return list(at(props, "inlinePolicies")).flatMap((p, i) => {
    const name = at(p, "name");
    const policy = at(p, "policy");
    if (blank(name) && blank(policy)) return [];
    const doc: LocatedDocument = {
      field: `inlinePolicies[${i}].policy`,
      kind: "identity",
      value: policy,
      required: true,
    };
    if (blank(name))
      doc.problem = "the inline policy has no name, so the provider skips it and the role gets nothing";
    return [doc];
  });
}

const DOCUMENTS: Readonly<Record<string, (props: unknown) => LocatedDocument[]>> = {
  "aws:iam/policy:Policy": single("policy", "identity"),
  "aws:iam/rolePolicy:RolePolicy": single("policy", "identity"),
  "aws:iam/userPolicy:UserPolicy": single("policy", "identity"),
  "aws:iam/groupPolicy:GroupPolicy": single("policy", "identity"),
  "aws:iam/role:Role": (props) => [
    { field: "assumeRolePolicy", kind: "trust", value: at(props, "assumeRolePolicy"), required: true },
    ...inlinePolicies(props),
  ],
  "aws:s3/bucketPolicy:BucketPolicy": single("policy", "resource"),
  "aws:s3/bucket:Bucket": single("policy", "resource", false),
  "aws:sqs/queuePolicy:QueuePolicy": single("policy", "resource"),
  "aws:sqs/queue:Queue": single("policy", "resource", false),
  "aws:sns/topicPolicy:TopicPolicy": single("policy", "resource"),
  "aws:sns/topic:Topic": single("policy", "resource", false),
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": single("policyDocument", "resource"),
  "aws:kms/key:Key": single("policy", "resource-implied", false),
  "aws:kms/keyPolicy:KeyPolicy": single("policy", "resource-implied"),
  "aws:kms/replicaKey:ReplicaKey": single("policy", "resource-implied", false),
  "aws:ecr/repositoryPolicy:RepositoryPolicy": single("policy", "resource-implied"),
  "aws:ecr/registryPolicy:RegistryPolicy": single("policy", "resource-implied"),
  "aws:ecrpublic/repositoryPolicy:RepositoryPolicy": single("policy", "resource-implied"),
  // Read from @pulumi/aws 7.48 (type tokens and property names of its .d.ts). Required unless the
  // provider's Args make the property optional.
  "aws:s3/bucketV2:BucketV2": single("policy", "resource", false),
  // A secret's policy: Resource "*" means this secret (Secrets Manager resource-based policies).
  "aws:secretsmanager/secretPolicy:SecretPolicy": single("policy", "resource-implied"),
  // The policy inputs a few resources still carry themselves, beside their own policy resources.
  "aws:secretsmanager/secret:Secret": single("policy", "resource-implied", false),
  "aws:apigateway/restApi:RestApi": single("policy", "resource", false),
  "aws:opensearch/domain:Domain": single("accessPolicies", "resource", false),
  "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": single("inlinePolicy", "identity"),
  "aws:efs/fileSystemPolicy:FileSystemPolicy": single("policy", "resource"),
  // A backup vault's access policy: AWS's own examples use Resource "*" for this vault.
  "aws:backup/vaultPolicy:VaultPolicy": single("policy", "resource-implied"),
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": single("policy", "resource"),
  "aws:opensearch/domainPolicy:DomainPolicy": single("accessPolicies", "resource"),
  "aws:apigateway/restApiPolicy:RestApiPolicy": single("policy", "resource"),
  "aws:s3control/accessPointPolicy:AccessPointPolicy": single("policy", "resource"),
  "aws:s3/accessPoint:AccessPoint": single("policy", "resource", false),
  "aws:glacier/vault:Vault": single("accessPolicy", "resource", false),
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
  "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment": (p) => one(p, "managedPolicyArn"),
};

/** A Lambda permission: not a document, but a resource-based policy statement in properties. */
export const LAMBDA_PERMISSION = "aws:lambda/permission:Permission";

/** Every resource type whose documents or policy ARNs this pack reads. */
export const IAM_RESOURCE_TYPES: readonly string[] = [
  ...new Set([...Object.keys(DOCUMENTS), ...Object.keys(ARNS), LAMBDA_PERMISSION]),
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
