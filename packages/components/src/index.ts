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
export { TrainingArtifacts, type TrainingArtifactsArgs } from "./iam/training-artifacts.js";
export { TrainingInstanceRole, type TrainingInstanceRoleArgs } from "./iam/training-instance-role.js";
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
