/**
 * Exemptions the project itself needs, reviewed by security like any change under policies/
 * (CODEOWNERS). They apply on top of the `allowlist` of the pack config, which teams set per run.
 * `urn` may use `*` for any run of characters within one `::`-separated URN segment (e.g. every stack
 * of a project; a `*` never spans "::", so a resource name cannot forge the rest of a URN).
 * `resource` binds an entry to the Resource entry the finding is about (`*` within one ARN segment):
 * the action stays refused on any other resource of the same policy, "*" included.
 */
import type { ProjectExemption } from "./policies/no-wildcard-iam.js";

/** The executions AWS creates for StartAutomationExecution: any partition, region and account. */
const AUTOMATION_EXECUTIONS = "arn:*:ssm:*:*:automation-execution/*";

export const PROJECT_EXEMPTIONS: readonly ProjectExemption[] = [
  {
    urn: "urn:pulumi:*::retrain-iam::retrain:iam:MaintenanceWindowServiceRole$aws:iam/rolePolicy:RolePolicy::*",
    action: "ssm:StartAutomationExecution",
    resource: AUTOMATION_EXECUTIONS,
    justification:
      "Start/stop automations: the statement names the two AWS-StartEC2Instance/AWS-StopEC2Instance definitions; automation-execution/* is the execution the call itself creates, whose id AWS assigns at start and which cannot be named beforehand.",
  },
  {
    urn: "urn:pulumi:*::retrain-iam::retrain:iam:MaintenanceWindowServiceRole$aws:iam/rolePolicy:RolePolicy::*",
    action: "ssm:GetAutomationExecution",
    resource: AUTOMATION_EXECUTIONS,
    justification:
      "Read-only status of the start/stop automations the window starts; execution ids are assigned by AWS at start, so automation-execution/* cannot be narrowed by name, and executions carry no tags to condition on.",
  },
  {
    urn: "urn:pulumi:*::retrain-iam::retrain:iam:RunLogDeliveryPolicy$aws:cloudwatch/logResourcePolicy:LogResourcePolicy::*",
    rule: "service-without-source",
    justification:
      "EventBridge writing the teams' run events into their run logs, in the form AWS documents (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions: no Condition). A rule delivers only to log groups of its own account, and the Resource names this account's `/aws/events/retrain-<env>-*-runs` groups; a source condition AWS does not document for this delivery risks run events that never arrive, which the missed-run alarms count.",
  },
  ...[
    "ssm:UpdateInstanceInformation",
    "ssm:ListInstanceAssociations",
    "ssm:DescribeAssociation",
    "ssm:UpdateInstanceAssociationStatus",
    "ssm:PutComplianceItems",
  ].map((action) => ({
    urn: "urn:pulumi:*::retrain-iam::retrain:iam:TrainingInstanceRole$aws:iam/rolePolicy:RolePolicy::*",
    action,
    justification:
      'The SSM agent reporting its own managed node and associations, in the form AWS grants it (AmazonSSMManagedInstanceCore, Resource "*"): the agent names only its own instance and the associations SSM hands it, and AWS documents no narrower resource or condition for these calls, so a narrower form risks an agent that never registers.',
  })),
];
