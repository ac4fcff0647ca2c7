/** Public types of @retrain/schedule (the contract other packages code against). */

/** Where an expression is used: AWS applies different rules to windows and associations. */
export type ScheduleKind = "maintenance-window" | "association";

export interface CronField {
  /** Raw text of the field as written. */
  text: string;
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
