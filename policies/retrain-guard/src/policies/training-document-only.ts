/**
 * What runs on the fleet is the project's training document and nothing else: every SSM Command
 * document of the stack is verified against the renderer of `@retrain/components/training-document`
 * (same script, parameters and patterns for the team, environment and role it names), every
 * RUN_COMMAND task and association runs one of those verified documents of this stack (name
 * `retrain-<env>-<team>-train`, by name: an ARN can name another account's shared document of that
 * name) at a pinned version, and automation tasks run only the start/stop runbooks. A task type or
 * document name unknown during preview fails closed: a value computed from the verified document's
 * outputs can still be any document, and Pulumi runs stack policies at `up` only after the update.
 */
import {
  type TrainingDocumentSpec,
  trainingDocumentName,
  verifyTrainingDocument,
} from "@retrain/components/training-document";
import { z } from "zod";
import { defineStackPolicy, type StackResource, type Violation } from "../policy-kit.js";
import { at, isUnknown, knownAt, list, reveal, str } from "../values.js";
import { ASSOCIATION_TYPE, TASK_TYPE } from "../windows/model.js";

export const DOCUMENT_TYPE = "aws:ssm/document:Document";

export const EVENT_TARGET_TYPE = "aws:cloudwatch/eventTarget:EventTarget";
export const SCHEDULE_TYPE = "aws:scheduler/schedule:Schedule";
/** An SSM document or runbook as an EventBridge target (Run Command or Automation). */
const SSM_DOCUMENT_ARN = /^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:(document|automation-definition)\//i;
/**
 * Scheduler's universal targets that make SSM run something on instances
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html):
 * `arn:aws:scheduler:::aws-sdk:ssm:<apiAction>`.
 */
const SCHEDULER_SSM_RUN =
  /^arn:aws[a-z-]*:scheduler:::aws-sdk:ssm:(sendCommand|startAutomationExecution|startAssociationsOnce|startChangeRequestExecution|createAssociation|createAssociationBatch|updateAssociation|registerTaskWithMaintenanceWindow|updateMaintenanceWindowTask)$/i;

/** The Pulumi project of the per-team scheduling stacks (stack name = team). */
const SCHEDULING_PROJECT = "retrain-scheduling";

/** AWS-owned runbooks a window may run as AUTOMATION tasks (the pool's start before, stop after). */
export const ALLOWED_RUNBOOKS: readonly string[] = ["AWS-StartEC2Instance", "AWS-StopEC2Instance"];

/** The document name in a task ARN or association name (`arn:…:document/<name>` or the name). */
function documentNameOf(value: string): string {
  return /^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:document\/(.+)$/.exec(value)?.[1] ?? value;
}

/**
 * SSM runs a document given by name from the caller's own account; an ARN is how a document shared
 * from another account is run ("For SSM documents that are shared with you from other AWS accounts,
 * you must specify the complete SSM document ARN", CreateAssociation Name,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateAssociation.html). The
 * pack does not know the stack's account, so only the name form is the stack's own document.
 */
const isArn = (value: string) => /^arn:/i.test(value);

/** A known version pin is a version number; `$DEFAULT`, `$LATEST` or nothing follow every edit. */
function pinProblem(version: unknown): string | undefined {
  const v = reveal(version);
  if (isUnknown(v)) return undefined;
  if (typeof v === "string" && /^[1-9][0-9]*$/.test(v)) return undefined;
  return v === undefined
    ? "documentVersion is not set, so it runs the default version"
    : `documentVersion is ${JSON.stringify(v)}, not a version number`;
}

export const trainingDocumentOnly = defineStackPolicy({
  name: "training-document-only",
  description:
    "Maintenance window tasks and associations run only the project's training document (verified content, `retrain-<env>-<team>-` name, pinned version); automation tasks only the start/stop runbooks; no EventBridge target or Scheduler schedule runs SSM work.",
  remediation:
    "Create the document with TrainingCommandDocument (@retrain/components) and pass its documentName and documentVersion to the tasks and associations; never edit its content or run another document.",
  enforcementLevel: "mandatory",
  config: z.strictObject({}),
  check(resources): Violation[] {
    const out: Violation[] = [];
    const verified = new Map<string, TrainingDocumentSpec>();
    for (const doc of resources.filter((r) => r.type === DOCUMENT_TYPE)) {
      const content = reveal(doc.props.content);
      if (isUnknown(content)) continue;
      const v = verifyTrainingDocument(content);
      if (!v.ok) {
        out.push({
          urn: doc.urn,
          message: `Document "${doc.name}": ${v.problem}, so it is not the project's training document. Fix: render it with TrainingCommandDocument, unedited.`,
        });
        continue;
      }
      const expected = trainingDocumentName(v.spec.environment, v.spec.team);
      const name = str(doc.props.name);
      if (name !== undefined && name !== expected) {
        out.push({
          urn: doc.urn,
          message: `Document "${doc.name}": named "${name}", but its content is the training document of team ${v.spec.team} (${v.spec.environment}), which must be named "${expected}". Fix: use that name.`,
        });
        continue;
      }
      // A team's scheduling stack is named after the team: it may hold only that team's document.
      const [, stack, project] = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(doc.urn) ?? [];
      if (project === SCHEDULING_PROJECT && stack !== v.spec.team) {
        out.push({
          urn: doc.urn,
          message: `Document "${doc.name}": the training document of team ${v.spec.team} in the scheduling stack of team ${stack}. Fix: a team's stack holds only its own document.`,
        });
        continue;
      }
      const type = str(doc.props.documentType);
      if (type !== undefined && type !== "Command") {
        out.push({
          urn: doc.urn,
          message: `Document "${doc.name}": documentType is "${type}". Fix: the training document is a Command document.`,
        });
        continue;
      }
      verified.set(expected, v.spec);
    }
    const want =
      verified.size > 0
        ? [...verified.keys()].map((n) => `"${n}"`).join(" or ")
        : "a TrainingCommandDocument of this stack, named retrain-<env>-<team>-train";

    /** Why `resource` (through property `prop`) does not run a verified training document, if it does not. */
    const runsVerified = (resource: StackResource, prop: string): string | undefined => {
      const raw = reveal(resource.props[prop]);
      if (raw === undefined) return `${prop} is not set`;
      // A dependency on the verified document proves nothing: `doc.arn.apply(() => "AWS-RunShellScript")`
      // has one too. Our programs pass the document's name, an input, known in preview.
      if (isUnknown(raw))
        return `${prop} is unknown during preview, so the pack cannot tell which document it runs (a value computed from another resource's outputs can name any document)`;
      if (typeof raw !== "string") return `${prop} is not a document name`;
      if (isArn(raw))
        return `${prop} is the ARN "${raw}": a document ARN can run another account's shared document of the same name, so only the name of this stack's document is accepted`;
      const name = documentNameOf(raw);
      if (verified.has(name)) return undefined;
      return `${prop} runs "${name}", which is not a verified training document of this stack (expected ${want})`;
    };

    for (const task of resources.filter((r) => r.type === TASK_TYPE)) {
      if (isUnknown(reveal(task.props.taskType))) {
        out.push({
          urn: task.urn,
          message: `MaintenanceWindowTask "${task.name}": taskType is unknown during preview, so the pack cannot tell what the task runs. Fix: set taskType to "RUN_COMMAND" (the training document) or "AUTOMATION" (the start/stop runbooks) as a literal.`,
        });
        continue;
      }
      const taskType = str(task.props.taskType);
      if (taskType === "AUTOMATION") {
        const arn = str(task.props.taskArn);
        if (arn !== undefined && !ALLOWED_RUNBOOKS.includes(documentNameOf(arn)))
          out.push({
            urn: task.urn,
            message: `MaintenanceWindowTask "${task.name}": AUTOMATION task runs "${arn}"; only ${ALLOWED_RUNBOOKS.join(" and ")} are allowed. Fix: run the team's work as a RUN_COMMAND task of the training document.`,
          });
        continue;
      }
      if (taskType !== "RUN_COMMAND") {
        if (taskType !== undefined)
          out.push({
            urn: task.urn,
            message: `MaintenanceWindowTask "${task.name}": taskType is "${taskType}"; only RUN_COMMAND (the training document) and the start/stop AUTOMATION runbooks are allowed. Fix: use a RUN_COMMAND task.`,
          });
        continue;
      }
      const problem = runsVerified(task, "taskArn");
      if (problem)
        out.push({
          urn: task.urn,
          message: `MaintenanceWindowTask "${task.name}": ${problem}. Fix: pass TrainingCommandDocument.documentName as taskArn.`,
        });
      const pin = pinProblem(
        // A stack policy: unknown invocation parameters fail closed (knownAt), as absent ones.
        knownAt(task.props, "taskInvocationParameters", "runCommandParameters", "documentVersion"),
      );
      if (pin)
        out.push({
          urn: task.urn,
          message: `MaintenanceWindowTask "${task.name}": taskInvocationParameters.runCommandParameters.${pin}; a document edit would change what runs without a diff here. Fix: pass TrainingCommandDocument.documentVersion.`,
        });
    }
    for (const association of resources.filter((r) => r.type === ASSOCIATION_TYPE)) {
      const problem = runsVerified(association, "name");
      if (problem)
        out.push({
          urn: association.urn,
          message: `Association "${association.name}": ${problem}. Fix: pass TrainingCommandDocument.documentName as name.`,
        });
      const pin = pinProblem(association.props.documentVersion);
      if (pin)
        out.push({
          urn: association.urn,
          message: `Association "${association.name}": ${pin}; State Manager would run every document edit at once. Fix: pass TrainingCommandDocument.documentVersion.`,
        });
    }
    // Other ways onto the fleet: an EventBridge rule's Run Command or SSM target, a Scheduler
    // schedule calling SSM. Either would run a document no window or association of the stack shows.
    for (const target of resources.filter((r) => r.type === EVENT_TARGET_TYPE)) {
      const arn = str(target.props.arn);
      const runsCommand = list(target.props.runCommandTargets).length > 0;
      if (runsCommand || (arn !== undefined && SSM_DOCUMENT_ARN.test(arn)))
        out.push({
          urn: target.urn,
          message: `EventTarget "${target.name}": ${runsCommand ? "runCommandTargets run" : `the target "${arn}" runs`} an SSM document from an EventBridge rule, outside every maintenance window and association the pack checks. Fix: run the work as a task of a RetrainingWindow (or a RetrainingAssociation) of the training document.`,
        });
    }
    for (const schedule of resources.filter((r) => r.type === SCHEDULE_TYPE)) {
      const arn = str(at(schedule.props, "target", "arn"));
      if (arn !== undefined && SCHEDULER_SSM_RUN.test(arn))
        out.push({
          urn: schedule.urn,
          message: `Schedule "${schedule.name}": the target "${arn}" makes EventBridge Scheduler start SSM work outside every maintenance window and association the pack checks. Fix: schedule it as a RetrainingWindow of the training document.`,
        });
    }
    return out;
  },
});
