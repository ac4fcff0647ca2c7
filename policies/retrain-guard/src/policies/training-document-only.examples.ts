import { renderTrainingDocument } from "@retrain/components/training-document";
import { UNKNOWN } from "@retrain/config/unknown";
import type { ExampleResource, PolicyExample } from "../examples.js";

const ROLE = "arn:aws:iam::123456789012:role/retrain-prod-team-vision";
const CONTENT = renderTrainingDocument({ team: "vision", environment: "prod", teamRoleArn: ROLE });

const doc = (name = "retrain-prod-vision-train", content: unknown = CONTENT): ExampleResource => ({
  type: "aws:ssm/document:Document",
  name: "train",
  props: { name, documentType: "Command", content },
});
const runCommand = (
  taskArn: unknown,
  documentVersion: unknown = "1",
  extra: Partial<ExampleResource> = {},
) => ({
  type: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
  name: "retrain",
  props: {
    taskType: "RUN_COMMAND",
    taskArn,
    taskInvocationParameters: {
      runCommandParameters: documentVersion === undefined ? {} : { documentVersion },
    },
  },
  ...extra,
});
const automation = (taskArn: string): ExampleResource => ({
  type: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
  name: "start",
  props: { taskType: "AUTOMATION", taskArn, taskInvocationParameters: { automationParameters: {} } },
});
/** `documentVersion: null` leaves the property out. */
const association = (name: unknown, documentVersion: unknown = "1"): ExampleResource => ({
  type: "aws:ssm/association:Association",
  name: "nightly",
  props: documentVersion === null ? { name } : { name, documentVersion },
});

export const examples: PolicyExample[] = [
  {
    title: "the team's verified document, run by a task and an association at a pinned version",
    resources: [
      doc(),
      runCommand("retrain-prod-vision-train"),
      association("retrain-prod-vision-train", "3"),
      automation("AWS-StartEC2Instance"),
      automation("AWS-StopEC2Instance"),
    ],
    violations: [],
  },
  {
    // A stack policy runs after the update at `up`: unknown parameters fail closed, as absent ones.
    title: "preview: the whole invocation parameters unknown fail closed (a stack policy)",
    resources: [
      doc(),
      {
        ...runCommand("retrain-prod-vision-train"),
        props: {
          ...runCommand("x").props,
          taskArn: "retrain-prod-vision-train",
          taskInvocationParameters: UNKNOWN,
        },
      },
    ],
    violations: [
      /MaintenanceWindowTask "retrain": taskInvocationParameters\.runCommandParameters\.documentVersion is not set/,
    ],
  },
  {
    // A document's latestVersion is computed: unknown in the preview of a create or an edit.
    title: "preview: the version unknown, the name known (the document's name is an input)",
    resources: [
      doc(),
      runCommand("retrain-prod-vision-train", UNKNOWN),
      association("retrain-prod-vision-train", UNKNOWN),
    ],
    violations: [],
  },
  {
    // `doc.arn.apply(() => "AWS-RunShellScript")` depends on the verified document too.
    title: "preview: a name unknown fails closed, even computed from the verified document",
    resources: [
      doc(),
      runCommand(UNKNOWN, UNKNOWN, { propertyDependencies: { taskArn: ["train"] } }),
      { ...association(UNKNOWN, UNKNOWN), propertyDependencies: { name: ["train"] } },
    ],
    violations: [
      /MaintenanceWindowTask "retrain": taskArn is unknown during preview, so the pack cannot tell which document it runs/,
      /Association "nightly": name is unknown during preview/,
    ],
  },
  {
    title: "preview: a task type unknown fails closed",
    resources: [
      doc(),
      {
        ...runCommand("AWS-RunShellScript"),
        props: { ...runCommand("AWS-RunShellScript").props, taskType: UNKNOWN },
      },
    ],
    violations: [/MaintenanceWindowTask "retrain": taskType is unknown during preview/],
  },
  {
    // SSM runs a shared document of another account by its ARN, under the same name.
    title: "the document given by ARN, of this account or another",
    resources: [
      doc(),
      runCommand("arn:aws:ssm:eu-west-1:123456789012:document/retrain-prod-vision-train"),
      association("arn:aws:ssm:eu-west-1:999999999999:document/retrain-prod-vision-train"),
    ],
    violations: [
      /MaintenanceWindowTask "retrain": taskArn is the ARN "arn:aws:ssm:eu-west-1:123456789012:document\/retrain-prod-vision-train": a document ARN can run another account's shared document/,
      /Association "nightly": name is the ARN "arn:aws:ssm:eu-west-1:999999999999:document\/retrain-prod-vision-train"/,
    ],
  },
  {
    title: "a task running AWS-RunShellScript",
    resources: [doc(), runCommand("AWS-RunShellScript")],
    violations: [
      /MaintenanceWindowTask "retrain": taskArn runs "AWS-RunShellScript", which is not a verified training document of this stack \(expected "retrain-prod-vision-train"\)/,
    ],
  },
  {
    title: "an edited script: the document and the task running it",
    resources: [
      doc(undefined, CONTENT.replace("flock -n 9", "true")),
      runCommand("retrain-prod-vision-train"),
    ],
    violations: [
      /Document "train": content differs from the training document of team vision \(prod\)/,
      /taskArn runs "retrain-prod-vision-train", which is not a verified training document/,
    ],
  },
  {
    title: "a document that is not a training document at all",
    resources: [
      doc("retrain-prod-vision-shell", JSON.stringify({ schemaVersion: "2.2", mainSteps: [] })),
      association("retrain-prod-vision-shell"),
    ],
    violations: [
      /Document "train": content has no aws:runShellScript step/,
      /Association "nightly": name runs/,
    ],
  },
  {
    title: "another team's document name",
    resources: [doc(), association("retrain-prod-nlp-train")],
    violations: [/name runs "retrain-prod-nlp-train", which is not a verified training document/],
  },
  {
    title: "a training document under another name",
    resources: [doc("retrain-prod-vision-other")],
    violations: [
      /named "retrain-prod-vision-other", but its content is the training document of team vision \(prod\), which must be named "retrain-prod-vision-train"/,
    ],
  },
  {
    title:
      "a document whose content is unknown during preview is not judged, and a task running it fails closed",
    resources: [doc(undefined, UNKNOWN), runCommand("retrain-prod-vision-train")],
    violations: [
      /MaintenanceWindowTask "retrain": taskArn runs "retrain-prod-vision-train", which is not a verified training document of this stack \(expected a TrainingCommandDocument of this stack/,
    ],
  },
  {
    title: "a training document whose documentType is not Command, and the task running it",
    resources: [
      { ...doc(), props: { ...doc().props, documentType: "Automation" } },
      runCommand("retrain-prod-vision-train"),
    ],
    violations: [
      /Document "train": documentType is "Automation"/,
      /taskArn runs "retrain-prod-vision-train", which is not a verified training document of this stack/,
    ],
  },
  {
    title: "$DEFAULT, $LATEST and no version",
    resources: [
      doc(),
      runCommand("retrain-prod-vision-train", "$DEFAULT"),
      association("retrain-prod-vision-train", "$LATEST"),
      association("retrain-prod-vision-train", null),
    ],
    violations: [
      /documentVersion is "\$DEFAULT", not a version number/,
      /documentVersion is "\$LATEST", not a version number; State Manager would run every document edit at once/,
      /documentVersion is not set, so it runs the default version/,
    ],
  },
  {
    title: "an unknown document name that does not come from the verified document fails closed",
    resources: [doc(), runCommand(UNKNOWN)],
    violations: [/taskArn is unknown during preview/],
  },
  {
    title: "an automation task running another runbook, and a Lambda task",
    resources: [
      doc(),
      automation("AWS-RunShellScript"),
      {
        ...automation("arn:aws:lambda:eu-west-1:123456789012:function:x"),
        props: { taskType: "LAMBDA", taskArn: "x" },
      },
    ],
    violations: [
      /AUTOMATION task runs "AWS-RunShellScript"; only AWS-StartEC2Instance and AWS-StopEC2Instance are allowed/,
      /taskType is "LAMBDA"/,
    ],
  },
  {
    title: "no training document in the stack",
    resources: [runCommand("retrain-prod-vision-train")],
    violations: [/expected a TrainingCommandDocument of this stack, named retrain-<env>-<team>-train/],
  },
  {
    title: "an EventBridge Run Command target, an SSM document target and a Scheduler sendCommand",
    resources: [
      doc(),
      {
        type: "aws:cloudwatch/eventTarget:EventTarget",
        name: "shell-on-fleet",
        props: {
          rule: "r",
          arn: "arn:aws:ssm:eu-west-1::document/AWS-RunShellScript",
          runCommandTargets: [{ key: "tag:retrain:fleet", values: ["retrain-prod"] }],
        },
      },
      {
        type: "aws:cloudwatch/eventTarget:EventTarget",
        name: "automation",
        props: { rule: "r", arn: "arn:aws:ssm:eu-west-1:123456789012:automation-definition/Mine:$DEFAULT" },
      },
      {
        type: "aws:scheduler/schedule:Schedule",
        name: "send",
        props: {
          target: {
            arn: "arn:aws:scheduler:::aws-sdk:ssm:sendCommand",
            roleArn: "arn:aws:iam::123456789012:role/x",
          },
        },
      },
    ],
    violations: [
      /EventTarget "shell-on-fleet": runCommandTargets run an SSM document from an EventBridge rule/,
      /EventTarget "automation": the target "arn:aws:ssm:eu-west-1:123456789012:automation-definition\/Mine:\$DEFAULT" runs an SSM document/,
      /Schedule "send": the target "arn:aws:scheduler:::aws-sdk:ssm:sendCommand" makes EventBridge Scheduler start SSM work/,
    ],
  },
  {
    title: "EventBridge targets that run nothing on the fleet: a topic, a log group, one unknown in preview",
    resources: [
      doc(),
      {
        type: "aws:cloudwatch/eventTarget:EventTarget",
        name: "alerts",
        props: { rule: "r", arn: "arn:aws:sns:eu-west-1:123456789012:t" },
      },
      {
        type: "aws:cloudwatch/eventTarget:EventTarget",
        name: "runs",
        props: { rule: "r", arn: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/events/x" },
      },
      { type: "aws:cloudwatch/eventTarget:EventTarget", name: "later", props: { rule: "r", arn: UNKNOWN } },
      {
        type: "aws:scheduler/schedule:Schedule",
        name: "metric",
        props: { target: { arn: "arn:aws:scheduler:::aws-sdk:cloudwatch:putMetricData" } },
      },
    ],
    violations: [],
  },
];
