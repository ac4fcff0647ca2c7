/**
 * training-document-only where the stack matters: in a scheduling stack (named after its team) only
 * that team's document may appear, so one team's stack cannot carry another team's role.
 */
import { renderTrainingDocument } from "@retrain/components/training-document";
import { describe, expect, it } from "vitest";
import { trainingDocumentOnly } from "../src/policies/training-document-only.js";
import type { StackResource } from "../src/policy-kit.js";

const doc = (stack: string, team: string): StackResource => ({
  type: "aws:ssm/document:Document",
  name: "train",
  urn: `urn:pulumi:${stack}::retrain-scheduling::retrain:scheduling:TrainingCommandDocument$aws:ssm/document:Document::train`,
  props: {
    name: `retrain-prod-${team}-train`,
    documentType: "Command",
    content: renderTrainingDocument({
      team,
      environment: "prod",
      teamRoleArn: `arn:aws:iam::123456789012:role/retrain-prod-team-${team}`,
    }),
  },
  dependencies: [],
  propertyDependencies: {},
});

describe("training-document-only in a team's scheduling stack", () => {
  it("accepts the team's own document", () => {
    expect(trainingDocumentOnly.check([doc("vision", "vision")], {})).toEqual([]);
  });

  it("refuses another team's document", () => {
    const [v, ...more] = trainingDocumentOnly.check([doc("vision", "nlp")], {}) as { message: string }[];
    expect(more).toEqual([]);
    expect(v?.message).toMatch(/the training document of team nlp in the scheduling stack of team vision/);
  });
});
