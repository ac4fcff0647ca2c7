/** Config fields shared by several policies. */
import { z } from "zod";

/** Non-empty after trimming: the JSON schema carries it as a pattern so the CLI rejects "" and "  ". */
export const nonBlank = (what: string) => z.string().regex(/\S/, `${what} must not be empty`);
