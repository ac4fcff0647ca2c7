/** Public types of the Analyzer host: what the offline plan and tests exchange with a policy pack. */

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/**
 * Policy pack config in the shape of `pulumi preview --policy-pack-config <file>`: per policy name
 * (or "all") either an enforcement level or `{ enforcementLevel?, ...properties }`.
 */
export type PolicyPackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** The config after reconciliation with schema defaults, as sent to the pack with Configure. */
export type ResolvedPolicyConfig = Record<
  string,
  { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }
>;

export interface PolicyInfo {
  name: string;
  displayName: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  remediationSteps: string;
  /** `{ properties, required }` as the pack declares it (JSON schema per property); undefined when none. */
  configSchema?: { properties: Record<string, unknown>; required: string[] };
  policyType: "resource" | "stack" | "unknown";
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  displayName: string;
  description: string;
  supportsConfig: boolean;
  policies: PolicyInfo[];
  /** The pack's programmatic initial config (PolicyPack's third argument). */
  initialConfig: PolicyPackConfig;
}

export interface ProviderResource {
  type: string;
  urn: string;
  name: string;
  properties: Record<string, unknown>;
}

/**
 * A resource as the CLI sends it. Properties are plain JSON values; an unknown value (preview) is
 * the string UNKNOWN. Analyze receives inputs, AnalyzeStack receives outputs.
 */
export interface AnalyzerResource {
  urn: string;
  type: string;
  name: string;
  properties: Record<string, unknown>;
  /** Parent URN (sent in the resource options for analyze, and as `parent` for analyzeStack). */
  parent?: string;
  dependencies?: string[];
  /** Property name → URNs the property's value came from. */
  propertyDependencies?: Record<string, string[]>;
  provider?: ProviderResource;
  protect?: boolean;
}

export interface PolicyDiagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  enforcementLevel: EnforcementLevel;
  /** What was found and how to fix it (the policy description that @pulumi/policy prepends is removed). */
  message: string;
  description: string;
  /** The resource concerned (the analyzed resource for analyze; as reported for analyzeStack). */
  urn: string;
}

export interface StackContext {
  stack: string;
  project: string;
  organization?: string;
  tags?: Record<string, string>;
  /** Stack config as `namespace:key` → string value. */
  config?: Record<string, string>;
  dryRun?: boolean;
}

export interface StartPolicyPackOptions {
  /** Folder holding PulumiPolicy.yaml and package.json (the `--policy-pack` argument). */
  packDir: string;
  /** Config applied at start, like `--policy-pack-config`. */
  config?: PolicyPackConfig;
  /** Sent with ConfigureStack as the CLI does; defaults to a `plan` stack of project `retrain`. */
  stack?: StackContext;
  /** Milliseconds to wait for the port line (default 30 000). */
  startTimeoutMs?: number;
  /** Deadline of one RPC (default 120 000 ms). */
  callTimeoutMs?: number;
  /** Extra environment of the pack process, on top of this process's own. */
  env?: Readonly<Record<string, string>>;
}

export interface PolicyPackHost {
  readonly pid: number;
  /** The port the pack printed. */
  readonly port: number;
  info(): Promise<AnalyzerInfo>;
  /**
   * Reconciles with schema defaults and validates like the CLI (stricter: an undeclared setting is
   * refused here, unless `asPulumiCli`); rejects with PolicyConfigError, or with the pack's own error.
   */
  configure(config: PolicyPackConfig, options?: { asPulumiCli?: boolean }): Promise<ResolvedPolicyConfig>;
  analyze(resource: AnalyzerResource): Promise<PolicyDiagnostic[]>;
  analyzeStack(resources: readonly AnalyzerResource[]): Promise<PolicyDiagnostic[]>;
  /** What the pack wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}
