import { UNKNOWN } from "@retrain/config/unknown";
import { type PolicyExample, urnOf } from "../examples.js";

const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const ssmTrust = doc({
  Effect: "Allow",
  Principal: { Service: "ssm.amazonaws.com" },
  Action: "sts:AssumeRole",
  Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
});
const policy = (name: string, value: unknown, type = POLICY) => ({ type, name, props: { policy: value } });

export const examples: PolicyExample[] = [
  {
    title: "seed example: Action * on Resource * in a role assumed by ssm.amazonaws.com",
    resources: [
      {
        type: ROLE,
        name: "window-role",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { Service: "ssm.amazonaws.com" },
            Action: "sts:AssumeRole",
          }),
          inlinePolicies: [
            { name: "everything", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) },
          ],
        },
      },
    ],
    violations: [
      /\[wildcard-action\] Role "window-role": statement #0 of inlinePolicies\[0\]\.policy allows Action "\*"/,
    ],
  },
  {
    title: "scoped window role: documents by ARN, instances by tag, PassRole on itself",
    resources: [
      {
        type: ROLE,
        name: "scoped-role",
        props: {
          assumeRolePolicy: ssmTrust,
          inlinePolicies: [
            {
              name: "run",
              policy: doc(
                {
                  Sid: "Docs",
                  Effect: "Allow",
                  Action: ["ssm:SendCommand"],
                  Resource: ["arn:aws:ssm:eu-west-1:123456789012:document/retrain-run"],
                },
                {
                  Sid: "Fleet",
                  Effect: "Allow",
                  Action: "ssm:SendCommand",
                  Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
                  Condition: { StringEquals: { "aws:ResourceTag/retrain:fleet": "gpu" } },
                },
                {
                  Effect: "Allow",
                  Action: "iam:PassRole",
                  Resource: "arn:aws:iam::123456789012:role/retrain-window",
                  Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
                },
              ),
            },
          ],
        },
      },
    ],
    violations: [],
  },
  {
    title: "actions without resource types are fine on *",
    resources: [
      policy(
        "list",
        doc({ Effect: "Allow", Action: ["s3:ListAllMyBuckets", "ec2:DescribeInstances"], Resource: "*" }),
      ),
    ],
    violations: [],
  },
  {
    title: "Deny statements may use wildcards",
    resources: [
      policy(
        "deny",
        doc({
          Effect: "Deny",
          Action: "*",
          Resource: "*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      ),
    ],
    violations: [],
  },
  {
    title: "document as an object with a single Statement object",
    resources: [
      policy("object", {
        Version: "2012-10-17",
        Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::artifacts/models/*" },
      }),
    ],
    violations: [],
  },
  {
    title: "service-wide wildcard in an array, any case",
    resources: [
      policy("svc", {
        Statement: [
          { Effect: "allow", Action: ["s3:GetObject", "S3:*"], Resource: "arn:aws:s3:::artifacts/*" },
        ],
      }),
    ],
    violations: [/\[wildcard-action\] Policy "svc": statement #0 of policy allows Action "S3:\*"/],
  },
  {
    title: "prefix and ? wildcards",
    resources: [
      policy(
        "prefix",
        doc({
          Effect: "Allow",
          Action: ["ssm:Get*", "ssm:DescribeInstanceInformatio?"],
          Resource: "arn:aws:ssm:*:*:parameter/x",
        }),
      ),
    ],
    violations: [/allows Action "ssm:Get\*"/, /allows Action "ssm:DescribeInstanceInformatio\?"/],
  },
  {
    title: "NotAction and NotResource with Allow",
    resources: [
      policy(
        "not",
        doc({ Sid: "Broad", Effect: "Allow", NotAction: "iam:*", NotResource: "arn:aws:s3:::secret/*" }),
      ),
    ],
    violations: [/\[not-action\].*statement #0 \(Sid "Broad"\)/, /\[not-resource\]/],
  },
  {
    title: "Resource * for an action with resource-level permissions",
    resources: [policy("star", doc({ Effect: "Allow", Action: "ssm:SendCommand", Resource: "*" }))],
    violations: [
      /\[wildcard-resource\] Policy "star": statement #0 of policy allows ssm:SendCommand on every resource \("\*"\); "ssm:SendCommand" supports resource-level permissions .*Fix: name the resources' ARNs/,
    ],
  },
  {
    title: "service-wide ARN wildcards count as *",
    resources: [
      policy(
        "arns",
        doc({
          Effect: "Allow",
          Action: ["s3:GetObject", "ec2:StartInstances"],
          Resource: ["arn:aws:s3:::*", "arn:aws:ec2:*:*:*"],
        }),
      ),
    ],
    violations: [
      /s3:GetObject on every resource \("arn:aws:s3:::\*"\)/,
      /ec2:StartInstances on every resource \("arn:aws:s3:::\*"\)/,
      /s3:GetObject on every resource \("arn:aws:ec2:\*:\*:\*"\)/,
      /ec2:StartInstances on every resource \("arn:aws:ec2:\*:\*:\*"\)/,
    ],
  },
  {
    // IAM: a * ending a segment matches across colons, so these cover every S3 resource / everything.
    title: "short ARNs ending in * count as *",
    resources: [
      policy("short", doc({ Effect: "Allow", Action: "s3:GetObject", Resource: ["arn:aws:s3:*", "arn:*"] })),
    ],
    violations: [
      /s3:GetObject on every resource \("arn:aws:s3:\*"\)/,
      /s3:GetObject on every resource \("arn:\*"\)/,
    ],
  },
  {
    title: "a malformed short ARN names nothing (AWS rejects it)",
    resources: [policy("short", doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3" }))],
    violations: [],
  },
  {
    title: "every object of every bucket: arn:aws:s3:::*/* is no narrower than *",
    resources: [
      policy("all-objects", doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*/*" })),
    ],
    violations: [/s3:GetObject on every s3 object \("arn:aws:s3:::\*\/\*"\) with no narrowing Condition/],
  },
  {
    title: "? in place of * hides no bucket: arn:aws:s3:::?*/?*",
    resources: [
      policy("all-objects", doc({ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::?*/?*" })),
    ],
    violations: [/s3:PutObject on every s3 object/],
  },
  {
    title: "every instance in every region and account: arn:aws:ec2:*:*:*/*",
    resources: [
      policy(
        "all-instances",
        doc({ Effect: "Allow", Action: "ec2:StartInstances", Resource: "arn:aws:ec2:*:*:*/*" }),
      ),
    ],
    violations: [/ec2:StartInstances on every ec2 instance \("arn:aws:ec2:\*:\*:\*\/\*"\)/],
  },
  {
    title: "every log stream of every log group: arn:aws:logs:*:*:log-group:*:*",
    resources: [
      policy(
        "all-streams",
        doc({ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "arn:aws:logs:*:*:log-group:*:*" }),
      ),
    ],
    violations: [/logs:PutLogEvents on every logs log-stream \("arn:aws:logs:\*:\*:log-group:\*:\*"\)/],
  },
  {
    title: "every role, every document: wildcards in the identifying part of the type's ARN format",
    resources: [
      policy(
        "any-role",
        doc(
          { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*" },
          { Effect: "Allow", Action: "ssm:SendCommand", Resource: "arn:aws:ssm:eu-west-1:*:document/*" },
        ),
      ),
    ],
    violations: [/iam:PassRole on every iam role/, /ssm:SendCommand on every ssm document/],
  },
  {
    title:
      "the narrow forms our stacks use: a bucket prefix, one log group's streams, named runbooks, a document prefix",
    resources: [
      policy(
        "narrow",
        doc(
          {
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:GetObject"],
            Resource: "arn:aws:s3:::retrain-artifacts-prod/runs/vision/*",
          },
          {
            Effect: "Allow",
            Action: ["logs:PutLogEvents", "logs:CreateLogStream"],
            Resource: [
              "arn:aws:logs:eu-west-1:123456789012:log-group:/retrain/prod/runs:log-stream:*",
              "arn:aws:logs:eu-west-1:123456789012:log-group:/retrain/prod/runs:*",
            ],
          },
          {
            Effect: "Allow",
            Action: "ssm:StartAutomationExecution",
            Resource: "arn:aws:ssm:eu-west-1:123456789012:automation-definition/AWS-StartEC2Instance:*",
          },
          {
            Effect: "Allow",
            Action: "ssm:SendCommand",
            Resource: "arn:aws:ssm:eu-west-1:123456789012:document/retrain-prod-*",
          },
        ),
      ),
    ],
    violations: [],
  },
  {
    title: "a whole type with a narrowing tag condition stays allowed, whatever wildcards name it",
    resources: [
      policy(
        "tagged",
        doc({
          Effect: "Allow",
          Action: ["ec2:StartInstances", "ec2:StopInstances"],
          Resource: "arn:aws:ec2:*:*:*/*",
          Condition: { StringEquals: { "aws:ResourceTag/retrain:pool": "a10g" } },
        }),
      ),
    ],
    violations: [],
  },
  {
    title: "a whole resource type without a narrowing condition",
    resources: [
      policy(
        "type",
        doc({
          Effect: "Allow",
          Action: "ec2:StopInstances",
          Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
        }),
      ),
    ],
    violations: [
      /every ec2 instance .* with no narrowing Condition; .*Fix: name the resources, or add a Condition that narrows them/,
    ],
  },
  {
    title: "a trailing ? does not hide a whole resource type",
    resources: [
      policy(
        "dodge",
        doc({
          Effect: "Allow",
          Action: "ec2:StopInstances",
          Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*?",
        }),
      ),
    ],
    violations: [
      /every ec2 instance \("arn:aws:ec2:eu-west-1:123456789012:instance\/\*\?"\) with no narrowing Condition/,
    ],
  },
  {
    title: "an IfExists condition does not narrow",
    resources: [
      policy(
        "ifexists",
        doc({
          Effect: "Allow",
          Action: "ec2:StopInstances",
          Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
          Condition: { StringEqualsIfExists: { "aws:ResourceTag/team": "vision" } },
        }),
      ),
    ],
    violations: [/\[wildcard-resource\]/],
  },
  {
    title: "an action AWS does not know fails closed on *",
    resources: [policy("typo", doc({ Effect: "Allow", Action: "ssm:SendComand", Resource: "*" }))],
    violations: [/"ssm:SendComand" is not in AWS's service authorization data/],
  },
  {
    title: "an action of a service AWS does not have fails closed on *",
    resources: [policy("made-up", doc({ Effect: "Allow", Action: "retrain:StartTraining", Resource: "*" }))],
    violations: [/"retrain:StartTraining" is not in AWS's service authorization data/],
  },
  {
    title: "an action that is not service:Name fails closed on *",
    resources: [policy("typo", doc({ Effect: "Allow", Action: "ssmSendCommand", Resource: "*" }))],
    violations: [/"ssmSendCommand" is not in AWS's service authorization data/],
  },
  {
    title: "a condition whose values are all wildcards does not narrow",
    resources: [
      {
        type: ROLE,
        name: "any-org",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { StringLike: { "aws:PrincipalOrgID": ["*", "?*"] } },
          }),
        },
      },
    ],
    violations: [/\[open-principal\] Role "any-org"/],
  },
  {
    title: "a condition value that is an object, not a string, does not narrow",
    resources: [
      {
        type: ROLE,
        name: "odd",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:PrincipalOrgID": { id: "o-abc123" } } },
          }),
        },
      },
    ],
    violations: [/\[open-principal\] Role "odd"/],
  },
  {
    title: "NotPrincipal with Allow in a bucket policy",
    resources: [
      policy(
        "all-but",
        doc({
          Effect: "Allow",
          NotPrincipal: { AWS: "arn:aws:iam::123456789012:role/retrain-instance" },
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::artifacts/*",
        }),
        "aws:s3/bucketPolicy:BucketPolicy",
      ),
    ],
    violations: [
      /\[not-principal\] BucketPolicy "all-but": statement #0 of policy uses NotPrincipal with Allow, which grants access to any principal except the ones listed/,
    ],
  },
  {
    title: "trust policy open to any principal",
    resources: [
      {
        type: ROLE,
        name: "open",
        props: { assumeRolePolicy: doc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }) },
      },
    ],
    violations: [
      /\[open-principal\] Role "open": statement #0 of assumeRolePolicy lets any principal assume the role/,
    ],
  },
  {
    title: 'trust policy with {"AWS": "*"} narrowed by aws:PrincipalOrgID',
    resources: [
      {
        type: ROLE,
        name: "org",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
          }),
        },
      },
    ],
    violations: [],
  },
  {
    title: "public bucket policy",
    resources: [
      policy(
        "public",
        doc({
          Effect: "Allow",
          Principal: { AWS: ["*"] },
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::artifacts/*",
        }),
        "aws:s3/bucketPolicy:BucketPolicy",
      ),
    ],
    violations: [/\[open-principal\] BucketPolicy "public".*grants access to any principal/],
  },
  {
    title: "KMS key policy: Resource * means this key",
    resources: [
      policy(
        "key",
        doc({
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:role/retrain-instance" },
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: "*",
        }),
        "aws:kms/key:Key",
      ),
    ],
    violations: [],
  },
  {
    // JSON.parse keeps the last of a repeated key; which one IAM evaluates is not documented.
    title: "a key repeated in a statement or a condition fails closed, whichever value comes last",
    resources: [
      policy(
        "two-actions",
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}',
      ),
      policy(
        "two-accounts",
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"arn:aws:sns:eu-west-1:123456789012:t","Condition":{"StringEquals":{"aws:SourceAccount":"*","aws:SourceAccount":"123456789012"}}}]}',
        "aws:sns/topicPolicy:TopicPolicy",
      ),
    ],
    violations: [
      /\[unparseable-document\] Policy "two-actions": .*Statement\[0\] has the key "Action" twice \(line 1\): which one AWS reads is not documented/,
      /\[unparseable-document\] TopicPolicy "two-accounts": .*Statement\[0\]\.Condition\.StringEquals has the key "aws:SourceAccount" twice/,
    ],
  },
  {
    title: "unparseable JSON fails closed",
    resources: [policy("broken", '{"Statement": [')],
    violations: [
      /\[unparseable-document\] Policy "broken": the policy document in policy cannot be read: not valid JSON/,
    ],
  },
  {
    title: "a document without Statement fails closed",
    resources: [policy("empty", { Version: "2012-10-17" })],
    violations: [/has no "Statement"/],
  },
  {
    title: "an empty Statement array fails closed (as a JSON string and as an object)",
    resources: [policy("nothing", doc()), policy("nothing-object", { Version: "2012-10-17", Statement: [] })],
    violations: [
      /\[unparseable-document\] Policy "nothing": .*"Statement" is an empty array: the document grants nothing/,
      /\[unparseable-document\] Policy "nothing-object": .*"Statement" is an empty array/,
    ],
  },
  {
    title: "an empty string where a document belongs fails closed",
    resources: [
      { type: ROLE, name: "no-trust", props: { assumeRolePolicy: "" } },
      {
        type: ROLE,
        name: "empty-inline",
        props: { assumeRolePolicy: ssmTrust, inlinePolicies: [{ name: "run", policy: "" }] },
      },
      { type: "aws:iam/rolePolicy:RolePolicy", name: "empty-role-policy", props: { role: "r", policy: "" } },
      policy("empty-policy", ""),
      policy("empty-bucket-policy", "", "aws:s3/bucketPolicy:BucketPolicy"),
    ],
    violations: [
      /\[unparseable-document\] Role "no-trust": the policy document in assumeRolePolicy cannot be read: it is an empty string/,
      /\[unparseable-document\] Role "empty-inline": the policy document in inlinePolicies\[0\]\.policy cannot be read: it is an empty string/,
      /\[unparseable-document\] RolePolicy "empty-role-policy": .*empty string/,
      /\[unparseable-document\] Policy "empty-policy": .*empty string/,
      /\[unparseable-document\] BucketPolicy "empty-bucket-policy": .*empty string/,
    ],
  },
  {
    title: "a required document that is missing fails closed",
    resources: [
      { type: ROLE, name: "no-trust", props: {} },
      { type: "aws:iam/rolePolicy:RolePolicy", name: "no-policy", props: { role: "r", policy: null } },
    ],
    violations: [
      /Role "no-trust": the policy document in assumeRolePolicy cannot be read: it is missing/,
      /RolePolicy "no-policy": .*it is missing/,
    ],
  },
  {
    title: "an inline policy without a name fails closed (the provider drops it)",
    resources: [
      {
        type: ROLE,
        name: "nameless",
        props: {
          assumeRolePolicy: ssmTrust,
          inlinePolicies: [
            { policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::a/b" }) },
          ],
        },
      },
    ],
    violations: [
      /Role "nameless": .*inlinePolicies\[0\]\.policy cannot be read: the inline policy has no name/,
    ],
  },
  {
    // The provider reads "no policy" back as "" on these optional fields (AnalyzeStack sees outputs).
    title: "an empty optional policy (Bucket, Queue, Key) is no document",
    resources: [
      policy("bucket", "", "aws:s3/bucket:Bucket"),
      policy("queue", "", "aws:sqs/queue:Queue"),
      policy("key", "", "aws:kms/key:Key"),
      { type: "aws:sns/topic:Topic", name: "topic", props: {} },
    ],
    violations: [],
  },
  {
    title: "an unknown Effect fails closed",
    resources: [
      policy("permit", doc({ Effect: "Permit", Action: "s3:GetObject", Resource: "arn:aws:s3:::a/b" })),
    ],
    violations: [/statement #0: has Effect "Permit"/],
  },
  {
    title: "a statement with neither Action nor NotAction fails closed",
    resources: [policy("no-action", doc({ Effect: "Allow", Resource: "arn:aws:s3:::a/b" }))],
    violations: [/statement #0: has neither "Action" nor "NotAction"/],
  },
  {
    title: "a missing Action fails closed even while the Resource is unknown during preview",
    resources: [policy("no-action", { Statement: [{ Effect: "Allow", Resource: [UNKNOWN] }] })],
    violations: [/statement #0: has neither "Action" nor "NotAction"/],
  },
  {
    // inlinePolicies: [{}] is the provider's way to remove every inline policy; state reads back "".
    title: "an empty inline policy block is no document",
    resources: [
      {
        type: ROLE,
        name: "no-inline",
        props: { assumeRolePolicy: ssmTrust, inlinePolicies: [{}, { name: "", policy: "" }] },
      },
    ],
    violations: [],
  },
  {
    title: "managed-policy ARNs that are not strings are skipped, not a crash",
    resources: [
      {
        type: ROLE,
        name: "odd-arns",
        props: {
          assumeRolePolicy: ssmTrust,
          managedPolicyArns: [null, 42, "arn:aws:iam::aws:policy/AdministratorAccess"],
        },
      },
      {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name: "no-arn",
        props: { role: "r", policyArn: null },
      },
    ],
    violations: [
      /\[admin-managed-policy\] Role "odd-arns": managedPolicyArns\[2\] attaches the AWS managed policy AdministratorAccess/,
    ],
  },
  {
    title: "a document unknown during preview is not judged",
    resources: [policy("later", UNKNOWN)],
    violations: [],
  },
  {
    title: "unknown parts are skipped, known parts still judged",
    resources: [
      policy("partial", {
        Statement: [{ Effect: "Allow", Action: [UNKNOWN, "s3:*"], Resource: UNKNOWN }, UNKNOWN],
      }),
    ],
    violations: [/allows Action "s3:\*"/],
  },
  {
    title: "AdministratorAccess attached in aws-cn",
    resources: [
      {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name: "admin",
        props: { role: "r", policyArn: "arn:aws-cn:iam::aws:policy/AdministratorAccess" },
      },
    ],
    violations: [
      /\[admin-managed-policy\] RolePolicyAttachment "admin": policyArn attaches the AWS managed policy AdministratorAccess/,
    ],
  },
  {
    title: "PowerUserAccess and IAMFullAccess in managedPolicyArns (aws-us-gov)",
    resources: [
      {
        type: ROLE,
        name: "power",
        props: {
          assumeRolePolicy: ssmTrust,
          managedPolicyArns: [
            "arn:aws-us-gov:iam::aws:policy/PowerUserAccess",
            "arn:aws:iam::aws:policy/IAMFullAccess",
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
          ],
        },
      },
    ],
    violations: [
      /managedPolicyArns\[0\] attaches the AWS managed policy PowerUserAccess/,
      /managedPolicyArns\[1\] attaches the AWS managed policy IAMFullAccess/,
      // ssm:GetParameter(s) on "*": every team's parameters.
      /\[unreviewed-managed-policy\] Role "power": managedPolicyArns\[2\] attaches the AWS managed policy AmazonSSMManagedInstanceCore/,
    ],
  },
  {
    title: "a managed policy added to the admin list by config",
    resources: [
      {
        type: "aws:iam/policyAttachment:PolicyAttachment",
        name: "net",
        props: { policyArn: "arn:aws:iam::aws:policy/job-function/NetworkAdministrator" },
      },
    ],
    config: { additionalAdminPolicies: ["job-function/NetworkAdministrator"] },
    violations: [/NetworkAdministrator/],
  },
  {
    title: "an allowlisted action with a justification",
    resources: [
      policy(
        "kms-admin",
        doc({
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Action: "kms:*",
          Resource: "*",
        }),
        "aws:kms/key:Key",
      ),
    ],
    config: {
      allowlist: [{ action: "KMS:*", justification: "default key policy: account root administers the key" }],
    },
    violations: [],
  },
  {
    title: "an allowlisted action exempts only that action",
    resources: [policy("mixed", doc({ Effect: "Allow", Action: ["kms:*", "s3:*"], Resource: "*" }))],
    config: { allowlist: [{ action: "kms:*", justification: "key administration" }] },
    violations: [/allows Action "s3:\*"/],
  },
  {
    title: "an action allowlist entry does not exempt findings about no action (NotAction, NotResource)",
    resources: [
      policy("not", doc({ Effect: "Allow", NotAction: "kms:*", NotResource: "arn:aws:s3:::secret/*" })),
    ],
    config: { allowlist: [{ action: "kms:*", justification: "key administration" }] },
    violations: [/\[not-action\]/, /\[not-resource\]/],
  },
  {
    title: "an allowlisted resource URN exempts only that resource",
    resources: [policy("legacy", doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }))],
    config: {
      allowlist: [
        { urn: urnOf(POLICY, "legacy"), justification: "SEC-123: legacy migration role, removed by 2027-01" },
      ],
    },
    violations: [],
  },
  {
    title: "an allowlist entry for another resource does not exempt this one",
    resources: [policy("other", doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::a/*" }))],
    config: { allowlist: [{ urn: urnOf(POLICY, "legacy"), action: "s3:*", justification: "SEC-123" }] },
    violations: [/allows Action "s3:\*"/],
  },
  {
    title: "a URN pattern with * in the allowlist",
    resources: [policy("legacy", doc({ Effect: "Allow", Action: "ssm:SendCommand", Resource: "*" }))],
    config: {
      allowlist: [
        {
          urn: "urn:pulumi:*::retrain-example::aws:iam/policy:Policy::leg*",
          action: "ssm:SendCommand",
          justification: "SEC-7",
        },
      ],
    },
    violations: [],
  },
  {
    title: "the project's automation exemption (src/exemptions.ts) does not reach other projects",
    resources: [
      {
        type: "aws:iam/rolePolicy:RolePolicy",
        name: "maintenance-window-permissions",
        props: {
          policy: doc({
            Effect: "Allow",
            Action: ["ssm:GetAutomationExecution", "ssm:SendCommand"],
            Resource: "arn:aws:ssm:eu-west-1:123456789012:automation-execution/*",
          }),
        },
      },
    ],
    violations: [
      /allows ssm:GetAutomationExecution on every ssm automation-execution/,
      /allows ssm:SendCommand on every ssm automation-execution/,
    ],
  },
  {
    title:
      "an alert topic policy: only EventBridge rules and CloudWatch alarms of this account, by aws:SourceArn",
    resources: [
      {
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: "alerts-topic",
        props: {
          arn: "arn:aws:sns:eu-west-1:123456789012:retrain-prod-vision-alerts",
          policy: doc(
            {
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sns:Publish",
              Resource: "arn:aws:sns:eu-west-1:123456789012:retrain-prod-vision-alerts",
              Condition: {
                ArnEquals: {
                  "aws:SourceArn": [
                    "arn:aws:events:eu-west-1:123456789012:rule/retrain-prod-vision-command-failed",
                  ],
                },
              },
            },
            {
              Effect: "Allow",
              Principal: { Service: "cloudwatch.amazonaws.com" },
              Action: "sns:Publish",
              Resource: "arn:aws:sns:eu-west-1:123456789012:retrain-prod-vision-alerts",
              Condition: {
                StringEquals: { "aws:SourceAccount": "123456789012" },
                ArnLike: {
                  "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:retrain-prod-vision-*",
                },
              },
            },
          ),
        },
      },
    ],
    violations: [],
  },
  {
    title: "a topic policy open to everyone with sns:*",
    resources: [
      {
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: "open-topic",
        props: {
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "sns:*",
            Resource: "arn:aws:sns:eu-west-1:123456789012:retrain-prod-vision-alerts",
          }),
        },
      },
    ],
    violations: [
      /\[wildcard-action\] TopicPolicy "open-topic": statement #0 of policy allows Action "sns:\*"/,
      /\[open-principal\] TopicPolicy "open-topic": statement #0 of policy grants access to any principal/,
    ],
  },
  {
    title: "a run log resource policy for EventBridge on one log group, its source account named",
    resources: [
      {
        type: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        name: "alerts-runs",
        props: {
          policyDocument: doc({
            Effect: "Allow",
            Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/events/retrain-prod-vision-runs:*",
            Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
          }),
        },
      },
    ],
    violations: [],
  },
  {
    // The confused deputy: any account's rule, bucket or alarm is that service principal.
    title: "service principals in resource policies without a source condition",
    resources: [
      {
        type: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        name: "route53-logs",
        props: {
          policyDocument: doc({
            Effect: "Allow",
            Principal: { Service: "route53.amazonaws.com" },
            Action: "logs:PutLogEvents",
            Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/route53/x:*",
          }),
        },
      },
      {
        type: "aws:sqs/queuePolicy:QueuePolicy",
        name: "from-s3",
        props: {
          policy: doc({
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: "arn:aws:sqs:eu-west-1:123456789012:q",
          }),
        },
      },
      {
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: "from-s3-bucket-only",
        props: {
          policy: doc({
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "sns:Publish",
            Resource: "arn:aws:sns:eu-west-1:123456789012:t",
            // A bucket ARN has no account: its name can be taken by anyone once deleted.
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::retrain-*" } },
          }),
        },
      },
    ],
    violations: [
      /\[service-without-source\] LogResourcePolicy "route53-logs": statement #0 of policyDocument grants the service principal "route53.amazonaws.com" without a Condition naming the source/,
      /\[service-without-source\] QueuePolicy "from-s3"/,
      /\[service-without-source\] TopicPolicy "from-s3-bucket-only"/,
    ],
  },
  {
    title: "a log resource policy with logs:* is read too",
    resources: [
      {
        type: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        name: "too-much",
        props: {
          policyDocument: doc({
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "logs:*",
            Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/events/x:*",
            Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
          }),
        },
      },
    ],
    violations: [
      /\[wildcard-action\] LogResourcePolicy "too-much": statement #0 of policyDocument allows Action "logs:\*"/,
    ],
  },

  // ── Conditions: only a positive test on a key naming a principal, source or resource narrows ──
  {
    // StringNotEquals holds when the key is absent and for every org but one (Condition operators).
    title: "a negated operator does not narrow an open principal (StringNotEquals, ArnNotLike)",
    resources: [
      {
        type: ROLE,
        name: "not-equals",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: {
              StringNotEquals: { "aws:PrincipalOrgID": "o-evil12345" },
              ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/*" },
            },
          }),
        },
      },
    ],
    violations: [/\[open-principal\] Role "not-equals"/],
  },
  {
    title: "ForAllValues: is true on an absent or empty set: it does not narrow",
    resources: [
      {
        type: ROLE,
        name: "for-all",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "sts:AssumeRole",
            Condition: { "ForAllValues:StringEquals": { "aws:PrincipalOrgPaths": ["o-abc123/r-ab12/"] } },
          }),
        },
      },
    ],
    violations: [/\[open-principal\] Role "for-all"/],
  },
  {
    title:
      "request properties and caller-set keys do not narrow a whole type (Bool, IpAddress, RequestedRegion, RequestTag)",
    resources: [
      policy(
        "request-keys",
        doc(
          {
            Effect: "Allow",
            Action: "ec2:StopInstances",
            Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
            Condition: {
              Bool: { "aws:SecureTransport": "true" },
              IpAddress: { "aws:SourceIp": "10.0.0.0/8" },
              StringEquals: { "aws:RequestedRegion": "eu-west-1", "aws:UserAgent": "retrain" },
            },
          },
          {
            Effect: "Allow",
            Action: "ec2:StopInstances",
            Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
            Condition: {
              StringEquals: { "aws:RequestTag/team": "vision", "ec2:RequestTag/team": "vision" },
              "ForAnyValue:StringEquals": { "aws:TagKeys": "team" },
            },
          },
        ),
      ),
    ],
    violations: [
      /statement #0 of policy allows ec2:StopInstances on every ec2 instance .* with no narrowing Condition/,
      /statement #1 of policy allows ec2:StopInstances on every ec2 instance .* with no narrowing Condition/,
    ],
  },
  {
    title:
      "wildcards in an account id or an ARN's account do not narrow (SourceAccount 1234*, SourceArn arn:aws:ssm:*:*:*)",
    resources: [
      {
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: "loose-source",
        props: {
          policy: doc(
            {
              Effect: "Allow",
              Principal: "*",
              Action: "sns:Publish",
              Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
              Condition: { StringLike: { "aws:SourceAccount": "1234*" } },
            },
            {
              Effect: "Allow",
              Principal: "*",
              Action: "sns:Publish",
              Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
              Condition: { ArnLike: { "aws:SourceArn": "arn:aws:ssm:*:*:*" } },
            },
            {
              // One value of a key matching everything makes the whole test match everything (OR).
              Effect: "Allow",
              Principal: "*",
              Action: "sns:Publish",
              Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
              Condition: { StringLike: { "aws:PrincipalOrgID": ["o-abc123", "*"] } },
            },
            {
              // ssm ARNs always have a region and an account: an empty one is no resource of ours.
              Effect: "Allow",
              Principal: "*",
              Action: "sns:Publish",
              Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
              Condition: { ArnLike: { "aws:SourceArn": "arn:aws:ssm:::*" } },
            },
          ),
        },
      },
    ],
    violations: [
      /statement #0 of policy grants access to any principal/,
      /statement #1 of policy grants access to any principal/,
      /statement #2 of policy grants access to any principal/,
      /statement #3 of policy grants access to any principal/,
    ],
  },
  {
    title:
      "the narrowing forms: SourceArn with fixed region and account, an S3 source ARN, an org path, PrincipalArn, a service resource tag",
    resources: [
      {
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: "narrowed",
        props: {
          policy: doc(
            {
              Effect: "Allow",
              Principal: "*",
              Action: "sns:Publish",
              Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
              Condition: { ArnLike: { "aws:SourceArn": "arn:aws:ssm:eu-west-1:123456789012:*" } },
            },
            {
              Effect: "Allow",
              Principal: "*",
              Action: "sns:Publish",
              Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
              // A bucket ARN has no account: AWS asks for aws:SourceAccount beside it.
              Condition: {
                ArnEquals: { "aws:SourceArn": "arn:aws:s3:::retrain-artifacts-prod" },
                StringEquals: { "aws:SourceAccount": "123456789012" },
              },
            },
            {
              Effect: "Allow",
              Principal: { AWS: "*" },
              Action: "sns:Publish",
              Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
              Condition: {
                "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-abc123/r-ab12/ou-ab12-11111111/*" },
              },
            },
            {
              Effect: "Allow",
              Principal: "*",
              Action: "sns:Publish",
              Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
              Condition: {
                ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/retrain-window" },
              },
            },
          ),
        },
      },
      policy(
        "fleet-tag",
        doc({
          Effect: "Allow",
          Action: "ssm:SendCommand",
          Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
          Condition: { StringEquals: { "ssm:resourceTag/retrain:fleet": "gpu" } },
        }),
      ),
    ],
    violations: [],
  },

  {
    title: "a condition value unknown during preview is judged when known, not refused",
    resources: [
      policy(
        "later-account",
        {
          Statement: [
            {
              Effect: "Allow",
              Principal: "*",
              Action: "sns:Publish",
              Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
              Condition: { StringEquals: { "aws:SourceAccount": UNKNOWN } },
            },
          ],
        },
        "aws:sns/topicPolicy:TopicPolicy",
      ),
    ],
    violations: [],
  },

  // ── ARNs: wildcards in an AWS-assigned ID, or in the service segment ──
  {
    // Every instance id starts with "i-" and every key id has "-": the fixed text is AWS's, not ours.
    title: "a wildcard in an AWS-assigned ID covers the whole type: instance/i-*, instance/i-0abc*, key/*-*",
    resources: [
      policy(
        "ids",
        doc(
          { Effect: "Allow", Action: "ec2:StopInstances", Resource: "arn:aws:ec2:*:*:instance/i-*" },
          {
            Effect: "Allow",
            Action: "ec2:StopInstances",
            Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc*",
          },
          { Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:*:*:key/*-*" },
        ),
      ),
    ],
    violations: [
      /ec2:StopInstances on every ec2 instance \("arn:aws:ec2:\*:\*:instance\/i-\*"\)/,
      /ec2:StopInstances on every ec2 instance \("arn:aws:ec2:eu-west-1:123456789012:instance\/i-0abc\*"\)/,
      /kms:Decrypt on every kms key \("arn:aws:kms:\*:\*:key\/\*-\*"\)/,
    ],
  },
  {
    title: "a named instance, a named key and every version of one named runbook stay scoped",
    resources: [
      policy(
        "named-ids",
        doc(
          {
            Effect: "Allow",
            Action: "ec2:StopInstances",
            Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc123def4567890",
          },
          {
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          },
          {
            Effect: "Allow",
            Action: "ssm:StartAutomationExecution",
            Resource: "arn:aws:ssm:eu-west-1:123456789012:automation-definition/AWS-StopEC2Instance:*",
          },
        ),
      ),
    ],
    violations: [],
  },
  {
    // IAM: the service segment cannot use wildcards to identify a product; we cannot tell which it is.
    title: "a wildcard in the service segment counts as everything: ec2*, e?2, iam*",
    resources: [
      policy(
        "service-wildcards",
        doc(
          {
            Effect: "Allow",
            Action: "ec2:StopInstances",
            Resource: [
              "arn:aws:ec2*:eu-west-1:123456789012:instance/i-0abc123def4567890",
              "arn:aws:e?2:eu-west-1:123456789012:instance/i-0abc123def4567890",
            ],
          },
          { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam*::123456789012:role/*" },
        ),
      ),
    ],
    violations: [
      /ec2:StopInstances on every resource \("arn:aws:ec2\*:/,
      /ec2:StopInstances on every resource \("arn:aws:e\?2:/,
      /iam:PassRole on every resource \("arn:aws:iam\*::123456789012:role\/\*"\)/,
    ],
  },

  // ── Web identity federation: the subject names who may assume the role ──
  {
    title: "a GitHub OIDC role without a sub condition: any repository on GitHub may assume it",
    resources: [
      {
        type: ROLE,
        name: "gha-any-repo",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: {
              Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
          }),
        },
      },
      {
        type: ROLE,
        name: "gha-wildcard-sub",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: {
              Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringLike: { "token.actions.githubusercontent.com:sub": "*" },
              StringNotEquals: {
                "token.actions.githubusercontent.com:sub": "repo:evil/x:ref:refs/heads/main",
              },
            },
          }),
        },
      },
      {
        // "repo:*" is every repository of every owner: the owner must be fixed.
        type: ROLE,
        name: "gha-any-owner",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: {
              Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringLike: { "token.actions.githubusercontent.com:sub": ["repo:acme/x:*", "repo:*"] },
            },
          }),
        },
      },
    ],
    violations: [
      /\[open-principal\] Role "gha-any-repo": statement #0 of assumeRolePolicy lets anyone with a token from token\.actions\.githubusercontent\.com assume the role: .*tests "token\.actions\.githubusercontent\.com:sub"/,
      /\[open-principal\] Role "gha-wildcard-sub": .*token\.actions\.githubusercontent\.com:sub/,
      /\[open-principal\] Role "gha-any-owner": .*token\.actions\.githubusercontent\.com:sub/,
    ],
  },
  {
    title:
      "Principal * narrowed by nothing that names the caller: a caller-set key, a tag or name any account can give, the role's own tag, wildcard endpoint or bucket",
    resources: [
      {
        type: ROLE,
        name: "caller-external-id",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": "s3cr3t" } },
          }),
        },
      },
      {
        type: ROLE,
        name: "caller-session-name",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:RoleSessionName": "retrain" } },
          }),
        },
      },
      {
        type: ROLE,
        name: "any-account-tag",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:PrincipalTag/team": "vision" } },
          }),
        },
      },
      {
        type: ROLE,
        name: "any-account-username",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:username": "ci" } },
          }),
        },
      },
      {
        type: ROLE,
        name: "own-resource-tag",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:ResourceTag/retrain:team": "vision" } },
          }),
        },
      },
      {
        type: ROLE,
        name: "any-endpoint",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { StringLike: { "aws:SourceVpce": "vpce-*" } },
          }),
        },
      },
      {
        type: ROLE,
        name: "any-bucket-source",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" } },
          }),
        },
      },
    ],
    violations: [
      /\[open-principal\] Role "caller-external-id": statement #0 of assumeRolePolicy lets any principal assume the role/,
      /\[open-principal\] Role "caller-session-name": statement #0 of assumeRolePolicy lets any principal assume the role/,
      /\[open-principal\] Role "any-account-tag": statement #0 of assumeRolePolicy lets any principal assume the role/,
      /\[open-principal\] Role "any-account-username": statement #0 of assumeRolePolicy lets any principal assume the role/,
      /\[open-principal\] Role "own-resource-tag": statement #0 of assumeRolePolicy lets any principal assume the role/,
      /\[open-principal\] Role "any-endpoint": statement #0 of assumeRolePolicy lets any principal assume the role/,
      /\[open-principal\] Role "any-bucket-source": statement #0 of assumeRolePolicy lets any principal assume the role/,
    ],
  },
  {
    title: "a GitHub subject without the repository (a customized claim any repository can set) is open",
    resources: [
      {
        type: ROLE,
        name: "gha-environment-only",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: {
              Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "environment:prod" } },
          }),
        },
      },
    ],
    violations: [
      /\[open-principal\] Role "gha-environment-only": .*token\.actions\.githubusercontent\.com:sub/,
    ],
  },
  {
    title:
      "a whole resource type is not narrowed by a test of the caller (account, endpoint) or of the resources' account",
    resources: [
      policy(
        "every-object-own-account",
        doc({
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::*/*",
          Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } },
        }),
      ),
      policy(
        "every-instance-via-endpoint",
        doc({
          Effect: "Allow",
          Action: "ssm:SendCommand",
          Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
          Condition: { StringEquals: { "aws:SourceVpce": "vpce-0123456789abcdef0" } },
        }),
      ),
      policy(
        "every-instance-own-account",
        doc({
          Effect: "Allow",
          Action: "ssm:SendCommand",
          Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
          Condition: { StringEquals: { "aws:ResourceAccount": "123456789012" } },
        }),
      ),
    ],
    violations: [
      /\[wildcard-resource\] Policy "every-object-own-account": statement #0 of policy allows s3:GetObject on every s3 object/,
      /\[wildcard-resource\] Policy "every-instance-via-endpoint": statement #0 of policy allows ssm:SendCommand on every ec2 instance/,
      /\[wildcard-resource\] Policy "every-instance-own-account": statement #0 of policy allows ssm:SendCommand on every ec2 instance/,
    ],
  },
  {
    title:
      "the policy inputs of a Secret, a RestApi and an OpenSearch Domain are read like their policy resources",
    resources: [
      {
        type: "aws:secretsmanager/secret:Secret",
        name: "shared-secret",
        props: {
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "secretsmanager:GetSecretValue",
            Resource: "*",
          }),
        },
      },
      {
        type: "aws:apigateway/restApi:RestApi",
        name: "open-api",
        props: {
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "execute-api:Invoke",
            Resource: "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/*",
          }),
        },
      },
      {
        type: "aws:opensearch/domain:Domain",
        name: "open-search",
        props: {
          accessPolicies: doc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "es:ESHttpGet",
            Resource: "arn:aws:es:eu-west-1:123456789012:domain/logs/*",
          }),
        },
      },
      { type: "aws:secretsmanager/secret:Secret", name: "no-policy", props: { name: "x" } },
    ],
    violations: [
      /\[open-principal\] Secret "shared-secret": statement #0 of policy grants access to any principal/,
      /\[open-principal\] RestApi "open-api": statement #0 of policy grants access to any principal/,
      /\[open-principal\] Domain "open-search": statement #0 of accessPolicies grants access to any principal/,
    ],
  },
  {
    title:
      "condition values that name no caller: a short or wildcard-region source ARN, one without its account, an org path without a fixed organization, an empty list",
    resources: [
      {
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: "short-source-arn",
        props: {
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "sns:Publish",
            Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:ssm" } },
          }),
        },
      },
      {
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: "any-region-source",
        props: {
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "sns:Publish",
            Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:ssm:*:123456789012:*" } },
          }),
        },
      },
      {
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: "no-account-source",
        props: {
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "sns:Publish",
            Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:eu-west-1::alerts" } },
          }),
        },
      },
      {
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: "any-org-path",
        props: {
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "sns:Publish",
            Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
            Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-*/r-ab12/*" } },
          }),
        },
      },
      {
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: "no-org-path",
        props: {
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "sns:Publish",
            Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
            Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "/r-ab12/*" } },
          }),
        },
      },
      {
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: "empty-account-list",
        props: {
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "sns:Publish",
            Resource: "arn:aws:sns:eu-west-1:123456789012:alerts",
            Condition: { StringEquals: { "aws:SourceAccount": [] } },
          }),
        },
      },
    ],
    violations: [
      /\[open-principal\] TopicPolicy "short-source-arn": statement #0 of policy grants access to any principal/,
      /\[open-principal\] TopicPolicy "any-region-source": statement #0 of policy grants access to any principal/,
      /\[open-principal\] TopicPolicy "no-account-source": statement #0 of policy grants access to any principal/,
      /\[open-principal\] TopicPolicy "any-org-path": statement #0 of policy grants access to any principal/,
      /\[open-principal\] TopicPolicy "no-org-path": statement #0 of policy grants access to any principal/,
      /\[open-principal\] TopicPolicy "empty-account-list": statement #0 of policy grants access to any principal/,
    ],
  },
  {
    title: "a GitHub subject with an empty owner, and a federated provider the pack does not know, are open",
    resources: [
      {
        type: ROLE,
        name: "gha-empty-owner",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: {
              Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:/x:*" } },
          }),
        },
      },
      {
        type: ROLE,
        name: "unknown-federation",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { Federated: "login.example.com" },
            Action: "sts:AssumeRoleWithWebIdentity",
          }),
        },
      },
    ],
    violations: [
      /\[open-principal\] Role "gha-empty-owner": .*token\.actions\.githubusercontent\.com:sub/,
      /\[open-principal\] Role "unknown-federation": statement #0 of assumeRolePolicy lets any principal assume the role/,
    ],
  },
  {
    title:
      "ARNs that match no resource of a type are not whole-type: an ec2 instance ARN with no account, an ssm ARN in ec2's instance form; unknown condition blocks and action elements are left out, a KMS key without a policy is fine",
    resources: [
      policy(
        "no-account-instances",
        doc({ Effect: "Allow", Action: "ssm:SendCommand", Resource: "arn:aws:ec2:eu-west-1::instance/*" }),
      ),
      policy(
        "ssm-instance-form",
        doc({
          Effect: "Allow",
          Action: "ssm:SendCommand",
          Resource: "arn:aws:ssm:eu-west-1:123456789012:instance/*",
        }),
      ),
      policy("later-condition", {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["ssm:SendCommand", UNKNOWN],
            Resource: "arn:aws:ssm:eu-west-1:123456789012:document/retrain-run",
            Condition: { StringEquals: UNKNOWN },
          },
        ],
      }),
      { type: "aws:kms/key:Key", name: "default-key-policy", props: { description: "artifacts" } },
      { type: "aws:kms/replicaKey:ReplicaKey", name: "replica-default", props: { description: "dr" } },
      { type: "aws:apigateway/restApi:RestApi", name: "private-api", props: { name: "runs" } },
      policy(
        "no-region-instances",
        doc({ Effect: "Allow", Action: "ssm:SendCommand", Resource: "arn:aws:ec2::123456789012:instance/*" }),
      ),
      policy(
        // A name prefix before a version wildcard names the runbooks: scoped.
        "start-runbooks-by-prefix",
        doc({
          Effect: "Allow",
          Action: "ssm:StartAutomationExecution",
          Resource: "arn:aws:ssm:eu-west-1:123456789012:automation-definition/retrain-start-*:1",
        }),
      ),
    ],
    violations: [],
  },
  {
    title: "a Cognito identity pool role without an aud or sub condition",
    resources: [
      {
        type: ROLE,
        name: "cognito-any-pool",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { Federated: "cognito-identity.amazonaws.com" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
            },
          }),
        },
      },
    ],
    violations: [
      /\[open-principal\] Role "cognito-any-pool": .*cognito-identity\.amazonaws\.com .*"cognito-identity\.amazonaws\.com:aud" or "cognito-identity\.amazonaws\.com:sub"/,
    ],
  },
  {
    title: "federation narrowed by subject (GitHub, EKS), by audience (Cognito), and a SAML provider",
    resources: [
      {
        type: ROLE,
        name: "gha-main",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: {
              Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
              StringLike: {
                "token.actions.githubusercontent.com:sub": [
                  "repo:acme/retrain-infra:ref:refs/heads/main",
                  "repo:acme/*",
                ],
              },
            },
          }),
        },
      },
      {
        type: ROLE,
        name: "eks-sa",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: {
              Federated:
                "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B7",
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B7:sub":
                  "system:serviceaccount:retrain:trainer",
              },
            },
          }),
        },
      },
      {
        type: ROLE,
        name: "cognito-pool",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { Federated: "cognito-identity.amazonaws.com" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                "cognito-identity.amazonaws.com:aud": "eu-west-1:12345678-abcd-abcd-abcd-123456789012",
              },
            },
          }),
        },
      },
      {
        type: ROLE,
        name: "saml",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { Federated: "arn:aws:iam::123456789012:saml-provider/corp-idp" },
            Action: "sts:AssumeRoleWithSAML",
          }),
        },
      },
    ],
    violations: [],
  },

  // ── AWS managed policies: their documents are not in the stack, so they need review ──
  {
    title: "AWS managed policies outside the admin list are refused until reviewed",
    resources: [
      {
        type: ROLE,
        name: "broad-managed",
        props: {
          assumeRolePolicy: ssmTrust,
          managedPolicyArns: [
            "arn:aws:iam::aws:policy/AmazonSSMFullAccess",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            // Customer managed: the document is checked where it is defined.
            "arn:aws:iam::123456789012:policy/retrain-window",
          ],
        },
      },
      {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name: "s3-full",
        props: { role: "r", policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" },
      },
    ],
    violations: [
      /\[unreviewed-managed-policy\] Role "broad-managed": managedPolicyArns\[0\] attaches the AWS managed policy AmazonSSMFullAccess .*whose document the pack cannot read.*allowedManagedPolicies/,
      /\[unreviewed-managed-policy\] Role "broad-managed": managedPolicyArns\[1\] attaches the AWS managed policy ReadOnlyAccess/,
      /\[unreviewed-managed-policy\] RolePolicyAttachment "s3-full": policyArn attaches the AWS managed policy AmazonS3FullAccess/,
    ],
  },
  {
    title: "a reviewed AWS managed policy in allowedManagedPolicies passes; an admin-like one never does",
    resources: [
      {
        type: ROLE,
        name: "reviewed",
        props: {
          assumeRolePolicy: ssmTrust,
          managedPolicyArns: [
            "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess",
            "arn:aws:iam::aws:policy/AdministratorAccess",
          ],
        },
      },
    ],
    config: {
      allowedManagedPolicies: [
        { name: "amazonssmreadonlyaccess", justification: "SEC-9: read-only, reviewed" },
        { name: "AdministratorAccess", justification: "not honoured: admin-like" },
      ],
    },
    violations: [/\[admin-managed-policy\] Role "reviewed": managedPolicyArns\[1\] .*AdministratorAccess/],
  },
  {
    title: "an SSO permission set's managed policy attachment is checked too",
    resources: [
      {
        type: "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
        name: "sso-admin",
        props: {
          instanceArn: "arn:aws:sso:::instance/ssoins-1234567890abcdef",
          permissionSetArn: "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef",
          managedPolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        },
      },
    ],
    violations: [
      /\[admin-managed-policy\] ManagedPolicyAttachment "sso-admin": managedPolicyArn attaches the AWS managed policy AdministratorAccess/,
    ],
  },

  // ── More resource types that carry documents ──
  {
    title:
      "documents on BucketV2, SecretPolicy, PermissionSetInlinePolicy, EventBusPolicy, DomainPolicy are read",
    resources: [
      policy(
        "bucket-v2",
        doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::data/*" }),
        "aws:s3/bucketV2:BucketV2",
      ),
      {
        type: "aws:secretsmanager/secretPolicy:SecretPolicy",
        name: "secret",
        props: {
          secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "secretsmanager:GetSecretValue",
            Resource: "*",
          }),
        },
      },
      {
        type: "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
        name: "sso-inline",
        props: { inlinePolicy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) },
      },
      policy(
        "bus",
        doc({
          Effect: "Allow",
          Principal: "*",
          Action: "events:PutEvents",
          Resource: "arn:aws:events:eu-west-1:123456789012:event-bus/default",
        }),
        "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
      ),
      {
        type: "aws:opensearch/domainPolicy:DomainPolicy",
        name: "search",
        props: {
          accessPolicies: doc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "es:*",
            Resource: "arn:aws:es:eu-west-1:123456789012:domain/retrain/*",
          }),
        },
      },
    ],
    violations: [
      /\[open-principal\] BucketV2 "bucket-v2"/,
      /\[open-principal\] SecretPolicy "secret"/,
      /\[wildcard-action\] PermissionSetInlinePolicy "sso-inline": statement #0 of inlinePolicy allows Action "\*"/,
      /\[open-principal\] EventBusPolicy "bus"/,
      /\[wildcard-action\] DomainPolicy "search": statement #0 of accessPolicies allows Action "es:\*"/,
      /\[open-principal\] DomainPolicy "search"/,
    ],
  },
  {
    title: "documents on EFS, Backup, API Gateway, access points and Glacier vaults are read",
    resources: [
      policy(
        "efs",
        doc({
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "elasticfilesystem:ClientMount",
          Resource: "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-12345678",
        }),
        "aws:efs/fileSystemPolicy:FileSystemPolicy",
      ),
      policy(
        "vault",
        doc({ Effect: "Allow", Principal: "*", Action: "backup:*", Resource: "*" }),
        "aws:backup/vaultPolicy:VaultPolicy",
      ),
      policy(
        "api",
        doc({ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" }),
        "aws:apigateway/restApiPolicy:RestApiPolicy",
      ),
      policy(
        "ap-policy",
        doc({
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:eu-west-1:123456789012:accesspoint/retrain/object/*",
        }),
        "aws:s3control/accessPointPolicy:AccessPointPolicy",
      ),
      policy(
        "ap",
        doc({
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:eu-west-1:123456789012:accesspoint/retrain/object/*",
        }),
        "aws:s3/accessPoint:AccessPoint",
      ),
      {
        type: "aws:glacier/vault:Vault",
        name: "glacier",
        props: {
          accessPolicy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "glacier:InitiateJob",
            Resource: "arn:aws:glacier:eu-west-1:123456789012:vaults/retrain",
          }),
        },
      },
    ],
    violations: [
      /\[open-principal\] FileSystemPolicy "efs"/,
      /\[wildcard-action\] VaultPolicy "vault"/,
      /\[open-principal\] VaultPolicy "vault"/,
      /\[open-principal\] RestApiPolicy "api"/,
      /\[open-principal\] AccessPointPolicy "ap-policy"/,
      /\[open-principal\] AccessPoint "ap"/,
      /\[open-principal\] Vault "glacier"/,
    ],
  },
  {
    title:
      "an event bus policy for one account and a secret policy for one role pass; no access point policy is no document",
    resources: [
      policy(
        "bus-org",
        doc({
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111122223333:root" },
          Action: "events:PutEvents",
          Resource: "arn:aws:events:eu-west-1:123456789012:event-bus/default",
        }),
        "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
      ),
      policy(
        "secret-role",
        doc({
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:role/retrain-trainer" },
          Action: "secretsmanager:GetSecretValue",
          Resource: "*",
        }),
        "aws:secretsmanager/secretPolicy:SecretPolicy",
      ),
      policy("ap-none", "", "aws:s3/accessPoint:AccessPoint"),
      { type: "aws:glacier/vault:Vault", name: "glacier-none", props: {} },
    ],
    violations: [],
  },
  {
    // Policy variables compare the request with itself; wildcards outside ARNs match other values.
    title: "conditions that hold for everyone: policy variables, partial wildcards, a bucket ARN alone",
    resources: [
      ...[
        { StringEquals: { "aws:PrincipalAccount": "${aws:PrincipalAccount}" } },
        { StringEquals: { "aws:PrincipalOrgID": "${aws:PrincipalOrgID}" } },
        { StringEquals: { "aws:SourceAccount": "${aws:SourceAccount}" } },
        { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:*" } },
        { ArnEquals: { "aws:SourceArn": "arn:aws:s3:::retrain-artifacts-prod" } },
      ].map((Condition, i) => ({
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: `self-${i}`,
        props: {
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "sns:Publish",
            Resource: "arn:aws:sns:eu-west-1:123456789012:t",
            Condition,
          }),
        },
      })),
      policy(
        "every-fleet",
        doc({
          Effect: "Allow",
          Action: "ssm:SendCommand",
          Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
          Condition: { StringLike: { "aws:ResourceTag/retrain:fleet": "retrain-*" } },
        }),
      ),
      {
        type: ROLE,
        name: "any-service-account",
        props: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: {
              Federated:
                "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B7",
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringLike: {
                "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B7:sub": "system:serviceaccount:*",
              },
            },
          }),
        },
      },
    ],
    violations: [
      ...[0, 1, 2, 3, 4].map((i) => new RegExp(`\\[open-principal\\] TopicPolicy "self-${i}"`)),
      /\[wildcard-resource\] Policy "every-fleet": .*ssm:SendCommand on every ec2 instance/,
      /\[open-principal\] Role "any-service-account"/,
    ],
  },
  {
    title:
      "Lambda permissions: a wildcard action, a service without a source, a bucket source alone, a public layer",
    resources: [
      {
        type: "aws:lambda/permission:Permission",
        name: "all-actions",
        props: {
          action: "lambda:*",
          function: "retrain-hook",
          principal: "events.amazonaws.com",
          sourceArn: "arn:aws:events:eu-west-1:123456789012:rule/retrain",
        },
      },
      {
        type: "aws:lambda/permission:Permission",
        name: "from-any-bucket",
        props: { action: "lambda:InvokeFunction", function: "retrain-hook", principal: "s3.amazonaws.com" },
      },
      {
        type: "aws:lambda/permission:Permission",
        name: "star-bucket-source",
        props: {
          action: "lambda:InvokeFunction",
          function: "retrain-hook",
          principal: "*",
          sourceArn: "arn:aws:s3:::retrain-artifacts-prod",
        },
      },
      {
        type: "aws:lambda/permission:Permission",
        name: "star-every-bucket",
        props: {
          action: "lambda:InvokeFunction",
          function: "retrain-hook",
          principal: "*",
          sourceArn: "arn:aws:s3:::*",
        },
      },
      {
        type: "aws:lambda/layerVersionPermission:LayerVersionPermission",
        name: "public-layer",
        props: {
          layerName: "x",
          versionNumber: 1,
          statementId: "s",
          action: "lambda:GetLayerVersion",
          principal: "*",
        },
      },
    ],
    violations: [
      /\[wildcard-action\] Permission "all-actions": action "lambda:\*" is a wildcard/,
      /\[service-without-source\] Permission "from-any-bucket": principal "s3\.amazonaws\.com" with no sourceAccount/,
      /\[open-principal\] Permission "star-bucket-source"/,
      /\[open-principal\] Permission "star-every-bucket"/,
      /\[open-principal\] LayerVersionPermission "public-layer": principal "\*" shares the layer version with every AWS account/,
    ],
  },
  {
    title: "Lambda permissions narrowed: a bucket source with its account, a layer for one organization",
    resources: [
      {
        type: "aws:lambda/permission:Permission",
        name: "from-our-bucket",
        props: {
          action: "lambda:InvokeFunction",
          function: "retrain-hook",
          principal: "s3.amazonaws.com",
          sourceArn: "arn:aws:s3:::retrain-artifacts-prod",
          sourceAccount: "123456789012",
        },
      },
      {
        type: "aws:lambda/layerVersionPermission:LayerVersionPermission",
        name: "org-layer",
        props: {
          layerName: "x",
          versionNumber: 1,
          statementId: "s",
          action: "lambda:GetLayerVersion",
          principal: "*",
          organizationId: "o-abc123",
        },
      },
    ],
    violations: [],
  },
  {
    title: "resource-based policies the provider carries on their own resources are read too",
    resources: [
      policy(
        "fn-policy",
        doc({
          Effect: "Allow",
          Principal: "*",
          Action: "lambda:*",
          Resource: "arn:aws:lambda:eu-west-1:123456789012:function:f",
        }),
        "aws:lambda/resourcePolicy:ResourcePolicy",
      ),
      policy(
        "table-policy",
        doc({
          Effect: "Allow",
          Principal: "*",
          Action: "dynamodb:GetItem",
          Resource: "arn:aws:dynamodb:eu-west-1:123456789012:table/t",
        }),
        "aws:dynamodb/resourcePolicy:ResourcePolicy",
      ),
      {
        type: "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive",
        name: "admins",
        props: { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
      },
    ],
    violations: [
      /\[wildcard-action\] ResourcePolicy "fn-policy": statement #0 of policy allows Action "lambda:\*"/,
      /\[open-principal\] ResourcePolicy "fn-policy"/,
      /\[open-principal\] ResourcePolicy "table-policy"/,
      /\[admin-managed-policy\] ManagedPolicyAttachmentsExclusive "admins": managedPolicyArns\[0\] attaches the AWS managed policy AdministratorAccess/,
    ],
  },
  {
    title: "a Lambda permission for principal * without a source is open to everyone",
    resources: [
      {
        type: "aws:lambda/permission:Permission",
        name: "public-invoke",
        props: { action: "lambda:InvokeFunction", function: "retrain-hook", principal: "*" },
      },
    ],
    config: {
      allowlist: [{ action: "lambda:InvokeFunction", justification: "does not exempt an open principal" }],
    },
    violations: [
      /\[open-principal\] Permission "public-invoke": principal "\*" lets any principal invoke the function/,
    ],
  },
  {
    title: "Lambda permissions narrowed by a named service, sourceArn, sourceAccount or principalOrgId",
    resources: [
      {
        type: "aws:lambda/permission:Permission",
        name: "from-events",
        props: {
          action: "lambda:InvokeFunction",
          function: "retrain-hook",
          principal: "events.amazonaws.com",
          sourceArn: "arn:aws:events:eu-west-1:123456789012:rule/retrain",
        },
      },
      {
        type: "aws:lambda/permission:Permission",
        name: "star-with-source",
        props: {
          action: "lambda:InvokeFunction",
          function: "retrain-hook",
          principal: "*",
          sourceArn: "arn:aws:events:eu-west-1:123456789012:rule/retrain",
        },
      },
      {
        type: "aws:lambda/permission:Permission",
        name: "star-with-org",
        props: {
          action: "lambda:InvokeFunction",
          function: "retrain-hook",
          principal: "*",
          principalOrgId: "o-abc123",
        },
      },
      {
        type: "aws:lambda/permission:Permission",
        name: "star-source-later",
        props: {
          action: "lambda:InvokeFunction",
          function: "retrain-hook",
          principal: "*",
          sourceAccount: UNKNOWN,
        },
      },
    ],
    violations: [],
  },

  // ── Allowlist URNs: * stays within one URN segment ──
  {
    // The name embeds "::" to pose as another project's resource: the stack `*` must not swallow it.
    title: "a resource name containing :: cannot forge an allowlisted URN",
    resources: [
      policy(
        "x::other::aws:iam/policy:Policy::legacy",
        doc({ Effect: "Allow", Action: "ssm:SendCommand", Resource: "*" }),
      ),
    ],
    config: {
      allowlist: [
        {
          urn: "urn:pulumi:*::retrain-example::aws:iam/policy:Policy::legacy",
          action: "ssm:SendCommand",
          justification: "SEC-7",
        },
      ],
    },
    violations: [/\[wildcard-resource\] Policy "x::other::aws:iam\/policy:Policy::legacy"/],
  },

  // ── Statements AWS rejects or reads differently ──
  {
    title: "unknown statement keys fail closed (keys are case-sensitive: notresource, Actions)",
    resources: [
      policy("lower", doc({ Effect: "Allow", Action: "s3:GetObject", notresource: "arn:aws:s3:::secret/*" })),
      policy("plural", doc({ Effect: "Allow", Actions: "s3:GetObject", Resource: "arn:aws:s3:::a/b" })),
    ],
    violations: [
      /\[unparseable-document\] Policy "lower": .*statement #0: has unknown key "notresource"/,
      /\[unparseable-document\] Policy "plural": .*statement #0: has unknown key "Actions"/,
    ],
  },
  {
    title: "a lower-case principal in a bucket policy fails closed",
    resources: [
      policy(
        "lower-principal",
        doc({
          Effect: "Allow",
          principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::artifacts/*",
        }),
        "aws:s3/bucketPolicy:BucketPolicy",
      ),
    ],
    violations: [/\[unparseable-document\] BucketPolicy "lower-principal": .*has unknown key "principal"/],
  },
  {
    title: "missing Resource (identity, resource) or Principal (trust, resource, KMS key) fails closed",
    resources: [
      policy("no-resource", doc({ Effect: "Allow", Action: "s3:GetObject" })),
      policy(
        "bucket-no-principal",
        doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::artifacts/*" }),
        "aws:s3/bucketPolicy:BucketPolicy",
      ),
      policy(
        "key-no-principal",
        doc({ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }),
        "aws:kms/key:Key",
      ),
      {
        type: ROLE,
        name: "trust-no-principal",
        props: { assumeRolePolicy: doc({ Effect: "Allow", Action: "sts:AssumeRole" }) },
      },
    ],
    violations: [
      /\[unparseable-document\] Policy "no-resource": .*has neither "Resource" nor "NotResource"/,
      /\[unparseable-document\] BucketPolicy "bucket-no-principal": .*has neither "Principal" nor "NotPrincipal"/,
      /\[unparseable-document\] Key "key-no-principal": .*has neither "Principal" nor "NotPrincipal"/,
      /\[unparseable-document\] Role "trust-no-principal": .*has neither "Principal" nor "NotPrincipal"/,
    ],
  },
];
