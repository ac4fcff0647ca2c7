/**
 * Entry point of the AWS SSM schedule grammar: `cron(...)`, `rate(N unit)` and `at(yyyy-mm-ddThh:mm:ss)`.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
 */
import { parseCronBody } from "./cron-grammar.js";
import { ScheduleError } from "./errors.js";
import type { AtSchedule, ParseOptions, ParseResult, RateSchedule, Schedule, ScheduleKind } from "./types.js";

const MINUTE_MS = 60_000;
const UNIT_MS = { minutes: MINUTE_MS, hours: 60 * MINUTE_MS, days: 24 * 60 * MINUTE_MS } as const;

/** Associations accept rates from 30 minutes up to (not including) 31 days. */
export const ASSOCIATION_RATE_MIN_MS = 30 * MINUTE_MS;
export const ASSOCIATION_RATE_MAX_MS = 31 * UNIT_MS.days;

const cache = new Map<string, Schedule | ScheduleError>();
const CACHE_LIMIT = 10_000;

/** Parses and validates an expression under AWS's rules; throws ScheduleError. Results are cached. */
export function parseSchedule(expression: string, options: ParseOptions = {}): Schedule {
  const kind = options.kind ?? "maintenance-window";
  const key = `${kind}\u0000${expression}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    try {
      hit = parseUncached(expression, kind);
    } catch (e) {
      if (!(e instanceof ScheduleError)) throw e;
      hit = e;
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, hit);
  }
  if (hit instanceof ScheduleError) throw hit;
  return hit;
}

/** Like parseSchedule, but returns the error instead of throwing. */
export function tryParseSchedule(expression: string, options: ParseOptions = {}): ParseResult {
  try {
    return { ok: true, schedule: parseSchedule(expression, options) };
  } catch (e) {
    if (e instanceof ScheduleError) return { ok: false, error: e.toJSON() };
    throw e;
  }
}

function parseUncached(expression: string, kind: ScheduleKind): Schedule {
  const fail = (message: string, position: number): never => {
    throw new ScheduleError(message, position, expression);
  };
  if (typeof expression !== "string" || expression.length === 0) {
    return fail("expected cron(...), rate(...) or at(...)", 0);
  }
  const lead = expression.search(/\S/);
  if (lead !== 0) fail("unexpected whitespace; the expression must start with cron(, rate( or at(", 0);
  const open = expression.indexOf("(");
  const head = open >= 0 ? expression.slice(0, open) : expression;
  if (head !== "cron" && head !== "rate" && head !== "at") {
    const lower = head.toLowerCase();
    const hint =
      lower === "cron" || lower === "rate" || lower === "at" ? ` (write ${lower}( in lower case)` : "";
    fail(`expected cron(...), rate(...) or at(...)${hint}`, 0);
  }
  if (open < 0) fail(`expected ( after ${head}`, head.length);
  const close = expression.indexOf(")", open);
  if (close < 0) fail(`expected ) to close ${head}(`, expression.length);
  if (close !== expression.length - 1) fail(`unexpected text after ${head}(...)`, close + 1);
  const body = expression.slice(open + 1, close);
  const offset = open + 1;
  if (head === "cron") return parseCronBody(body, offset, expression, kind);
  if (head === "rate") return parseRate(body, offset, expression, kind, fail);
  return parseAt(body, offset, expression, fail);
}

type Fail = (message: string, position: number) => never;

function parseRate(
  body: string,
  offset: number,
  expression: string,
  kind: ScheduleKind,
  fail: Fail,
): RateSchedule {
  const m = /^(\d*)( *)(.*)$/.exec(body)!;
  const [, digits = "", space = "", unitText = ""] = m;
  if (digits === "")
    fail("rate(...) needs a whole number of minutes, hours or days, e.g. rate(30 minutes)", offset);
  const value = Number(digits);
  if (value <= 0 || !Number.isSafeInteger(value))
    fail(`the rate value must be a whole number above 0, found ${digits}`, offset);
  const unitAt = offset + digits.length + space.length;
  if (space === "")
    fail("expected a space and a unit (minute(s), hour(s) or day(s)) after the number", unitAt);
  if (space.length > 1)
    fail("put exactly one space between the number and the unit", offset + digits.length + 1);
  const unitMatch = /^(minute|hour|day)(s?)$/.exec(unitText);
  if (!unitMatch)
    fail(`expected a unit: ${value === 1 ? "minute, hour or day" : "minutes, hours or days"}`, unitAt);
  const [, stem, plural] = unitMatch!;
  if (value === 1 && plural) fail(`use the singular unit for 1: rate(1 ${stem})`, unitAt);
  if (value !== 1 && !plural)
    fail(`use the plural unit for values other than 1: rate(${value} ${stem}s)`, unitAt);
  const unit = `${stem}s` as RateSchedule["unit"];
  const intervalMs = value * UNIT_MS[unit];
  if (kind === "association") {
    if (intervalMs < ASSOCIATION_RATE_MIN_MS) {
      fail("an association's rate must be at least 30 minutes, e.g. rate(30 minutes)", offset);
    }
    if (intervalMs >= ASSOCIATION_RATE_MAX_MS)
      fail("an association's rate must be below 31 days, e.g. rate(30 days)", offset);
  }
  return { type: "rate", expression, value, unit, intervalMs };
}

const AT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

function parseAt(body: string, offset: number, expression: string, fail: Fail): AtSchedule {
  const m = AT_PATTERN.exec(body);
  if (!m) {
    // Point at the first character that breaks the yyyy-mm-ddThh:mm:ss shape.
    const shape = "dddd-dd-ddTdd:dd:dd";
    let i = 0;
    while (
      i < body.length &&
      i < shape.length &&
      (shape[i] === "d" ? /\d/.test(body[i]!) : body[i] === shape[i])
    )
      i++;
    fail("at(...) takes a date-time as yyyy-mm-ddThh:mm:ss, e.g. at(2025-07-07T15:55:00)", offset + i);
  }
  const [year, month, day, hour, minute, second] = m!.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1970 || year > 2199) fail("the year of at(...) must be 1970-2199", offset);
  if (month < 1 || month > 12) fail("the month of at(...) must be 01-12", offset + 5);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth)
    fail(`the day of at(...) must be 01-${daysInMonth} in that month`, offset + 8);
  if (hour > 23) fail("the hour of at(...) must be 00-23", offset + 11);
  if (minute > 59) fail("the minutes of at(...) must be 00-59", offset + 14);
  if (second > 59) fail("the seconds of at(...) must be 00-59", offset + 17);
  return { type: "at", expression, dateTime: body };
}
