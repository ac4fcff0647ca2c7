/** `retrain calendar`: every team's windows per pool over the next weeks, from the configs alone. */
import { colorEnabled, counted, createStyle, MAX_WEEKS } from "@retrain/windows";
import { type Command, InvalidArgumentError, Option } from "commander";
import { buildCalendar } from "../calendar.js";
import { renderCalendar, renderProblems } from "../calendar-render.js";
import { type CliContext, fail, ownExitCodesHelp } from "../context.js";
import { collect, instant, timeZone, wholeNumber } from "../flags.js";
import { resolveWorkspace, workspaceOption } from "../workspace-root.js";

export const DEFAULT_CALENDAR_WEEKS = 2;

function poolRef(value: string, previous: string[]): string[] {
  if (!/^[^/\s]+\/[^/\s]+$/.test(value)) {
    throw new InvalidArgumentError("--pool must be <env>/<pool>, such as prod/a10g.");
  }
  return [...previous, value];
}

interface CalendarFlags {
  weeks: number;
  from?: Date;
  team: string[];
  pool: string[];
  tz?: string;
  json?: boolean;
  color: boolean;
  workspace?: string;
}

export function registerCalendar(program: Command, ctx: CliContext): void {
  program
    .command("calendar")
    .description(
      "Show every team's maintenance windows and associations per pool and day over the next weeks, " +
        "in local time and UTC, with clashes between teams. Reads the stack configs only: fast, no Pulumi.",
    )
    .addOption(
      new Option("--weeks <n>", `weeks ahead (1-${MAX_WEEKS})`)
        .default(DEFAULT_CALENDAR_WEEKS)
        .argParser(wholeNumber("--weeks", 1, MAX_WEEKS)),
    )
    .addOption(
      new Option("--from <iso>", "start of the horizon, ISO 8601 with offset (default: now)").argParser(
        instant("--from"),
      ),
    )
    .option("--team <name>", "only this team's windows and its clashes (repeatable)", collect, [])
    .option(
      "--pool <env/pool>",
      "only this pool of this environment, such as prod/a10g (repeatable)",
      poolRef,
      [],
    )
    .addOption(
      new Option(
        "--tz <zone>",
        "show times in this IANA zone and UTC (default: each window's own zone)",
      ).argParser(timeZone("--tz")),
    )
    .option("--json", "print the calendar as JSON: runs, clashes, errors (see docs/cli.md)")
    .option("--no-color", "no colours (also: NO_COLOR, or output that is not a terminal)")
    .addOption(workspaceOption())
    .addHelpText(
      "after",
      ownExitCodesHelp(
        "0 no clashes, 1 windows of different teams clash on a pool, 2 invalid input (flag, config, schedule, reference).",
      ),
    )
    .action((flags: CalendarFlags) => {
      const workspace = resolveWorkspace(ctx.cwd, flags.workspace);
      const calendar = buildCalendar({
        workspace,
        from: flags.from ?? ctx.now(),
        weeks: flags.weeks,
        teams: flags.team,
        pools: flags.pool,
        ...(flags.tz ? { timezone: flags.tz } : {}),
      });
      fail(ctx, calendar.exitCode);
      if (flags.json) {
        ctx.stdout.write(`${JSON.stringify(calendar, null, 2)}\n`);
        return;
      }
      ctx.stdout.write(
        renderCalendar(calendar, createStyle(colorEnabled(ctx.stdout, process.env, flags.color))),
      );
      if (calendar.errors.length > 0) {
        const style = createStyle(colorEnabled(ctx.stderr, process.env, flags.color));
        ctx.stderr.write(renderProblems(calendar.errors, style));
        ctx.stderr.write(
          `${counted(calendar.errors.length, "input problem")}: windows of invalid configs are missing above\n`,
        );
      }
    });
}
