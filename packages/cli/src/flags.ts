/**
 * Option parsers shared by commands: each rejects a bad value with a message naming the flag and
 * what it allows (commander prints it and the run exits 2).
 */
import { timezoneSchema } from "@retrain/config/workspace";
import { InvalidArgumentError } from "commander";

/** ISO 8601 date-time with seconds optional and an explicit offset: an instant, never local time. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/** A whole number of at least `min`, with no upper bound (`--jobs`). */
export function atLeast(flag: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${flag} must be a whole number of at least ${min}.`);
    }
    return n;
  };
}

export function instant(flag: string): (value: string) => Date {
  return (value) => {
    const d = new Date(value);
    if (!ISO_INSTANT.test(value) || Number.isNaN(d.getTime())) {
      throw new InvalidArgumentError(
        `${flag} must be an ISO 8601 instant with a UTC offset, such as 2025-03-30T00:00:00Z or 2025-03-30T02:00:00+02:00.`,
      );
    }
    return d;
  };
}

export function timeZone(flag: string): (value: string) => string {
  return (value) => {
    if (!timezoneSchema.safeParse(value).success) {
      throw new InvalidArgumentError(`${flag} must be an IANA time zone such as Europe/Berlin or UTC.`);
    }
    return value;
  };
}

/**
 * A file or folder flag (`--json <file>`, `--workspace <dir>`). Commander gives a required value the
 * next word whatever it is, so `--json --quiet` would write a file named `--quiet`: a value that
 * starts with `-` or is empty is refused, and `./-name` still names such a file.
 */
export function filePath(flag: string, what: "file" | "folder" = "file"): (value: string) => string {
  return (value) => {
    refuseMissingName(flag, what, value, { empty: ".", option: ` (a ${what} named so: ./${value}).` });
    return value;
  };
}

/**
 * Refuses a name flag's value that is empty or starts with `-` (the next option, taken as the value
 * by Commander); `tail` ends each message (what is allowed, or how to name such a file).
 */
export function refuseMissingName(
  flag: string,
  what: string,
  value: string,
  tail: { empty: string; option: string },
): void {
  if (value.trim() === "")
    throw new InvalidArgumentError(`${flag} needs a ${what} name, got an empty value${tail.empty}`);
  if (value.startsWith("-"))
    throw new InvalidArgumentError(
      `${flag} needs a ${what} name, got "${value}", which looks like an option${tail.option}`,
    );
}

/** For repeatable options: `--team a --team b` → ["a", "b"]. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * For repeatable comma-separated lists (`--gate a,b --gate c` → ["a", "b", "c"]); an empty value adds
 * nothing but still gives the list, so `--gate ""` is the empty list, not the default.
 */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return [...(previous ?? []), ...items];
}
