/** `retrain schedule next|explain`: AWS SSM schedule expressions checked, explained and projected. */

import {
  describe,
  nextRuns,
  type ScheduleErrorInfo,
  type ScheduleKind,
  tryParseSchedule,
} from "@retrain/schedule";
import { type Command, Option } from "commander";
import { type CliContext, EXIT, fail, UsageError } from "../context.js";
import { instant, timeZone, wholeNumber } from "../flags.js";
import { formatLocal } from "../time-format.js";

const KINDS: readonly ScheduleKind[] = ["maintenance-window", "association"];
const MAX_COUNT = 1000;

interface ScheduleOptions {
  tz: string;
  from?: Date;
  count: number;
  kind: ScheduleKind;
  json?: boolean;
}

function addScheduleOptions(cmd: Command, withCount: boolean): Command {
  cmd
    .addOption(
      new Option(
        "--tz <zone>",
        "IANA time zone the expression's wall-clock fields are read in (ScheduleTimezone)",
      )
        .default("UTC")
        .argParser(timeZone("--tz")),
    )
    .addOption(
      new Option("--from <iso>", "count runs strictly after this instant (default: now)").argParser(
        instant("--from"),
      ),
    )
    .addOption(
      new Option("--kind <kind>", "where the expression is used; associations allow fewer forms")
        .choices(KINDS)
        .default("maintenance-window"),
    )
    .option(
      "--json",
      'print {"valid":true,"next":[...],"description":"..."} (or {"valid":false,"error":...,"position":N})',
    );
  if (withCount) {
    cmd.addOption(
      new Option("--count <n>", `how many runs to print (1-${MAX_COUNT})`)
        .default(5)
        .argParser(wholeNumber("--count", 1, MAX_COUNT)),
    );
  }
  return cmd;
}

/** Prints an invalid expression's error with its position, and a caret under it on a terminal. */
function reportInvalid(ctx: CliContext, err: ScheduleErrorInfo, json: boolean | undefined): void {
  fail(ctx, EXIT.invalidInput);
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ valid: false, error: err.message, position: err.position })}\n`);
    return;
  }
  let text = `error: invalid schedule expression at position ${err.position}: ${err.message}\n  ${err.expression}\n`;
  if (ctx.stderr.isTTY) text += `  ${" ".repeat(err.position)}^\n`;
  ctx.stderr.write(text);
}

function runSchedule(ctx: CliContext, expression: string, opts: ScheduleOptions): void {
  if (opts.kind === "association" && opts.tz !== "UTC") {
    throw new UsageError(
      `--tz ${opts.tz}: associations (--kind association) run in UTC only; omit --tz or pass UTC`,
    );
  }
  const parsed = tryParseSchedule(expression, { kind: opts.kind });
  if (!parsed.ok) {
    reportInvalid(ctx, parsed.error, opts.json);
    return;
  }
  const from = opts.from ?? ctx.now();
  const runs = nextRuns(expression, { from, count: opts.count, timezone: opts.tz, kind: opts.kind });
  const description = describe(expression, { timezone: opts.tz, kind: opts.kind });
  if (opts.json) {
    ctx.stdout.write(
      `${JSON.stringify({ valid: true, next: runs.map((d) => d.toISOString()), description })}\n`,
    );
    return;
  }
  const after = from.toISOString().replace(".000Z", "Z");
  let text = `${expression}\n  ${description}\n\n`;
  if (runs.length === 0) {
    text += `No runs after ${after}.\n`;
  } else {
    text += `Next ${runs.length === 1 ? "run" : `${runs.length} runs`} after ${after}:\n`;
    for (const d of runs) {
      const utc = d.toISOString().replace(".000Z", "Z");
      text += opts.tz === "UTC" ? `  ${utc}\n` : `  ${utc}  ${formatLocal(d, opts.tz)}\n`;
    }
  }
  ctx.stdout.write(text);
}

export function registerSchedule(program: Command, ctx: CliContext): void {
  const schedule = program
    .command("schedule")
    .description("Check AWS SSM schedule expressions: cron(...) with 6 fields, rate(...), at(...).");

  addScheduleOptions(
    schedule
      .command("next")
      .description("Print the next runs of an expression, in UTC and in --tz local time.")
      .argument("<expression>", 'e.g. "cron(0 4 ? * SUN *)", "rate(6 hours)", "at(2025-07-07T15:55:00)"'),
    true,
  ).action((expression: string, opts: ScheduleOptions) => runSchedule(ctx, expression, opts));

  addScheduleOptions(
    schedule
      .command("explain")
      .description("Say in English when an expression runs, with its next 5 runs.")
      .argument("<expression>", 'e.g. "cron(0 4 ? * SUN *)"'),
    false,
  ).action((expression: string, opts: Omit<ScheduleOptions, "count">) =>
    runSchedule(ctx, expression, { ...opts, count: 5 }),
  );
}
