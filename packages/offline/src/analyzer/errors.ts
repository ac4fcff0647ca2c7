/** A policy pack config the pack's schema rejects (the CLI stops before any analysis on these). */
export class PolicyConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`policy pack configuration is invalid:\n  ${problems.join("\n  ")}`);
    this.name = "PolicyConfigError";
  }
}

/** The pack process failed to start, or died, or an RPC failed. */
export class PolicyPackError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PolicyPackError";
  }
}
