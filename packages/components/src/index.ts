export { type AwsContext, awsContext } from "./aws-context.js";
export {
  MaintenanceWindowServiceRole,
  type MaintenanceWindowServiceRoleArgs,
} from "./iam/maintenance-window-service-role.js";
export { TrainingArtifacts, type TrainingArtifactsArgs } from "./iam/training-artifacts.js";
export { TrainingInstanceRole, type TrainingInstanceRoleArgs } from "./iam/training-instance-role.js";
