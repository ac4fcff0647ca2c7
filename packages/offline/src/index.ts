/**
 * `@retrain/offline`: the offline runtime. Runs a stack program under Pulumi's mocks (the harness and
 * its recording monitor) against a mock cloud that enforces the AWS provider's constraints, and hosts
 * a policy pack over the Analyzer gRPC protocol as the Pulumi CLI does. The plan runs on it; tests'
 * helpers are `@retrain/testing`.
 */
export * from "./analyzer/index.js";
export { type LogEntry, type RunStackOptions, runStackProgram, type StackRunResult } from "./harness.js";
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
export { STACK_REFERENCE_TYPE } from "./repeated-value.js";
