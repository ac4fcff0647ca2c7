export * from "./naming.js";
export * from "./outputs.js";
export * from "./schemas.js";
export * from "./tags.js";
