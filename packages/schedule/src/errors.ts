import type { ScheduleErrorInfo } from "./types.js";

/** An expression AWS would reject; `position` is the 0-based offset of the offending character. */
export class ScheduleError extends Error implements ScheduleErrorInfo {
  override readonly name = "ScheduleError";
  readonly position: number;
  readonly expression: string;

  constructor(message: string, position: number, expression: string) {
    super(message);
    this.position = position;
    this.expression = expression;
  }

  toJSON(): ScheduleErrorInfo {
    return { message: this.message, position: this.position, expression: this.expression };
  }
}
