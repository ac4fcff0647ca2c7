export { type AwsContext, awsContext } from "./aws-context.js";
export {
  GpuTrainingFleet,
  type GpuTrainingFleetArgs,
  HOST_LOCK_FILE,
  TRAINING_USER,
} from "./fleet/gpu-training-fleet.js";
export { renderUserData, type UserDataOptions } from "./fleet/user-data.js";
export {
  MaintenanceWindowServiceRole,
  type MaintenanceWindowServiceRoleArgs,
} from "./iam/maintenance-window-service-role.js";
export { ssmServiceTrust } from "./iam/ssm-service-trust.js";
export {
  START_STOP_RUNBOOKS,
  StartStopAutomationRole,
  type StartStopAutomationRoleArgs,
} from "./iam/start-stop-automation-role.js";
export {
  TeamTrainingRole,
  type TeamTrainingRoleArgs,
  teamLogStreamPrefix,
  teamPrefixes,
} from "./iam/team-training-role.js";
export { TrainingArtifacts, type TrainingArtifactsArgs } from "./iam/training-artifacts.js";
export {
  AGENT_OUTPUT_PREFIX,
  TrainingInstanceRole,
  type TrainingInstanceRoleArgs,
} from "./iam/training-instance-role.js";
export {
  RetrainingAssociation,
  type RetrainingAssociationArgs,
} from "./scheduling/retraining-association.js";
export {
  RetrainingWindow,
  type RetrainingWindowArgs,
  TASK_PRIORITIES,
} from "./scheduling/retraining-window.js";
export {
  DOCUMENT_EXIT_CODES,
  documentParameterList,
  documentParameterMap,
  TrainingCommandDocument,
  type TrainingCommandDocumentArgs,
  type TrainingDocumentParameters,
  trainingDocumentContent,
} from "./scheduling/training-document.js";

/** Value of the `retrain:fleet` tag of an environment's instances; the IAM role's conditions use it. */
export const fleetNameOf = (environment: string): string => `retrain-${environment}`;
