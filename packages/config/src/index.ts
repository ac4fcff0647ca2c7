export * from "./naming.js";
export * from "./errors.js";
export * from "./outputs.js";
export * from "./schemas.js";
export * from "./tags.js";
