/** Config fields shared by several policies. */
import { z } from "zod";

/** Non-empty after trimming: the JSON schema carries it as a pattern so the CLI rejects "" and "  ". */
export const nonBlank = (what: string) => z.string().regex(/\S/, `${what} must not be empty`);

/**
 * The longest window the pack allows, in hours (SSM's Duration is 1-24 h). maintenance-window-limits
 * bounds windows and association runs with it; maintenance-task-timeout bounds a task whose window
 * is not in the stack with it (the most any window the pack allows can hold). Both default to 4 h and
 * security sets both to the same value in policy-config.json.
 */
export const maxDurationHoursField = () =>
  z
    .number()
    .int()
    .min(1)
    .max(24)
    .default(4)
    .describe("Longest allowed window duration in hours (SSM allows 1-24).");
