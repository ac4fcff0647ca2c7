/**
 * nextRuns (croner as a wall clock + Temporal zone mapping) against a brute-force reference that
 * shares no code with it: expressions are generated from a structured spec, which the reference
 * evaluates directly, minute by minute over real instants, reading wall-clock fields with Intl.
 */
import fc from "fast-check";
import { expect, describe as group, it } from "vitest";
import { nextRuns, tryParseSchedule } from "../src/index.js";

type Spec =
  | { kind: "star" }
  | { kind: "any" }
  | { kind: "values"; values: number[] }
  | { kind: "range"; from: number; to: number; step: number }
  | { kind: "startStep"; from: number; step: number }
  | { kind: "L" }
  | { kind: "W"; day: number }
  | { kind: "lastWeekday"; weekday: number }
  | { kind: "nth"; weekday: number; nth: number };

interface CronSpec {
  minutes: Spec;
  hours: Spec;
  dom: Spec;
  month: Spec;
  dow: Spec;
  year: Spec;
}

const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

function text(spec: Spec, names?: string[], min = 0): string {
  const name = (n: number) => (names && n % 2 === 0 ? names[n - min]! : String(n));
  switch (spec.kind) {
    case "star":
      return "*";
    case "any":
      return "?";
    case "values":
      return spec.values.map(name).join(",");
    case "range":
      return `${name(spec.from)}-${name(spec.to)}${spec.step > 1 ? `/${spec.step}` : ""}`;
    case "startStep":
      return `${spec.from}/${spec.step}`;
    case "L":
      return "L";
    case "W":
      return `${spec.day}W`;
    case "lastWeekday":
      return `${spec.weekday}L`;
    case "nth":
      return `${spec.weekday}#${spec.nth}`;
  }
}

function cronText(c: CronSpec): string {
  return `cron(${text(c.minutes)} ${text(c.hours)} ${text(c.dom)} ${text(c.month, MONTHS, 1)} ${text(c.dow, DAYS, 1)} ${text(c.year)})`;
}

const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Does `value` match a plain spec (no day specials)? */
function plainMatch(spec: Spec, value: number, max: number): boolean {
  switch (spec.kind) {
    case "star":
    case "any":
      return true;
    case "values":
      return spec.values.includes(value);
    case "range":
      return value >= spec.from && value <= spec.to && (value - spec.from) % spec.step === 0;
    case "startStep":
      return value >= spec.from && value <= max && (value - spec.from) % spec.step === 0;
    default:
      throw new Error(`not a plain spec: ${spec.kind}`);
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 1-7 = SUN-SAT */
  weekday: number;
}

/** Quartz/AWS semantics of a cron spec on one wall-clock minute, written from the documentation. */
function matches(c: CronSpec, w: Wall): boolean {
  if (!plainMatch(c.minutes, w.minute, 59) || !plainMatch(c.hours, w.hour, 23)) return false;
  if (!plainMatch(c.month, w.month, 12) || !plainMatch(c.year, w.year, 2199)) return false;
  const last = lastDay(w.year, w.month);
  const dom = c.dom;
  if (dom.kind === "L") {
    if (w.day !== last) return false;
  } else if (dom.kind === "W") {
    if (dom.day > last) return false;
    const dowOfTarget = new Date(Date.UTC(w.year, w.month - 1, dom.day)).getUTCDay(); // 0 = SUN
    let target = dom.day;
    if (dowOfTarget === 6) target = dom.day === 1 ? 3 : dom.day - 1;
    else if (dowOfTarget === 0) target = dom.day === last ? dom.day - 2 : dom.day + 1;
    if (w.day !== target) return false;
  } else if (!plainMatch(dom, w.day, 31)) return false;
  const dow = c.dow;
  if (dow.kind === "L") return w.weekday === 7;
  if (dow.kind === "lastWeekday") return w.weekday === dow.weekday && w.day + 7 > last;
  if (dow.kind === "nth") return w.weekday === dow.weekday && Math.ceil(w.day / 7) === dow.nth;
  return plainMatch(dow, w.weekday, 7);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function wallOf(ms: number, timeZone: string): Wall {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(ms))) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    weekday: DAYS.indexOf(p.weekday!.toUpperCase()) + 1,
  };
}

/**
 * Every minute instant in (from, to): fire when the wall time (minus offsetDays for the day fields)
 * matches and that wall time has not been seen before (a repeated wall time runs once). Gap wall
 * times never show up, so they are skipped by construction. Scanning starts 3 h early so a wall
 * time first seen before `from` is known to have run already.
 */
function reference(
  c: CronSpec,
  fromMs: number,
  toMs: number,
  timeZone: string,
  offsetDays: number,
): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (let t = Math.floor((fromMs - 3 * 3_600_000) / 60_000) * 60_000; t < toMs; t += 60_000) {
    const w = wallOf(t, timeZone);
    const key = `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const cronDate = new Date(Date.UTC(w.year, w.month - 1, w.day - offsetDays));
    const shifted: Wall = {
      ...w,
      year: cronDate.getUTCFullYear(),
      month: cronDate.getUTCMonth() + 1,
      day: cronDate.getUTCDate(),
      weekday: cronDate.getUTCDay() + 1,
    };
    if (t > fromMs && matches(c, shifted)) out.push(new Date(t).toISOString());
  }
  return out;
}

const ZONES = [
  "UTC",
  "America/New_York",
  "Europe/Berlin",
  "Australia/Sydney",
  "Australia/Lord_Howe", // 30-minute DST shift
  "Pacific/Chatham", // +12:45 / +13:45
  "America/St_Johns", // -03:30 / -02:30
  "Asia/Kolkata",
  "America/Santiago", // transitions at midnight
];

/** Instants shortly before DST transitions of 2025-2026, plus arbitrary ones. */
const TRANSITIONS = [
  "2025-03-09T07:00:00Z",
  "2025-11-02T06:00:00Z",
  "2025-03-30T01:00:00Z",
  "2025-10-26T01:00:00Z",
  "2025-04-05T16:00:00Z",
  "2025-10-04T16:00:00Z",
  "2025-04-05T15:00:00Z",
  "2025-09-27T14:00:00Z",
  "2025-04-06T03:00:00Z",
  "2025-09-07T04:00:00Z",
].map(Date.parse);

const minuteSpec = fc.oneof(
  fc.integer({ min: 0, max: 59 }).map((v): Spec => ({ kind: "values", values: [v] })),
  fc
    .uniqueArray(fc.integer({ min: 0, max: 59 }), { minLength: 2, maxLength: 4 })
    .map((vs): Spec => ({ kind: "values", values: vs.sort((a, b) => a - b) })),
  fc
    .record({ from: fc.integer({ min: 0, max: 29 }), step: fc.integer({ min: 5, max: 40 }) })
    .map((r): Spec => ({ kind: "startStep", ...r })),
);
const hourSpec = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Spec>({ kind: "star" }) },
  {
    weight: 3,
    arbitrary: fc
      .uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 4 })
      .map((vs): Spec => ({ kind: "values", values: vs.sort((a, b) => a - b) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 6 }))
      .map(([a, b, step]): Spec => ({ kind: "range", from: Math.min(a, b), to: Math.max(a, b), step })),
  },
);
const domSpec = fc.oneof(
  fc.constant<Spec>({ kind: "star" }),
  fc.constant<Spec>({ kind: "L" }),
  fc.integer({ min: 1, max: 31 }).map((day): Spec => ({ kind: "W", day })),
  fc
    .tuple(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: 3 }))
    .map(([a, b, step]): Spec => ({ kind: "range", from: Math.min(a, b), to: Math.max(a, b), step })),
);
const dowSpec = fc.oneof(
  fc.constant<Spec>({ kind: "star" }),
  fc.constant<Spec>({ kind: "L" }),
  fc.integer({ min: 1, max: 7 }).map((weekday): Spec => ({ kind: "lastWeekday", weekday })),
  fc
    .record({ weekday: fc.integer({ min: 1, max: 7 }), nth: fc.integer({ min: 1, max: 5 }) })
    .map((r): Spec => ({ kind: "nth", ...r })),
  fc
    .uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 })
    .map((vs): Spec => ({ kind: "values", values: vs.sort((a, b) => a - b) })),
  fc
    .tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }))
    .map(([a, b]): Spec => ({ kind: "range", from: Math.min(a, b), to: Math.max(a, b), step: 1 })),
);
const monthSpec = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Spec>({ kind: "star" }) },
  {
    weight: 1,
    arbitrary: fc
      .uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 })
      .map((vs): Spec => ({ kind: "values", values: vs.sort((a, b) => a - b) })),
  },
);
const yearSpec = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Spec>({ kind: "star" }) },
  { weight: 1, arbitrary: fc.constant<Spec>({ kind: "range", from: 2025, to: 2026, step: 1 }) },
);

const cronSpec = fc
  .record({
    minutes: minuteSpec,
    hours: hourSpec,
    day: fc.boolean(),
    dom: domSpec,
    month: monthSpec,
    dow: dowSpec,
    year: yearSpec,
  })
  .map(({ day, ...c }): CronSpec => (day ? { ...c, dow: { kind: "any" } } : { ...c, dom: { kind: "any" } }));

const fromArb = fc.oneof(
  fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * 86_400, max: 86_400 }))
    .map(([t, s]) => t + s * 1000),
  fc.integer({ min: Date.parse("2024-01-01T00:00:00Z"), max: Date.parse("2026-12-31T00:00:00Z") }),
);

group("nextRuns agrees with a brute-force reference", () => {
  it("for random valid cron expressions, zones, offsets and ranges", () => {
    fc.assert(
      fc.property(
        cronSpec,
        fc.constantFrom(...ZONES),
        fromArb,
        fc.oneof(
          { weight: 3, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }) },
        ),
        (spec, timezone, fromMs, offsetDays) => {
          const expr = cronText(spec);
          const parsed = tryParseSchedule(expr);
          // The 5-minute rule is decided conservatively by the parser; such expressions are out of scope here.
          fc.pre(parsed.ok || !/fires every/.test(parsed.error.message));
          expect(parsed).toMatchObject({ ok: true });
          const toMs = fromMs + 5 * 86_400_000;
          const expected = reference(spec, fromMs, toMs, timezone, offsetDays);
          const actual = nextRuns(expr, {
            from: new Date(fromMs),
            timezone,
            offsetDays,
            endDate: new Date(toMs),
            count: 10_000,
          }).map((d) => d.toISOString());
          expect({ expr, timezone, from: new Date(fromMs).toISOString(), offsetDays, runs: actual }).toEqual({
            expr,
            timezone,
            from: new Date(fromMs).toISOString(),
            offsetDays,
            runs: expected,
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

group("robustness", () => {
  const alphabet = fc.constantFrom(
    ..."cronateday()minuteshoursL W#?*/,-0123456789 JANFEBSUNMONTHU:T".split(""),
    "cron(",
    "rate(",
    "at(",
    ")",
    " * ",
    "2025-01-01T00:00:00",
  );
  const noisy = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.array(alphabet, { maxLength: 20 }).map((xs) => xs.join("")),
  );

  it("random strings either parse or fail with a position inside the expression", () => {
    fc.assert(
      fc.property(
        noisy,
        fc.constantFrom("maintenance-window" as const, "association" as const),
        (expr, kind) => {
          const r = tryParseSchedule(expr, { kind });
          if (r.ok) {
            expect(r.schedule.expression).toBe(expr);
            // Accepted expressions must also be usable.
            expect(
              Array.isArray(nextRuns(expr, { from: new Date("2025-01-01T00:00:00Z"), count: 2, kind })),
            ).toBe(true);
          } else {
            expect(r.error.expression).toBe(expr);
            expect(r.error.position).toBeGreaterThanOrEqual(0);
            expect(r.error.position).toBeLessThanOrEqual(expr.length);
            expect(r.error.message.length).toBeGreaterThan(10);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("mutated valid expressions never crash", () => {
    const seeds = [
      "cron(0 4 ? * SUN *)",
      "cron(30 23 ? * TUE#3 *)",
      "cron(0 9 15W * ? 2025)",
      "rate(5 minutes)",
      "at(2025-07-07T15:55:00)",
    ];
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.nat(), fc.string({ maxLength: 3 }), (seed, at, insert) => {
        const i = at % (seed.length + 1);
        const expr = seed.slice(0, i) + insert + seed.slice(i + (at % 2));
        const r = tryParseSchedule(expr);
        if (!r.ok) {
          expect(r.error.position).toBeGreaterThanOrEqual(0);
          expect(r.error.position).toBeLessThanOrEqual(expr.length);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
