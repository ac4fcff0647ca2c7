import { describe, expect, it } from "vitest";
import { retrain } from "./run.js";

const SEED = "cron(0 4 ? * SUN *)";

describe("retrain schedule next", () => {
  it("prints exactly {valid, next, description} with --json, runs in UTC across the DST change", async () => {
    const r = await retrain([
      "schedule",
      "next",
      SEED,
      "--tz",
      "Europe/Berlin",
      "--from",
      "2025-03-20T00:00:00Z",
      "--count",
      "3",
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["valid", "next", "description"]);
    expect(out.valid).toBe(true);
    // Berlin switches to CEST on 2025-03-30: 04:00 local is 03:00 UTC before, 02:00 UTC after.
    expect(out.next).toEqual([
      "2025-03-23T03:00:00.000Z",
      "2025-03-30T02:00:00.000Z",
      "2025-04-06T02:00:00.000Z",
    ]);
    expect(out.description).toMatch(/04:00.*Sunday.*Europe\/Berlin/);
    expect(r.stdout.endsWith("}\n")).toBe(true);
  });

  it("counts from now by default and prints 5 runs", async () => {
    const r = await retrain(["schedule", "next", "rate(6 hours)", "--json"], {
      now: new Date("2025-06-01T00:00:00Z"),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).next).toEqual([
      "2025-06-01T06:00:00.000Z",
      "2025-06-01T12:00:00.000Z",
      "2025-06-01T18:00:00.000Z",
      "2025-06-02T00:00:00.000Z",
      "2025-06-02T06:00:00.000Z",
    ]);
  });

  it("prints each run in UTC and in the zone's local time", async () => {
    const r = await retrain([
      "schedule",
      "next",
      SEED,
      "--tz",
      "America/New_York",
      "--from",
      "2025-11-01T00:00:00Z",
      "--count",
      "2",
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines).toContain("  2025-11-02T09:00:00Z  Sun 2025-11-02 04:00 -05:00 America/New_York");
    expect(lines).toContain("  2025-11-09T09:00:00Z  Sun 2025-11-09 04:00 -05:00 America/New_York");
  });

  it("accepts --count up to 1000", async () => {
    const r = await retrain(["schedule", "next", "rate(1 day)", "--count", "1000", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).next).toHaveLength(1000);
  });

  it("exits 2 on an invalid expression with {valid:false, error, position} under --json", async () => {
    const r = await retrain(["schedule", "next", "cron(0 4 ? * 0 *)", "--json"]);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["valid", "error", "position"]);
    expect(out).toMatchObject({ valid: false, position: 13 });
    expect(out.error).toMatch(/day-of-week/);
  });

  it("prints the position of an invalid expression, with a caret under it on a terminal", async () => {
    const plain = await retrain(["schedule", "next", "cron(0 4 ? * 0 *)"]);
    expect(plain.code).toBe(2);
    expect(plain.stdout).toBe("");
    expect(plain.stderr).toMatch(/^error: invalid schedule expression at position 13: day-of-week/);
    expect(plain.stderr).not.toContain("^");
    const tty = await retrain(["schedule", "next", "cron(0 4 ? * 0 *)"], { tty: true });
    const lines = tty.stderr.split("\n");
    const exprLine = lines.indexOf("  cron(0 4 ? * 0 *)");
    expect(exprLine).toBeGreaterThan(0);
    expect(lines[exprLine + 1]).toBe(`  ${" ".repeat(13)}^`);
    expect(lines[exprLine]?.[2 + 13]).toBe("0");
  });

  it("applies the association rules with --kind association", async () => {
    expect((await retrain(["schedule", "next", "rate(15 minutes)", "--json"])).code).toBe(0);
    const r = await retrain(["schedule", "next", "rate(15 minutes)", "--kind", "association", "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).valid).toBe(false);
  });

  it.each<[string, string[], RegExp]>([
    [
      "an unknown time zone",
      ["--tz", "Mars/Olympus"],
      /--tz <zone>.*'Mars\/Olympus' is invalid.*IANA time zone such as Europe\/Berlin/,
    ],
    [
      "a --from that is not an ISO instant",
      ["--from", "tomorrow"],
      /--from <iso>.*'tomorrow' is invalid.*ISO 8601 instant with a UTC offset/,
    ],
    ["a --from without offset", ["--from", "2025-03-30T02:00:00"], /--from <iso>.*is invalid/],
    ["a --count of 0", ["--count", "0"], /--count <n>.*'0' is invalid.*whole number from 1 to 1000/],
    ["a --count of 1001", ["--count", "1001"], /--count <n>.*'1001' is invalid/],
    ["a fractional --count", ["--count", "2.5"], /--count <n>.*'2.5' is invalid/],
    [
      "an unknown --kind",
      ["--kind", "cronjob"],
      /--kind <kind>.*'cronjob' is invalid.*maintenance-window, association/,
    ],
    ["an unknown flag", ["--timezone", "UTC"], /unknown option '--timezone'/],
    [
      "an association outside UTC",
      ["--kind", "association", "--tz", "Europe/Berlin"],
      /--tz Europe\/Berlin: associations .* run in UTC only/,
    ],
  ])("exits 2 naming the flag and what is allowed: %s", async (_name, flags, message) => {
    const r = await retrain(["schedule", "next", "rate(1 hour)", ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("exits 2 when the expression is missing", async () => {
    const r = await retrain(["schedule", "next"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'expression'/);
  });
});

describe("retrain schedule explain", () => {
  it("prints the sentence and the next 5 runs", async () => {
    const r = await retrain([
      "schedule",
      "explain",
      SEED,
      "--tz",
      "Europe/Berlin",
      "--from",
      "2025-06-01T00:00:00Z",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/At 04:00 every Sunday \(Europe\/Berlin time\)/);
    expect(r.stdout.match(/^ {2}\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/gm)).toHaveLength(5);
    expect(r.stdout).toContain("  2025-06-01T02:00:00Z  Sun 2025-06-01 04:00 +02:00 Europe/Berlin");
  });

  it("exits 2 on an invalid expression", async () => {
    const r = await retrain(["schedule", "explain", "cron(0 4 * * SUN *)"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at position \d+/);
  });
});

describe("retrain help and usage", () => {
  it.each([[["--help"]], [["schedule", "next", "--help"]], [["config", "check", "--help"]]])(
    "documents the exit codes in %j and exits 0",
    async (argv) => {
      const r = await retrain(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Exit codes:\n {2}0 {2}success\n {2}1 .*\n {2}2 {2}invalid input/);
    },
  );

  // A command with exit codes of its own shows those, once; the generic block would contradict them
  // (for `runs`, 1 is an SSM call that failed, not violations found).
  it.each([
    [["plan", "--help"], /0 clean \(advisory violations allowed\), 1 mandatory violations/],
    [["calendar", "--help"], /0 no clashes, 1 windows of different teams clash/],
    [["runs", "--help"], /0 runs listed \(whatever their status\), 1 an SSM call failed/],
  ])("%j shows its own exit codes only", async (argv, own) => {
    const r = await retrain(argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(own);
    expect(r.stdout.match(/Exit codes:/g)).toHaveLength(1);
  });

  it.each([[["frobnicate"]], [[]], [["schedule"]]])("exits 2 on %j", async (argv) => {
    const r = await retrain(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toBe("");
  });
});
