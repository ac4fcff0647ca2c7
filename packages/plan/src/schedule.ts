/**
 * `@retrain/plan/schedule`: the plan's schedule view, clash sweep, time formatting and terminal
 * style, without the engine. Loading the engine loads the Pulumi SDK (seconds); commands that only
 * read stack configs (`retrain calendar`) import this entry instead.
 */
export * from "./clashes.js";
export * from "./horizon.js";
export * from "./model.js";
export * from "./render/style.js";
export * from "./schedule-view.js";
export * from "./time.js";
