export { reconcileConfig } from "./config.js";
export { PolicyConfigError, PolicyPackError } from "./errors.js";
export { startPolicyPack } from "./host.js";
export type * from "./types.js";
/** The value the Pulumi CLI sends for a property unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
