/**
 * `@retrain/testing`: what a test of a stack program needs. The harness itself lives in the offline
 * runtime (`@retrain/offline`, which the plan runs on too) and is re-exported here, so a test imports
 * one package: run a program under Pulumi mocks (`runStackProgram`, upstream StackReferences faked by
 * `upstream`), host the policy pack (`startPolicyPack`), and read what was registered: resources by
 * type or name, the policy documents they carry and their statements.
 */
export {
  type LogEntry,
  type RecordedResource,
  type RunStackOptions,
  runStackProgram,
  type StackRunResult,
  startPolicyPack,
  UNKNOWN,
} from "@retrain/offline";
export {
  type PolicyDocumentOf,
  policyDocumentsOf,
  resourceNamed,
  resourcesOfType,
  statementsOf,
} from "./inspect.js";
