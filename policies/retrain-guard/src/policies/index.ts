/** Every policy of retrain-guard, in the order the CLI lists them. */
import type { GuardPolicy } from "../policy-kit.js";
import { ebsEncrypted } from "./ebs-encrypted.js";
import { ec2Imdsv2Required } from "./ec2-imdsv2-required.js";
import { maintenanceTaskTimeout } from "./maintenance-task-timeout.js";
import { maintenanceWindowLimits } from "./maintenance-window-limits.js";
import { maintenanceWindowOverlap } from "./maintenance-window-overlap.js";
import { noOpenIngress } from "./no-open-ingress.js";
import { noPublicIp } from "./no-public-ip.js";
import { noWildcardIam } from "./no-wildcard-iam.js";
import { requiredTags } from "./required-tags.js";
import { startStopOwnPool } from "./start-stop-own-pool.js";
import { taskParametersSafe } from "./task-parameters-safe.js";
import { tenantGrants } from "./tenant-grants.js";
import { trainingDocumentOnly } from "./training-document-only.js";

export const POLICIES: readonly GuardPolicy[] = [
  noWildcardIam,
  maintenanceWindowLimits,
  maintenanceTaskTimeout,
  maintenanceWindowOverlap,
  trainingDocumentOnly,
  taskParametersSafe,
  tenantGrants,
  startStopOwnPool,
  ec2Imdsv2Required,
  ebsEncrypted,
  noPublicIp,
  noOpenIngress,
  requiredTags,
];

export {
  ebsEncrypted,
  ec2Imdsv2Required,
  maintenanceTaskTimeout,
  maintenanceWindowLimits,
  maintenanceWindowOverlap,
  noOpenIngress,
  noPublicIp,
  noWildcardIam,
  requiredTags,
  startStopOwnPool,
  taskParametersSafe,
  tenantGrants,
  trainingDocumentOnly,
};
