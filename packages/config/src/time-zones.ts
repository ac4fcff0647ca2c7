/**
 * IANA time zone names spelled exactly. The runtime (V8/ICU) resolves any case of a name
 * (`europe/berlin`) and sends nothing back to tell a misspelling from the real one, while SSM
 * receives the raw text: a window must name its zone exactly as the IANA tz database spells it.
 */
import { createRequire } from "node:module";

/**
 * Every IANA name, zones and backward links alike, from the `tzdata` package (the tz database as
 * JSON, released with each tz version). ICU's `Intl.supportedValuesOf("timeZone")` lists only its
 * canonical ids: not current names such as Asia/Kolkata or Europe/Kyiv (it keeps Asia/Calcutta,
 * Europe/Kiev), Etc/* or the legacy links (US/Pacific), so it cannot tell a right spelling alone.
 * Loaded on first use: most configs name no zone.
 */
function ianaNames(): readonly string[] {
  const data = createRequire(import.meta.url)("tzdata") as { zones: Record<string, unknown> };
  return Object.keys(data.zones);
}

let exact: Map<string, string> | undefined;

/** Every exact spelling known, by its lower case. */
function spellings(): Map<string, string> {
  if (exact) return exact;
  exact = new Map();
  for (const name of [...Intl.supportedValuesOf("timeZone"), ...ianaNames(), "UTC"])
    exact.set(name.toLowerCase(), name);
  return exact;
}

/** The zone the runtime resolves `tz` to, or undefined when it knows none. */
export function resolvedZone(tz: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Answers by zone: every window of every team asks, and an Intl.DateTimeFormat costs tens of µs. */
const answers = new Map<string, string | undefined>();
const MAX_ANSWERS = 1024;

/**
 * Why `tz` is not a time zone name SSM gets right, or undefined when it is: an exact IANA spelling
 * (a name with a "/", or UTC) the runtime resolves. A case variant is refused naming the spelling.
 */
export function timeZoneProblem(tz: string): string | undefined {
  if (answers.has(tz)) return answers.get(tz);
  // Bounded: one process (the pack, the Nx daemon) may read many workspaces' zones.
  if (answers.size >= MAX_ANSWERS) answers.clear();
  const answer = judge(tz);
  answers.set(tz, answer);
  return answer;
}

function judge(tz: string): string | undefined {
  const known = spellings().get(tz.toLowerCase());
  if (known !== undefined && known !== tz)
    return `time zone "${tz}" must be spelled exactly as in the IANA tz database: "${known}"`;
  const resolved = resolvedZone(tz);
  if (resolved === undefined || !(tz.includes("/") || tz === "UTC"))
    return `"${tz}" is not an IANA time zone such as Europe/Berlin or UTC`;
  // A name neither list knows (a zone newer than the tzdata package) but the runtime resolves: accepted
  // only when the runtime resolves it to itself, so no case variant gets through.
  if (known === undefined && resolved !== tz)
    return `time zone "${tz}" must be spelled exactly as in the IANA tz database (the runtime reads it as "${resolved}")`;
  return undefined;
}
