/**
 * The one list of retrain-guard's policies, in the order the CLI lists them. The pack, the example
 * tables (test/policies.test.ts), the mutation check and the docs tables are all read from it.
 *
 * Adding a policy: `src/policies/<name>.ts` (its definition), `src/policies/<name>.examples.ts`
 * (`export const examples`, good and bad rows), and one line below. The meta-test in
 * test/policies.test.ts fails when a file here is not registered or a policy lacks its examples.
 */
import type { PolicyExample } from "../examples.js";
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
import { windowNotifications } from "./window-notifications.js";

export interface RegisteredPolicy {
  policy: GuardPolicy;
  /**
   * Its example table, `<name>.examples.ts`. Loaded on demand: the pack process never imports the
   * examples, only the tests, the benchmarks and the mutation check do.
   */
  examples: () => Promise<{ examples: readonly PolicyExample[] }>;
}

export const REGISTRY: readonly RegisteredPolicy[] = [
  { policy: noWildcardIam, examples: () => import("./no-wildcard-iam.examples.js") },
  { policy: maintenanceWindowLimits, examples: () => import("./maintenance-window-limits.examples.js") },
  { policy: maintenanceTaskTimeout, examples: () => import("./maintenance-task-timeout.examples.js") },
  { policy: maintenanceWindowOverlap, examples: () => import("./maintenance-window-overlap.examples.js") },
  { policy: trainingDocumentOnly, examples: () => import("./training-document-only.examples.js") },
  { policy: taskParametersSafe, examples: () => import("./task-parameters-safe.examples.js") },
  { policy: tenantGrants, examples: () => import("./tenant-grants.examples.js") },
  { policy: startStopOwnPool, examples: () => import("./start-stop-own-pool.examples.js") },
  { policy: ec2Imdsv2Required, examples: () => import("./ec2-imdsv2-required.examples.js") },
  { policy: ebsEncrypted, examples: () => import("./ebs-encrypted.examples.js") },
  { policy: noPublicIp, examples: () => import("./no-public-ip.examples.js") },
  { policy: noOpenIngress, examples: () => import("./no-open-ingress.examples.js") },
  { policy: requiredTags, examples: () => import("./required-tags.examples.js") },
  { policy: windowNotifications, examples: () => import("./window-notifications.examples.js") },
];

/** The definitions alone (what the pack serves). */
export const POLICIES: readonly GuardPolicy[] = REGISTRY.map((r) => r.policy);

/** The registered policy of that name; throws naming the registered ones. */
export function registered(name: string): RegisteredPolicy {
  const entry = REGISTRY.find((r) => r.policy.name === name);
  if (!entry)
    throw new Error(`no retrain-guard policy ${name}; policies: ${POLICIES.map((p) => p.name).join(", ")}`);
  return entry;
}
