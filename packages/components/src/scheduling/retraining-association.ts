import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resourceName, TAG_KEYS, type WindowConfig } from "@retrain/config";
import { documentParameterMap } from "./training-document-content.js";

export interface RetrainingAssociationArgs {
  team: string;
  environment: string;
  /** The window config in `association` mode: schedule (rate ≥ 30 min or cron, UTC) and one task. */
  window: WindowConfig;
  /** The team's Command document (TrainingCommandDocument). */
  documentName: pulumi.Input<string>;
  /** The document version the association runs, pinned (TrainingCommandDocument.documentVersion), never `$DEFAULT`. */
  documentVersion: pulumi.Input<string>;
  /** The pool's tag (fleet output `targetTag`). */
  poolTag: pulumi.Input<{ key: string; value: string }>;
  fleetTagValue: string;
  /** Bucket receiving command output under `runs/<team>/<window>/`. */
  artifactBucket: pulumi.Input<string>;
}

/**
 * The State Manager alternative to a window: an association running the team's document on the
 * pool's tagged instances on a schedule, reporting compliance with the configured severity.
 */
export class RetrainingAssociation extends pulumi.ComponentResource {
  readonly associationId: pulumi.Output<string>;
  readonly associationName: pulumi.Output<string | undefined>;

  constructor(name: string, args: RetrainingAssociationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:scheduling:RetrainingAssociation", name, {}, opts);
    const w = args.window;
    const task = w.tasks[0];
    if (!task || w.tasks.length !== 1)
      throw new Error(`association ${args.team}/${w.name} runs exactly one task`);
    const poolTag = pulumi.output(args.poolTag);
    const association = new aws.ssm.Association(
      name,
      {
        name: args.documentName,
        associationName: resourceName("maintenanceWindow", args.environment, args.team, w.name),
        documentVersion: args.documentVersion,
        scheduleExpression: w.schedule,
        // A cron association waits for its first time instead of running at creation.
        ...(w.schedule.startsWith("cron(") ? { applyOnlyAtCronInterval: true } : {}),
        // Two tag keys, both required: "You can also specify multiple tag keys using the AWS CLI. In
        // this case, all tag keys are required for the nodes to be targeted" (State Manager user
        // guide, "Understanding targets and rate controls"; its one-key limit is the console's).
        targets: [
          { key: poolTag.apply((t) => `tag:${t.key}`), values: [poolTag.apply((t) => t.value)] },
          { key: `tag:${TAG_KEYS.fleet}`, values: [args.fleetTagValue] },
        ],
        parameters: documentParameterMap({ command: task.command, executionTimeout: task.timeoutSeconds }),
        complianceSeverity: w.complianceSeverity ?? "MEDIUM",
        maxConcurrency: task.maxConcurrency,
        maxErrors: task.maxErrors,
        outputLocation: { s3BucketName: args.artifactBucket, s3KeyPrefix: `runs/${args.team}/${w.name}` },
      },
      { parent: this },
    );
    this.associationId = association.associationId;
    this.associationName = association.associationName;
    this.registerOutputs({ associationId: this.associationId });
  }
}
