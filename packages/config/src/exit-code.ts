/** The three exit codes of every `retrain` command and of the plan and calendar reports. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** The command ran and found violations or failures (policy violations, clashes). */
  failure: 1,
  /** Invalid input: bad flags, an invalid schedule expression, an invalid stack config. */
  invalidInput: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** 2 for any invalid input, else 1 for any finding, else 0: a finding never hides invalid input. */
export function exitCodeOf(counts: { invalidInput: number; findings: number }): ExitCode {
  if (counts.invalidInput > 0) return EXIT.invalidInput;
  return counts.findings > 0 ? EXIT.failure : EXIT.ok;
}
