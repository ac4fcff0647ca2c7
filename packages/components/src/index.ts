export { type AwsContext, awsContext } from "./aws-context.js";
export {
  availabilityZonesFor,
  checkSubnetZones,
  FleetNetwork,
  type FleetNetworkArgs,
  GATEWAY_ENDPOINT_SERVICES,
  INTERFACE_ENDPOINT_SERVICES,
  type InstanceTypeOfferings,
  pickAvailabilityZones,
  privateSubnetCidr,
} from "./fleet/fleet-network.js";
export { GpuTrainingFleet, type GpuTrainingFleetArgs } from "./fleet/gpu-training-fleet.js";
export { renderUserData, USER_DATA_LIMIT_BYTES, type UserDataOptions } from "./fleet/user-data.js";
export {
  HOST_LOCK_FILE,
  HOST_STATE_DIR,
  IMDS_ADDRESSES,
  IMDS_GUARD_UNIT,
  RUN_UNIT_PREFIX,
  RUNS_DIR,
  TRAINING_USER,
  teamUser,
} from "./host.js";
export {
  MaintenanceWindowServiceRole,
  type MaintenanceWindowServiceRoleArgs,
} from "./iam/maintenance-window-service-role.js";
export {
  RunLogDeliveryPolicy,
  type RunLogDeliveryPolicyArgs,
  runLogGroupPrefix,
} from "./iam/run-log-delivery-policy.js";
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
export { type MissedRunPlan, planMissedRunAlarm } from "./scheduling/missed-run.js";
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
  type AlertedWindow,
  type AlertsOutput,
  TeamAlerts,
  type TeamAlertsArgs,
} from "./scheduling/team-alerts.js";
export {
  TrainingCommandDocument,
  type TrainingCommandDocumentArgs,
} from "./scheduling/training-document.js";
export {
  AGENT_RESERVED_EXIT_CODES,
  DOCUMENT_EXIT_CODES,
  DOCUMENT_PARAMETERS,
  documentParameterList,
  documentParameterMap,
  encodeCommand,
  renderTrainingDocument,
  type TrainingDocumentContent,
  type TrainingDocumentParameters,
  type TrainingDocumentSpec,
  trainingDocumentContent,
  trainingDocumentName,
  verifyTrainingDocument,
} from "./scheduling/training-document-content.js";

/** Value of the `retrain:fleet` tag of an environment's instances; the IAM role's conditions use it. */
export const fleetNameOf = (environment: string): string => `retrain-${environment}`;
export { buildInWaves, DEFAULT_WAVE_SIZE } from "./waves.js";
