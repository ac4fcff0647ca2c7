/** The value the Pulumi CLI sends for a property unknown during preview. */
export { UNKNOWN } from "@retrain/config/unknown";
export { reconcileConfig } from "./config.js";
export { PolicyConfigError, PolicyPackError } from "./errors.js";
export { startPolicyPack } from "./host.js";
export type * from "./types.js";
