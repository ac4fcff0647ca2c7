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
  // The resource-based policies in IAM's grammar that @pulumi/aws 7.48 carries beside those above
  // (test/locate-coverage.test.ts fails on any type it has that is in neither list below).
  "aws:acmpca/policy:Policy": single("policy", "resource"),
  "aws:amp/resourcePolicy:ResourcePolicy": single("policyDocument", "resource"),
  "aws:apigateway/domainName:DomainName": single("policy", "resource", false),
  "aws:bedrock/agentcoreResourcePolicy:AgentcoreResourcePolicy": single("policy", "resource"),
  "aws:cloudsearch/domainServiceAccessPolicy:DomainServiceAccessPolicy": single(
    "accessPolicy",
    "resource-implied",
  ),
  "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": single("accessPolicy", "resource"),
  // CodeArtifact's own examples use Resource "*" for this domain or repository.
  "aws:codeartifact/domainPermissions:DomainPermissions": single("policyDocument", "resource-implied"),
  "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy": single(
    "policyDocument",
    "resource-implied",
  ),
  "aws:codebuild/resourcePolicy:ResourcePolicy": single("policy", "resource"),
  "aws:dsql/clusterPolicy:ClusterPolicy": single("policy", "resource"),
  "aws:dynamodb/resourcePolicy:ResourcePolicy": single("policy", "resource"),
  "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": single(
    "repositoryPolicy",
    "resource-implied",
    false,
  ),
  "aws:elasticsearch/domain:Domain": single("accessPolicies", "resource", false),
  "aws:elasticsearch/domainPolicy:DomainPolicy": single("accessPolicies", "resource"),
  "aws:glacier/vaultLock:VaultLock": single("policy", "resource"),
  "aws:glue/resourcePolicy:ResourcePolicy": single("policy", "resource"),
  "aws:kinesis/resourcePolicy:ResourcePolicy": single("policy", "resource"),
  "aws:kms/externalKey:ExternalKey": single("policy", "resource-implied", false),
  "aws:kms/replicaExternalKey:ReplicaExternalKey": single("policy", "resource-implied", false),
  "aws:lambda/resourcePolicy:ResourcePolicy": single("policy", "resource"),
  "aws:mediastore/containerPolicy:ContainerPolicy": single("policy", "resource"),
  "aws:msk/clusterPolicy:ClusterPolicy": single("policy", "resource"),
  "aws:networkfirewall/resourcePolicy:ResourcePolicy": single("policy", "resource"),
  // Observability Access Manager's own examples use Resource "*" for this sink.
  "aws:oam/sinkPolicy:SinkPolicy": single("policy", "resource-implied"),
  "aws:opensearchingest/resourcePolicy:ResourcePolicy": single("policy", "resource"),
  "aws:pinpoint/smsvoicev2ResourcePolicy:Smsvoicev2ResourcePolicy": single("policy", "resource"),
  "aws:redshift/resourcePolicy:ResourcePolicy": single("policy", "resource"),
  "aws:redshiftserverless/resourcePolicy:ResourcePolicy": single("policy", "resource"),
  "aws:s3/filesFileSystemPolicy:FilesFileSystemPolicy": single("policy", "resource"),
  "aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy": single("policy", "resource"),
  "aws:s3control/accessGrantsInstanceResourcePolicy:AccessGrantsInstanceResourcePolicy": single(
    "policy",
    "resource",
  ),
  "aws:s3control/bucketPolicy:BucketPolicy": single("policy", "resource"),
  "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy": single("policy", "resource"),
  "aws:s3tables/tableBucketPolicy:TableBucketPolicy": single("resourcePolicy", "resource"),
  "aws:s3tables/tablePolicy:TablePolicy": single("resourcePolicy", "resource"),
  "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy": single("resourcePolicy", "resource"),
  "aws:schemas/registryPolicy:RegistryPolicy": single("policy", "resource"),
  "aws:ses/identityPolicy:IdentityPolicy": single("policy", "resource"),
  "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy": single("policy", "resource"),
  "aws:vpclattice/authPolicy:AuthPolicy": single("policy", "resource"),
  "aws:vpclattice/resourcePolicy:ResourcePolicy": single("policy", "resource"),
  "aws:xray/resourcePolicy:ResourcePolicy": single("policyDocument", "resource"),
};

/**
 * Types of @pulumi/aws with a policy-like input that is not an IAM policy document granting
 * anything, each with why; reviewed like the lists above (test/locate-coverage.test.ts). Policies
 * that only limit (session policies, guardrails, endpoint policies) grant nothing: whoever passes
 * still needs an identity or resource policy that allows the call, and that one is read.
 */
export const NOT_IAM_POLICY_INPUTS: Readonly<Record<string, string>> = {
  "aws:batch/jobQueue:JobQueue": "schedulingPolicyArn is a Batch fair-share scheduling policy",
  "aws:cfg/organizationCustomPolicyRule:OrganizationCustomPolicyRule": "policyText is a Config Guard rule",
  "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration":
    "guardrailPolicyArns only limit what the channel role may do (a guardrail never grants)",
  "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration":
    "guardrailPolicyArns only limit what the channel role may do (a guardrail never grants)",
  "aws:cloudwatch/logAccountPolicy:LogAccountPolicy":
    "policyDocument is a data protection, subscription filter or field index policy of the account's logs",
  "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy":
    "policyDocument is a data protection policy (which data to mask)",
  "aws:cloudwatch/logIndexPolicy:LogIndexPolicy": "policyDocument lists the log fields to index",
  "aws:ec2/vpcEndpoint:VpcEndpoint":
    'policy is an endpoint policy: it only limits what passes through the endpoint (Principal "*" is its normal form)',
  "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy":
    "policy is an endpoint policy: it only limits what passes through the endpoint",
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": "policy is an image lifecycle (expiry) rule set",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation":
    "policyArn is an EKS cluster access policy: Kubernetes permissions, not IAM",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation":
    "policy is a session policy: it only limits the role the pods assume",
  "aws:emr/studioSessionMapping:StudioSessionMapping":
    "sessionPolicyArn only limits the Studio user's session",
  "aws:iot/policy:Policy":
    "an AWS IoT Core policy, attached to device certificates and identities, not to IAM principals",
  "aws:iot/policyAttachment:PolicyAttachment": "policy is the name of an IoT policy, not a document",
  "aws:networkfirewall/firewall:Firewall": "firewallPolicyArn is a network firewall rule policy",
  "aws:networkmanager/coreNetwork:CoreNetwork": "basePolicyDocument is a Cloud WAN core network policy",
  "aws:networkmanager/coreNetworkPolicyAttachment:CoreNetworkPolicyAttachment":
    "policyDocument is a Cloud WAN core network policy",
  "aws:odb/network:Network":
    "kmsPolicyDocument and stsPolicyDocument are the network's endpoint policies: they only limit",
  "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy":
    "policy is an OpenSearch Serverless data access rule list, not IAM's grammar",
  "aws:opensearch/serverlessLifecyclePolicy:ServerlessLifecyclePolicy":
    "policy is an index retention rule list",
  "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy":
    "policy is an encryption or network rule list, not IAM's grammar",
  "aws:resiliencehub/v2Service:V2Service":
    "policyArn is a Resilience Hub resiliency policy (recovery targets)",
  "aws:resiliencehub/v2UserJourney:V2UserJourney":
    "policyArn is a Resilience Hub resiliency policy (recovery targets)",
  "aws:rolesanywhere/profile:Profile":
    "managedPolicyArns and sessionPolicy are session policies: they only limit the profile's roles",
  "aws:ses/receiptFilter:ReceiptFilter": 'policy is "Allow" or "Block" for an IP range',
  "aws:sns/dataProtectionPolicy:DataProtectionPolicy": "policy is a message data protection policy",
  "aws:transfer/access:Access": "policy is a session policy: it only limits the access's role",
  "aws:transfer/user:User": "policy is a session policy: it only limits the user's role",
  "aws:verifiedaccess/endpoint:Endpoint": "policyDocument is a Cedar policy of Verified Access",
  "aws:verifiedaccess/group:Group": "policyDocument is a Cedar policy of Verified Access",
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
  "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive": (p) =>
    many(p, "managedPolicyArns"),
  // Assigns an IAM policy to QuickSight users and groups: it grants them what it says.
  "aws:quicksight/iamPolicyAssignment:IamPolicyAssignment": (p) => one(p, "policyArn"),
};

/** A Lambda permission: not a document, but a resource-based policy statement in properties. */
export const LAMBDA_PERMISSION = "aws:lambda/permission:Permission";
/** A Lambda layer version's permission: a principal (account or "*") the layer is shared with. */
export const LAYER_PERMISSION = "aws:lambda/layerVersionPermission:LayerVersionPermission";

/** Every resource type whose documents or policy ARNs this pack reads. */
export const IAM_RESOURCE_TYPES: readonly string[] = [
  ...new Set([...Object.keys(DOCUMENTS), ...Object.keys(ARNS), LAMBDA_PERMISSION, LAYER_PERMISSION]),
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
