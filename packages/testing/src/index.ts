/**
 * `@retrain/testing`: helpers for tests that read what a stack program registered under the
 * offline runtime (`@retrain/offline`'s `runStackProgram`): resources by type or name, the policy
 * documents they carry and their statements.
 */
export {
  type PolicyDocumentOf,
  policyDocumentsOf,
  resourceNamed,
  resourcesOfType,
  statementsOf,
} from "./inspect.js";
