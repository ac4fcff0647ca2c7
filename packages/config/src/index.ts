export * from "./discovery.js";
export * from "./errors.js";
export * from "./load.js";
export * from "./naming.js";
export * from "./order.js";
export * from "./outputs.js";
export * from "./schemas.js";
export * from "./tags.js";
