import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { renderTrainingDocument, trainingDocumentName } from "./training-document-content.js";

export interface TrainingCommandDocumentArgs {
  /** The team; the document is `retrain-<env>-<team>-train` (the maintenance window role may run `retrain-<env>-*`). */
  team: string;
  environment: string;
  /** The team's training role (iam output `teamRoleArns[team]`); baked into the content, never a parameter. */
  teamRoleArn: pulumi.Input<string>;
  tags?: Record<string, string>;
}

/**
 * The project-owned Command document a team's windows and associations run: GPU check, host lock,
 * the command (passed base64-encoded) as the team's own Unix user in a transient systemd unit with the
 * team role's short-lived credentials, its exit code as the result. Output goes wherever the caller
 * sends it (CloudWatch Logs and S3).
 */
export class TrainingCommandDocument extends pulumi.ComponentResource {
  readonly documentName: pulumi.Output<string>;
  readonly documentArn: pulumi.Output<string>;
  /**
   * The version the provider made the default with the current content: a content change is an
   * UpdateDocument plus UpdateDocumentDefaultVersion, and the plan shows `latestVersion` as unknown
   * (terraform-provider-aws internal/service/ssm/document.go, which pulumi-aws bridges). Tasks and
   * associations pin it instead of `$DEFAULT`, so an edit is a visible update of each of them.
   */
  readonly documentVersion: pulumi.Output<string>;

  constructor(name: string, args: TrainingCommandDocumentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retrain:scheduling:TrainingCommandDocument", name, {}, opts);
    const document = new aws.ssm.Document(
      name,
      {
        name: trainingDocumentName(args.environment, args.team),
        documentType: "Command",
        documentFormat: "JSON",
        targetType: "/AWS::EC2::Instance",
        content: pulumi
          .output(args.teamRoleArn)
          .apply((teamRoleArn) =>
            renderTrainingDocument({ team: args.team, environment: args.environment, teamRoleArn }),
          ),
        tags: args.tags,
      },
      { parent: this },
    );
    this.documentName = document.name;
    this.documentArn = document.arn;
    this.documentVersion = document.latestVersion;
    this.registerOutputs({
      documentName: this.documentName,
      documentArn: this.documentArn,
      documentVersion: this.documentVersion,
    });
  }
}
