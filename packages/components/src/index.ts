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
export { TrainingArtifacts, type TrainingArtifactsArgs } from "./iam/training-artifacts.js";
export { TrainingInstanceRole, type TrainingInstanceRoleArgs } from "./iam/training-instance-role.js";
