/** `retrain calendar` for people: runs per pool and day, local and UTC times, clashes inline and listed. */
import { describeProblem } from "@retrain/config/workspace";
import { counted, describeClash, type Style, wallClock } from "@retrain/windows";
import type { Calendar, CalendarProblem, CalendarRun } from "./calendar.js";

const DAY_MS = 86_400_000;

interface Row {
  pool: string;
  day: string;
  local: string;
  utc: string;
  name: string;
  mode: string;
  clashesWith: string[];
}

/** `+1d` when `date` is a day after the heading's day, `-1d` before; empty on the same day. */
function dayShift(date: string, heading: string): string {
  const days = Math.round((Date.parse(date) - Date.parse(heading)) / DAY_MS);
  return days === 0 ? "" : ` ${days > 0 ? "+" : ""}${days}d`;
}

function span(run: CalendarRun, zone: string, heading: string): string {
  const s = wallClock(new Date(run.start), zone);
  const e = wallClock(new Date(run.end), zone);
  return `${s.time}–${e.time} ${zone}${dayShift(s.date, heading)}`;
}

export function renderCalendar(cal: Calendar, style: Style): string {
  // Days are those of --tz when given, else UTC days: the one clock every team's runs share.
  const dayZone = cal.timezone ?? "UTC";
  const rows: Row[] = cal.runs.map((run) => {
    const start = wallClock(new Date(run.start), dayZone);
    const day = `${start.weekday} ${start.date}`;
    return {
      pool: `${run.environment}/${run.pool}`,
      day,
      local: span(run, run.local.zone, start.date),
      utc: `(${span(run, "UTC", start.date)})`,
      name: `${run.team}/${run.window}`,
      mode: `[${run.mode}${run.enabled ? "" : ", disabled"}]`,
      clashesWith: run.clashesWith,
    };
  });
  const width = (pick: (r: Row) => string) => Math.max(0, ...rows.map((r) => pick(r).length));
  const wLocal = width((r) => r.local);
  const wUtc = width((r) => r.utc);
  const wName = width((r) => r.name);

  const zones = cal.timezone ? `${cal.timezone} and UTC` : "each window's own zone and UTC";
  const out: string[] = [
    `Windows from ${cal.from} to ${cal.to} (${counted(cal.weeks, "week")}); times in ${zones}, days in ${dayZone}`,
  ];

  const pools = [
    ...new Set([...cal.windows.map((w) => `${w.environment}/${w.pool}`), ...rows.map((r) => r.pool)]),
  ].sort();
  for (const pool of pools) {
    out.push("", style.paint("bold", pool));
    let day = "";
    for (const r of rows.filter((x) => x.pool === pool)) {
      if (r.day !== day) {
        day = r.day;
        out.push(`  ${day}`);
      }
      const line = `    ${r.local.padEnd(wLocal)}  ${r.utc.padEnd(wUtc)}  ${r.name.padEnd(wName)}  ${r.mode}`;
      out.push(
        r.clashesWith.length > 0
          ? `${line}  ${style.paint("red", `CLASH with ${r.clashesWith.join(", ")}`)}`
          : line,
      );
    }
    const idle = cal.windows.filter((w) => `${w.environment}/${w.pool}` === pool && w.runs === 0);
    for (const w of idle)
      out.push(
        w.neverRuns === undefined
          ? `  no runs in these weeks: ${w.team}/${w.window} (${w.description})`
          : style.paint(
              "red",
              `  never runs again: ${w.team}/${w.window} (${w.description}): ${w.neverRuns}; the policy pack refuses it`,
            ),
      );
  }
  if (pools.length === 0) out.push("", "No windows to show.");

  out.push("");
  if (cal.clashes.length > 0) {
    out.push(style.paint(["bold", "red"], `Clashes between teams (${cal.clashes.length}):`));
    for (const c of cal.clashes) {
      const inZone = cal.timezone
        ? `; in ${cal.timezone} it starts ${wallClock(new Date(c.firstOverlap.start), cal.timezone).date} ${wallClock(new Date(c.firstOverlap.start), cal.timezone).time}`
        : "";
      out.push(`  ${describeClash(c)}${inZone}`);
    }
    out.push("");
  }
  const teams = new Set(cal.windows.map((w) => w.team)).size;
  out.push(
    `${counted(cal.runs.length, "run")} of ${counted(cal.windows.length, "window")} ` +
      `(${counted(teams, "team")}) on ${counted(pools.length, "pool")}; ` +
      (cal.clashes.length === 0
        ? "no clashes between teams"
        : style.paint("red", `${counted(cal.clashes.length, "clash", "clashes")} between teams`)),
  );
  return `${out.join("\n")}\n`;
}

/** `error <file> <key> (line l:c): message`, one line per problem, as `retrain plan` lists them. */
export function renderProblems(problems: readonly CalendarProblem[], style: Style): string {
  return problems.map((p) => `${style.paint("red", "error")} ${describeProblem(p)}\n`).join("");
}
