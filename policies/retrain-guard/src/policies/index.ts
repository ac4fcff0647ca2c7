/** Every policy of retrain-guard, in the order the CLI lists them. */
import type { GuardPolicy } from "../policy-kit.js";
import { noWildcardIam } from "./no-wildcard-iam.js";

export const POLICIES: readonly GuardPolicy[] = [noWildcardIam];

export { noWildcardIam };
