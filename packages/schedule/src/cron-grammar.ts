/**
 * The AWS cron dialect (`cron(min hour day-of-month month day-of-week year)`), validated field by
 * field. Hand-written on purpose: no cron library knows AWS's rules (1-7 = SUN-SAT, the mandatory
 * `?`, the year field, where L/W/# may stand), and errors must point at the offending character.
 * Rules follow the EventBridge cron reference that the SSM reference links to:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 */
import { associationShapeProblem } from "./association-shapes.js";
import { ScheduleError } from "./errors.js";
import type { CronField, CronFieldName, CronItem, CronSchedule, ScheduleKind } from "./types.js";

interface FieldSpec {
  name: CronFieldName;
  label: string;
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
  /** What the field accepts, quoted in error messages. */
  allowed: string;
}

const MONTH_NAMES: Readonly<Record<string, number>> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};
const DAY_NAMES: Readonly<Record<string, number>> = {
  SUN: 1,
  MON: 2,
  TUE: 3,
  WED: 4,
  THU: 5,
  FRI: 6,
  SAT: 7,
};

export const FIELD_SPECS: readonly FieldSpec[] = [
  { name: "minutes", label: "minutes", min: 0, max: 59, allowed: "0-59 with , - * /" },
  { name: "hours", label: "hours", min: 0, max: 23, allowed: "0-23 with , - * /" },
  {
    name: "dayOfMonth",
    label: "day-of-month",
    min: 1,
    max: 31,
    allowed: "1-31 with , - * ? /, or L (last day), or nW such as 15W (weekday nearest the 15th)",
  },
  {
    name: "month",
    label: "month",
    min: 1,
    max: 12,
    names: MONTH_NAMES,
    allowed: "1-12 or JAN-DEC with , - * /",
  },
  {
    name: "dayOfWeek",
    label: "day-of-week",
    min: 1,
    max: 7,
    names: DAY_NAMES,
    allowed:
      "1-7 or SUN-SAT (1 = SUN) with , - * ?, or nL such as 6L (last Friday), or n#k such as 3#2 (second Tuesday)",
  },
  { name: "year", label: "year", min: 1970, max: 2199, allowed: "1970-2199 with , - * /" },
];

/** Smallest gap AWS allows between two runs of a cron expression, per kind (see docs/schedule.md). */
export const MIN_CRON_GAP_MINUTES: Readonly<Record<ScheduleKind, number>> = {
  "maintenance-window": 5,
  association: 30,
};

/**
 * Parses the text between `cron(` and `)`. `offset` is where that text starts in `expression`, so
 * positions in errors refer to the whole expression.
 */
export function parseCronBody(
  body: string,
  offset: number,
  expression: string,
  kind: ScheduleKind,
): CronSchedule {
  const fail = (message: string, position: number): never => {
    throw new ScheduleError(message, position, expression);
  };
  // AWS documents its fields as separated by single spaces; two, or one inside the parentheses, are
  // nowhere documented as accepted by SSM: refused rather than passed on as unknown.
  const loose = / {2}|^ | $/.exec(body);
  if (loose)
    fail(
      "separate the 6 fields by exactly one space, with none after cron( or before )",
      offset + loose.index + (loose[0] === "  " ? 1 : 0),
    );
  const tokens: { text: string; position: number }[] = [];
  for (const m of body.matchAll(/[^ ]+/g)) tokens.push({ text: m[0], position: offset + m.index });
  if (tokens.length === 0)
    fail("cron(...) needs 6 fields: minutes hours day-of-month month day-of-week year", offset);
  if (tokens.length > 6) {
    fail(
      `cron(...) has 6 fields (minutes hours day-of-month month day-of-week year), found ${tokens.length}; AWS cron has no seconds field`,
      tokens[6]!.position,
    );
  }
  if (tokens.length < 6) {
    const hint =
      tokens.length === 5
        ? "; Unix 5-field cron is not accepted: add a year field such as * and use ? in one day field"
        : "";
    fail(
      `cron(...) has 6 fields (minutes hours day-of-month month day-of-week year), found ${tokens.length}${hint}`,
      offset + body.length,
    );
  }
  const fields = tokens.map((t, i) => parseField(t.text, t.position, FIELD_SPECS[i]!, fail));
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    CronField,
    CronField,
    CronField,
    CronField,
    CronField,
    CronField,
  ];

  const domAny = dayOfMonth.text === "?";
  const dowAny = dayOfWeek.text === "?";
  if (domAny && dowAny) {
    fail(
      "only one of day-of-month and day-of-week may be ?; set the other one (e.g. * in day-of-month)",
      dayOfWeek.position,
    );
  }
  if (!domAny && !dowAny) {
    // Point at the field the user most likely meant to leave open.
    const target = dayOfMonth.text === "*" ? dayOfMonth : dayOfWeek;
    fail(
      `exactly one of day-of-month and day-of-week must be ?; use ? in ${target === dayOfMonth ? "day-of-month" : "day-of-week"} here`,
      target.position,
    );
  }

  // AWS's Systems Manager cron and rate reference says State Manager does not support specifying
  // months in an association's cron expression.
  if (kind === "association" && month.text !== "*") {
    fail(
      "State Manager associations do not support specifying months; use * in the month field (a maintenance window can)",
      month.position,
    );
  }

  // Every cron form the same reference lists for associations ("every 1/2, 1, 2, 4, 8, or 12 hours;
  // every day, every week, every nth day, or the last x day of the month") has * in the year field,
  // and it documents no year for them: a year is not something we can promise State Manager runs.
  if (kind === "association" && year.text !== "*") {
    fail(
      "State Manager documents no year for an association's cron; use * in the year field (a maintenance window, with startDate/endDate, can bound its runs)",
      year.position,
    );
  }

  const schedule: CronSchedule = {
    type: "cron",
    expression,
    minutes,
    hours,
    dayOfMonth,
    month,
    dayOfWeek,
    year,
  };
  const gap = smallestWallClockGapMinutes(schedule);
  const minGap = MIN_CRON_GAP_MINUTES[kind];
  if (gap < minGap) {
    const what = kind === "association" ? "an association" : "a maintenance window";
    fail(
      `this cron fires every ${gap} minute${gap === 1 ? "" : "s"} at times; ${what} may run at most every ${minGap} minutes (e.g. 0/${minGap} in minutes)`,
      minutes.position,
    );
  }
  if (kind === "association") {
    const problem = associationShapeProblem(schedule);
    if (problem) fail(problem.message, problem.position);
  }
  return schedule;
}

type Fail = (message: string, position: number) => never;

function parseField(text: string, position: number, spec: FieldSpec, fail: Fail): CronField {
  const items = parseItems(text, position, spec, fail);
  return { text, position, items, values: expandValues(items, spec) };
}

function parseItems(text: string, position: number, spec: FieldSpec, fail: Fail): CronItem[] {
  if (text === "?") {
    if (spec.name !== "dayOfMonth" && spec.name !== "dayOfWeek") {
      fail(
        `? is allowed only in day-of-month and day-of-week; ${spec.label} allows ${spec.allowed}`,
        position,
      );
    }
    return [{ type: "any" }];
  }
  if (spec.name === "dayOfMonth") {
    if (text === "L") return [{ type: "lastDayOfMonth" }];
    const w = /^(\d+)W$/.exec(text);
    if (w) return [{ type: "nearestWeekday", day: checkRange(w[1]!, position, spec, fail) }];
    const special = text.search(/[LW]/);
    if (special >= 0) {
      fail(
        `${text[special]} must stand alone in day-of-month: L (last day of the month) or nW such as 15W (weekday nearest the 15th)`,
        position + special,
      );
    }
  }
  if (spec.name === "dayOfWeek") {
    // `L` alone in day-of-week is the last day of the week, Saturday (Quartz semantics, as AWS's).
    if (text === "L") return [{ type: "range", from: 7, to: 7, step: 1 }];
    const last = /^([0-9A-Za-z]+?)L$/.exec(text);
    if (last && !/[L#,\-/*]/.test(last[1]!)) {
      return [{ type: "lastWeekdayOfMonth", weekday: parseValue(last[1]!, position, spec, fail) }];
    }
    const nth = /^([0-9A-Za-z]+)#(\d+)$/.exec(text);
    if (nth) {
      const weekday = parseValue(nth[1]!, position, spec, fail);
      const k = Number(nth[2]);
      if (k < 1 || k > 5)
        fail(
          `the n in day#n must be 1-5 (the nth such weekday of the month), found ${nth[2]}`,
          position + nth[1]!.length + 1,
        );
      return [{ type: "nthWeekdayOfMonth", weekday, nth: k }];
    }
    const hash = text.indexOf("#");
    if (hash >= 0) {
      fail(
        "# must be the only expression in day-of-week, as in 3#2 or TUE#2 (lists such as 3#1,6#3 are not allowed)",
        position + hash,
      );
    }
    // No day name contains an L, so any L left here is misplaced.
    const l = text.indexOf("L");
    if (l >= 0)
      fail(
        "L must stand alone in day-of-week: L (Saturday) or nL such as 6L (last Friday of the month)",
        position + l,
      );
  }
  const items: CronItem[] = [];
  let at = 0;
  for (const part of text.split(",")) {
    items.push(parseItem(part, position + at, spec, fail));
    at += part.length + 1;
  }
  return items;
}

/** `*`, `*\/s`, `a`, `a-b`, `a/s`, `a-b/s`. */
function parseItem(part: string, position: number, spec: FieldSpec, fail: Fail): CronItem {
  if (part === "") fail(`expected a value in ${spec.label}: ${spec.allowed}`, position);
  if (part === "?" || part === "*") {
    if (part === "?") fail(`? must be the whole ${spec.label} field, not part of a list`, position);
    return { type: "range", from: spec.min, to: spec.max, step: 1 };
  }
  const slash = part.indexOf("/");
  const base = slash >= 0 ? part.slice(0, slash) : part;
  let step = 1;
  if (slash >= 0) {
    if (spec.name === "dayOfWeek")
      fail(`/ is not allowed in day-of-week; day-of-week allows ${spec.allowed}`, position + slash);
    const stepText = part.slice(slash + 1);
    if (!/^\d+$/.test(stepText))
      fail(`expected a whole number after / in ${spec.label}`, position + slash + 1);
    step = Number(stepText);
    const maxStep = spec.max - spec.min;
    if (step < 1 || step > maxStep)
      fail(
        `the increment after / in ${spec.label} must be 1-${maxStep}, found ${stepText}`,
        position + slash + 1,
      );
  }
  if (base === "*") {
    if (slash < 0) return { type: "range", from: spec.min, to: spec.max, step: 1 };
    return { type: "range", from: spec.min, to: spec.max, step };
  }
  const dash = base.indexOf("-", 1);
  if (dash < 0) {
    const value = parseValue(base, position, spec, fail);
    return { type: "range", from: value, to: slash >= 0 ? spec.max : value, step };
  }
  const from = parseValue(base.slice(0, dash), position, spec, fail);
  const to = parseValue(base.slice(dash + 1), position + dash + 1, spec, fail);
  if (from > to) {
    fail(
      `range ${base} in ${spec.label} runs backwards; write the smaller value first (wrap-around ranges are not supported)`,
      position,
    );
  }
  return { type: "range", from, to, step };
}

/** A number or (month, day-of-week) a name; checks the field's range. */
function parseValue(text: string, position: number, spec: FieldSpec, fail: Fail): number {
  if (text === "") fail(`expected a value in ${spec.label}: ${spec.allowed}`, position);
  if (/^\d+$/.test(text)) return checkRange(text, position, spec, fail);
  if (/^[A-Za-z]+$/.test(text)) {
    const value = spec.names?.[text.toUpperCase()];
    if (value !== undefined) return value;
    if (!spec.names)
      fail(`names are not allowed in ${spec.label}; ${spec.label} allows ${spec.allowed}`, position);
    const names = Object.keys(spec.names);
    fail(`unknown ${spec.label} name "${text}"; use ${names[0]}-${names[names.length - 1]}`, position);
  }
  const bad = text.search(/[^0-9A-Za-z]/);
  const at = bad >= 0 ? bad : text.search(/(?<=\d)[A-Za-z]|(?<=[A-Za-z])\d/);
  const ch = text[Math.max(at, 0)]!;
  return fail(
    `unexpected "${ch}" in ${spec.label}; ${spec.label} allows ${spec.allowed}`,
    position + Math.max(at, 0),
  );
}

function checkRange(digits: string, position: number, spec: FieldSpec, fail: Fail): number {
  const value = Number(digits);
  if (value < spec.min || value > spec.max) {
    if (spec.name === "dayOfWeek") {
      fail(
        `day-of-week must be 1-7 (1 = SUN ... 7 = SAT) or SUN-SAT, found ${digits}; AWS has no day 0 or 8`,
        position,
      );
    }
    fail(`${spec.label} must be ${spec.min}-${spec.max}, found ${digits}`, position);
  }
  return value;
}

function expandValues(items: CronItem[], spec: FieldSpec): number[] {
  const set = new Set<number>();
  for (const item of items) {
    if (item.type === "any" || item.type === "all") {
      for (let v = spec.min; v <= spec.max; v++) set.add(v);
    } else if (item.type === "range") {
      for (let v = item.from; v <= item.to; v += item.step) set.add(v);
    }
  }
  return [...set].sort((a, b) => a - b);
}

/**
 * Smallest wall-clock gap in minutes between two runs, decided from the fields alone: gaps between
 * listed minutes within an hour, and the gap from the last minute of one hour to the first of the
 * next when two adjacent hours are listed (23 and 0 count as adjacent: across midnight the days may
 * be consecutive). Returns Infinity for a single run per hour-pair. Conservative by design: it never
 * under-reports, so a schedule AWS would reject for frequency is rejected here as well.
 */
export function smallestWallClockGapMinutes(s: CronSchedule): number {
  const mins = s.minutes.values;
  const hours = s.hours.values;
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < mins.length; i++) gap = Math.min(gap, mins[i]! - mins[i - 1]!);
  const hourSet = new Set(hours);
  const adjacentHours = hours.some((h) => hourSet.has((h + 1) % 24)) && hours.length > 1;
  if (adjacentHours && mins.length > 0) gap = Math.min(gap, mins[0]! + 60 - mins[mins.length - 1]!);
  return gap;
}
