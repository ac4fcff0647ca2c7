export * from "./analyzer/index.js";
export { type LogEntry, type RunStackOptions, runStackProgram, type StackRunResult } from "./harness.js";
export {
  type PolicyDocumentOf,
  policyDocumentsOf,
  resourceNamed,
  resourcesOfType,
  statementsOf,
} from "./inspect.js";
export {
  DEFAULT_ACCOUNT_ID,
  hashHex,
  MockCloud,
  type MockCloudOptions,
  ProviderConstraintError,
  partitionOf,
} from "./mock-cloud.js";
export type { RecordedResource } from "./monitor.js";
export {
  buildPolicyDocument,
  type PolicyDocumentInput,
  type PolicyDocumentResult,
} from "./policy-document.js";
export {
  type Constraint,
  checkProviderConstraints,
  describeViolations,
  PROVIDER_CONSTRAINTS,
  type ProviderViolation,
} from "./provider-constraints/index.js";
