/** Public types of @retrain/schedule (the contract other packages code against). */

/** Where an expression is used: AWS applies different rules to windows and associations. */
export type ScheduleKind = "maintenance-window" | "association";

export type CronFieldName = "minutes" | "hours" | "dayOfMonth" | "month" | "dayOfWeek" | "year";

/**
 * One comma-separated item of a cron field, numbers already resolved (month and day names replaced,
 * day-of-week kept in AWS numbering 1-7 = SUN-SAT).
 */
export type CronItem =
  /** `*` */
  | { type: "all" }
  /** `?` (day-of-month or day-of-week only) */
  | { type: "any" }
  /** `5`, `MON`, `5-10`, `*\/15`, `0/15`, `5-30/5`: every `step`-th value from `from` to `to`. */
  | { type: "range"; from: number; to: number; step: number }
  /** `L` in day-of-month: the last day of the month. */
  | { type: "lastDayOfMonth" }
  /** `15W` in day-of-month: the weekday (MON-FRI) nearest to that day, within the same month. */
  | { type: "nearestWeekday"; day: number }
  /** `6L` in day-of-week: the last such weekday of the month (`L` alone in day-of-week means SAT, 7). */
  | { type: "lastWeekdayOfMonth"; weekday: number }
  /** `3#2` in day-of-week: the nth such weekday of the month. */
  | { type: "nthWeekdayOfMonth"; weekday: number; nth: number };

export interface CronField {
  /** Raw text of the field as written. */
  text: string;
  /** 0-based offset of the field in the expression. */
  position: number;
  items: CronItem[];
  /**
   * The plain values the field matches, sorted (all values of the field's range for `*` and `?`).
   * Empty for the special forms (`L`, `W`, `nL`, `#`), which depend on the month.
   */
  values: number[];
}

export interface CronSchedule {
  type: "cron";
  expression: string;
  minutes: CronField;
  hours: CronField;
  dayOfMonth: CronField;
  month: CronField;
  dayOfWeek: CronField;
  year: CronField;
}

export interface RateSchedule {
  type: "rate";
  expression: string;
  value: number;
  unit: "minutes" | "hours" | "days";
  /** Interval in milliseconds. */
  intervalMs: number;
}

export interface AtSchedule {
  type: "at";
  expression: string;
  /** Wall-clock date-time as written, yyyy-mm-ddThh:mm:ss (in the window's timezone). */
  dateTime: string;
}

export type Schedule = CronSchedule | RateSchedule | AtSchedule;

export interface ScheduleErrorInfo {
  message: string;
  /** 0-based character offset into the expression where the problem is. */
  position: number;
  expression: string;
}

export type ParseResult = { ok: true; schedule: Schedule } | { ok: false; error: ScheduleErrorInfo };

export interface ParseOptions {
  /** Default `maintenance-window`. */
  kind?: ScheduleKind;
}

/** A window's schedule fields as SSM has them. */
export interface WindowSchedule {
  schedule: string;
  timezone?: string;
  durationHours: number;
  cutoffHours?: number;
  offsetDays?: number;
  startDate?: string;
  endDate?: string;
}

/** [start, end) in UTC. */
export interface Interval {
  start: Date;
  end: Date;
}

export interface NextRunsOptions {
  /** Runs strictly after this instant are returned. */
  from: Date;
  /** How many runs, default 5. */
  count?: number;
  /** IANA zone the cron fields and at() are read in (ScheduleTimezone), default UTC. */
  timezone?: string;
  /**
   * The window is active from this instant on (inclusive); also the anchor of rate(...) when it is
   * after `from` (a past StartDate is replaced by the current time, which `from` stands for).
   */
  startDate?: string | Date;
  /** The window is inactive from this instant on (exclusive). */
  endDate?: string | Date;
  /** ScheduleOffset: days after each cron date the window runs (cron only). */
  offsetDays?: number;
  /** Default `maintenance-window`; used when the expression is parsed. */
  kind?: ScheduleKind;
}

export interface MinimumIntervalOptions {
  timezone?: string;
  /** Start of the sampled horizon, default now. */
  from?: Date;
  /** Days sampled for cron expressions, default 366 (a leap year of calendar patterns). */
  horizonDays?: number;
  kind?: ScheduleKind;
}
