/**
 * `@retrain/config/workspace`: stack config loading, discovery and ordering without anything that
 * imports @pulumi/pulumi, for tools that must start fast (the compiled Nx plugin, the CLI).
 */
export * from "./discovery.js";
export * from "./errors.js";
export * from "./event-rules.js";
export * from "./exit-code.js";
export * from "./load.js";
export * from "./naming.js";
export * from "./notify.js";
export * from "./order.js";
export * from "./outputs.js";
export * from "./plan-inputs.js";
export * from "./problem.js";
export * from "./regions.js";
export * from "./schemas.js";
export * from "./settings.js";
export * from "./tenants.js";
