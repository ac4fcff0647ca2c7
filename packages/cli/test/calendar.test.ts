import { describe, expect, it } from "vitest";
import { REPO_ROOT, workspaceCopies } from "../../plan/test/support/workspace.js";
import { retrain } from "./run.js";

// Mon 2025-10-13 for two weeks: Berlin leaves summer time on Sun 2025-10-26, New York stays on EDT.
const FROM = "2025-10-13T00:00:00Z";
const VISION = "stacks/scheduling/teams/vision/Pulumi.vision.yaml";
const WINDOW0 = ["config", "scheduling:windows", 0] as const;

/** The text calendar as pool → day heading → run lines (the three indentation levels people read). */
function sections(stdout: string): Map<string, Map<string, string[]>> {
  const pools = new Map<string, Map<string, string[]>>();
  let days: Map<string, string[]> | undefined;
  let lines: string[] | undefined;
  for (const line of stdout.split("\n")) {
    if (/^\S+\/\S+$/.test(line)) {
      days = new Map();
      pools.set(line, days);
    } else if (days && /^ {2}\w{3} \d{4}-\d{2}-\d{2}$/.test(line)) {
      lines = [];
      days.set(line.trim(), lines);
    } else if (lines && line.startsWith("    ")) {
      lines.push(line.trim().replace(/\s{2,}/g, "  "));
    } else if (line.trim() === "") {
      lines = undefined;
    }
  }
  return pools;
}

interface JsonCalendar {
  from: string;
  to: string;
  weeks: number;
  timezone: string | null;
  windows: {
    team: string;
    window: string;
    environment: string;
    pool: string;
    runs: number;
    neverRuns?: string;
  }[];
  runs: {
    environment: string;
    pool: string;
    team: string;
    window: string;
    mode: string;
    enabled: boolean;
    timezone: string;
    start: string;
    end: string;
    local: { zone: string; start: string; end: string };
    clashesWith: string[];
  }[];
  clashes: {
    environment: string;
    pool: string;
    a: { team: string; window: string };
    b: { team: string; window: string };
    firstOverlap: { start: string; end: string };
    overlapCount: number;
  }[];
  errors: { file: string; key?: string; message: string }[];
  exitCode: number;
}

describe("retrain calendar on the example workspace", () => {
  it("exits 0 and lists each team's runs under its pool and UTC day, in local time and UTC", async () => {
    const r = await retrain(["calendar", "--workspace", REPO_ROOT, "--from", FROM]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const pools = sections(r.stdout);
    const cases: { pool: string; day: string; line: string }[] = [
      // Berlin summer time (UTC+2), then winter time (UTC+1) after 2025-10-26 03:00.
      {
        pool: "prod/a10g",
        day: "Sun 2025-10-19",
        line: "04:00–08:00 Europe/Berlin  (02:00–06:00 UTC)  vision/weekly-retrain  [maintenance-window]",
      },
      {
        pool: "prod/a10g",
        day: "Sun 2025-10-26",
        line: "04:00–08:00 Europe/Berlin  (03:00–07:00 UTC)  vision/weekly-retrain  [maintenance-window]",
      },
      {
        pool: "prod/l4",
        day: "Mon 2025-10-13",
        line: "01:00–05:00 America/New_York  (05:00–09:00 UTC)  nlp/nightly-finetune  [maintenance-window]",
      },
      {
        pool: "prod/l4",
        day: "Sat 2025-10-25",
        line: "06:00–09:00 America/New_York  (10:00–13:00 UTC)  nlp/weekly-eval  [maintenance-window]",
      },
      // An association holds the pool for its task's timeout (3600 s).
      {
        pool: "dev/a10g",
        day: "Sun 2025-10-26",
        line: "02:30–03:30 UTC  (02:30–03:30 UTC)  recsys/daily-refresh  [association]",
      },
    ];
    for (const c of cases) {
      expect(pools.get(c.pool)?.get(c.day), `${c.pool} ${c.day}`).toContain(c.line);
    }
    expect([...pools.keys()]).toEqual(["dev/a10g", "prod/a10g", "prod/l4"]);
    // Weeknights only: no nightly-finetune on the weekend.
    expect(pools.get("prod/l4")?.get("Sun 2025-10-19")).toBeUndefined();
    expect(r.stdout).toMatch(/28 runs of 4 windows \(3 teams\) on 3 pools; no clashes between teams/);
  });

  it("--json lists every run with UTC and local times, the windows, no clashes and exit code 0", async () => {
    const r = await retrain(["calendar", "--workspace", REPO_ROOT, "--from", FROM, "--json"]);
    expect(r.code).toBe(0);
    const cal = JSON.parse(r.stdout) as JsonCalendar;
    expect(Object.keys(cal)).toEqual([
      "from",
      "to",
      "weeks",
      "workspace",
      "timezone",
      "windows",
      "runs",
      "clashes",
      "errors",
      "exitCode",
    ]);
    expect(cal).toMatchObject({
      from: FROM,
      to: "2025-10-27T00:00:00Z",
      weeks: 2,
      timezone: null,
      clashes: [],
      errors: [],
      exitCode: 0,
    });
    const count = (team: string, window: string) =>
      cal.runs.filter((x) => x.team === team && x.window === window).length;
    const expected: [string, string, number][] = [
      ["nlp", "nightly-finetune", 10],
      ["nlp", "weekly-eval", 2],
      ["recsys", "daily-refresh", 14],
      ["vision", "weekly-retrain", 2],
    ];
    for (const [team, window, n] of expected) {
      expect(count(team, window), `${team}/${window}`).toBe(n);
      expect(cal.windows.find((w) => w.team === team && w.window === window)?.runs).toBe(n);
    }
    expect(cal.runs.find((x) => x.team === "vision" && x.start === "2025-10-26T03:00:00Z")).toEqual({
      environment: "prod",
      pool: "a10g",
      team: "vision",
      stackId: "scheduling/vision",
      window: "weekly-retrain",
      mode: "maintenance-window",
      enabled: true,
      timezone: "Europe/Berlin",
      start: "2025-10-26T03:00:00Z",
      end: "2025-10-26T07:00:00Z",
      local: { zone: "Europe/Berlin", start: "2025-10-26T04:00:00+01:00", end: "2025-10-26T08:00:00+01:00" },
      clashesWith: [],
    });
  });

  it("--tz shows every run in that zone and groups by its days", async () => {
    const r = await retrain(["calendar", "--workspace", REPO_ROOT, "--from", FROM, "--tz", "Asia/Tokyo"]);
    expect(r.code).toBe(0);
    const pools = sections(r.stdout);
    // 05:00 UTC Monday is 14:00 Monday in Tokyo; 02:00 UTC Sunday is 11:00 Sunday.
    expect(pools.get("prod/l4")?.get("Mon 2025-10-13")).toContain(
      "14:00–18:00 Asia/Tokyo  (05:00–09:00 UTC)  nlp/nightly-finetune  [maintenance-window]",
    );
    expect(pools.get("prod/a10g")?.get("Sun 2025-10-19")).toContain(
      "11:00–15:00 Asia/Tokyo  (02:00–06:00 UTC)  vision/weekly-retrain  [maintenance-window]",
    );
    // West of UTC the Sunday 02:00 UTC run is Saturday evening: UTC times on the next day say +1d.
    const west = await retrain([
      "calendar",
      "--workspace",
      REPO_ROOT,
      "--from",
      FROM,
      "--tz",
      "America/Los_Angeles",
    ]);
    expect(sections(west.stdout).get("prod/a10g")?.get("Sat 2025-10-18")).toContain(
      "19:00–23:00 America/Los_Angeles  (02:00–06:00 UTC +1d)  vision/weekly-retrain  [maintenance-window]",
    );
  });

  it("--team and --pool narrow the calendar", async () => {
    const team = await retrain([
      "calendar",
      "--workspace",
      REPO_ROOT,
      "--from",
      FROM,
      "--team",
      "nlp",
      "--json",
    ]);
    expect(team.code).toBe(0);
    const byTeam = JSON.parse(team.stdout) as JsonCalendar;
    expect(new Set(byTeam.runs.map((x) => x.team))).toEqual(new Set(["nlp"]));
    const pool = await retrain(["calendar", "--workspace", REPO_ROOT, "--from", FROM, "--pool", "prod/a10g"]);
    expect(pool.code).toBe(0);
    expect([...sections(pool.stdout).keys()]).toEqual(["prod/a10g"]);
  });
});

describe("retrain calendar on edited workspaces", () => {
  const copy = workspaceCopies();
  /** Security grants vision `pools` of prod in the copy's registry, so the calendar sees the edit. */
  const grantVision = (ws: ReturnType<typeof copy>, pools: string[]) =>
    ws.editYaml("policies/tenants.yaml", (doc) =>
      doc.setIn(["teams", "vision", "grants"], doc.createNode([{ environment: "prod", pools }])),
    );

  it("exits 1 when two teams hold one pool at once, marking the runs and naming both teams and windows", async () => {
    const ws = copy();
    // vision moves to nlp's l4 pool on Saturdays 12:00 Berlin = 10:00 UTC, over nlp/weekly-eval (10:00-13:00 UTC).
    grantVision(ws, ["a10g", "l4"]);
    ws.editYaml(VISION, (doc) => {
      doc.setIn([...WINDOW0, "pool"], "l4");
      doc.setIn([...WINDOW0, "schedule"], "cron(0 12 ? * SAT *)");
    });
    const r = await retrain(["calendar", "--workspace", ws.root, "--from", FROM]);
    expect(r.code).toBe(1);
    const sat = sections(r.stdout).get("prod/l4")?.get("Sat 2025-10-18") ?? [];
    expect(sat).toContain(
      "06:00–09:00 America/New_York  (10:00–13:00 UTC)  nlp/weekly-eval  [maintenance-window]  CLASH with vision/weekly-retrain",
    );
    expect(sat).toContain(
      "12:00–16:00 Europe/Berlin  (10:00–14:00 UTC)  vision/weekly-retrain  [maintenance-window]  CLASH with nlp/weekly-eval",
    );
    const listed = r.stdout.slice(r.stdout.indexOf("Clashes between teams (1):"));
    expect(listed).toMatch(/nlp\/weekly-eval and vision\/weekly-retrain both hold pool l4 in prod/);
    expect(listed).toMatch(/first clash 2025-10-18T10:00:00Z/);
    // Local time of each side's first clashing run as well as UTC.
    expect(listed).toMatch(/2025-10-18 12:00 GMT\+2 \(2025-10-18T10:00:00Z\)/);
    expect(listed).toMatch(/2025-10-18 06:00 EDT \(2025-10-18T10:00:00Z\)/);

    const json = JSON.parse(
      (await retrain(["calendar", "--workspace", ws.root, "--from", FROM, "--json"])).stdout,
    ) as JsonCalendar;
    expect(json.exitCode).toBe(1);
    expect(json.clashes).toHaveLength(1);
    expect(json.clashes[0]).toMatchObject({
      environment: "prod",
      pool: "l4",
      a: { team: "nlp", window: "weekly-eval" },
      b: { team: "vision", window: "weekly-retrain" },
      firstOverlap: { start: "2025-10-18T10:00:00Z", end: "2025-10-18T13:00:00Z" },
      overlapCount: 2,
    });
    expect(json.runs.filter((x) => x.clashesWith.length > 0)).toHaveLength(4);
  });

  it.each([
    [
      "clashes in its season after the horizon: exit 1, listed as after the horizon",
      "cron(0 12 ? JUN SAT *)",
      1,
    ],
    ["runs in its season beside the other team's window: exit 0", "cron(0 18 ? JUN SAT *)", 0],
  ])("a seasonal window on a shared pool %s", async (_name, schedule, code) => {
    const ws = copy();
    grantVision(ws, ["a10g", "l4"]);
    // June Saturdays 12:00 Berlin = 10:00 UTC, over nlp/weekly-eval (06:00 New York = 10:00 UTC), but
    // the two-week horizon from October holds no June run.
    ws.editYaml(VISION, (doc) => {
      doc.setIn([...WINDOW0, "pool"], "l4");
      doc.setIn([...WINDOW0, "schedule"], schedule);
    });
    const json = JSON.parse(
      (await retrain(["calendar", "--workspace", ws.root, "--from", FROM, "--json"])).stdout,
    ) as JsonCalendar & { clashes: { beyondHorizon?: boolean; overlaps: unknown[] }[] };
    expect(json.exitCode).toBe(code);
    expect(json.runs.filter((x) => x.team === "vision" && x.pool === "l4")).toEqual([]);
    if (code === 0) {
      expect(json.clashes).toEqual([]);
      return;
    }
    expect(json.clashes).toHaveLength(1);
    expect(json.clashes[0]).toMatchObject({
      pool: "l4",
      a: { team: "nlp", window: "weekly-eval" },
      b: { team: "vision", window: "weekly-retrain" },
      firstOverlap: { start: "2026-06-06T10:00:00Z", end: "2026-06-06T13:00:00Z" },
      overlapCount: 0,
      overlaps: [],
      beyondHorizon: true,
    });
    const r = await retrain(["calendar", "--workspace", ws.root, "--from", FROM]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/first clash 2026-06-06T10:00:00Z \(after the horizon\)/);
  });

  it("compares a window that starts late in the lookahead over a year of its runs, not one", async () => {
    const ws = copy();
    grantVision(ws, ["a10g", "l4"]);
    // nlp evaluates in March only; vision adds a Saturday window starting in 362 days, near the end
    // of the 53-week lookahead. They first meet on 2027-03-06 (11:00 UTC: 12:00 CET, 06:00 EST).
    ws.editYaml("stacks/scheduling/teams/nlp/Pulumi.nlp.yaml", (doc) =>
      doc.setIn(["config", "scheduling:windows", 1, "schedule"], "cron(0 6 ? MAR SAT *)"),
    );
    ws.editYaml(VISION, (doc) => {
      doc.setIn([...WINDOW0, "pool"], "l4");
      doc.setIn([...WINDOW0, "schedule"], "cron(0 12 ? * SAT *)");
      doc.setIn([...WINDOW0, "startDate"], "2026-10-10T00:00:00Z");
    });
    const json = JSON.parse(
      (await retrain(["calendar", "--workspace", ws.root, "--from", FROM, "--json"])).stdout,
    ) as JsonCalendar & { clashes: { beyondHorizon?: boolean }[] };
    expect(json.exitCode).toBe(1);
    expect(json.clashes).toHaveLength(1);
    expect(json.clashes[0]).toMatchObject({
      a: { team: "nlp", window: "weekly-eval" },
      b: { team: "vision", window: "weekly-retrain" },
      firstOverlap: { start: "2027-03-06T11:00:00Z" },
      beyondHorizon: true,
    });
  });

  it("a team filter still reports its clashes with other teams", async () => {
    const ws = copy();
    grantVision(ws, ["a10g", "l4"]);
    ws.editYaml(VISION, (doc) => {
      doc.setIn([...WINDOW0, "pool"], "l4");
      doc.setIn([...WINDOW0, "schedule"], "cron(0 12 ? * SAT *)");
    });
    const r = await retrain(["calendar", "--workspace", ws.root, "--from", FROM, "--team", "vision"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/nlp\/weekly-eval and vision\/weekly-retrain/);
    const recsys = await retrain(["calendar", "--workspace", ws.root, "--from", FROM, "--team", "recsys"]);
    expect(recsys.code).toBe(0);
  });

  it("says which window never runs again, and why, apart from one with no run in these weeks", async () => {
    const ws = copy();
    // Before the calendar's start: the window is valid config, and dead from FROM on.
    ws.editYaml(VISION, (doc) => doc.setIn([...WINDOW0, "endDate"], "2025-10-01T00:00:00Z"));
    const r = await retrain(["calendar", "--workspace", ws.root, "--from", FROM]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /never runs again: vision\/weekly-retrain \(.*\): its endDate 2025-10-01T00:00:00Z has passed; the policy pack refuses it/,
    );
    const json = JSON.parse(
      (await retrain(["calendar", "--workspace", ws.root, "--from", FROM, "--json"])).stdout,
    ) as JsonCalendar;
    const dead = json.windows.find((w) => w.team === "vision" && w.window === "weekly-retrain");
    expect(dead).toMatchObject({ runs: 0, neverRuns: "its endDate 2025-10-01T00:00:00Z has passed" });
    // Windows with runs ahead carry no such field.
    expect(json.windows.filter((w) => w.neverRuns !== undefined)).toHaveLength(1);
    // Disabled, it is meant not to run: no longer said.
    ws.editYaml(VISION, (doc) => doc.setIn([...WINDOW0, "enabled"], false));
    const off = await retrain(["calendar", "--workspace", ws.root, "--from", FROM]);
    expect(off.stdout).not.toMatch(/never runs again/);
  });

  it("exits 2 on an invalid cron, naming the file and the key", async () => {
    const ws = copy();
    ws.editYaml(VISION, (doc) => doc.setIn([...WINDOW0, "schedule"], "cron(0 4 ? * 0 *)"));
    const r = await retrain(["calendar", "--workspace", ws.root, "--from", FROM]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error stacks\/scheduling\/teams\/vision\/Pulumi\.vision\.yaml scheduling:windows\[0\]\.schedule \(line \d+:\d+\): .*day-of-week/,
    );
    // The other teams' windows are still shown.
    expect(r.stdout).toMatch(/nlp\/nightly-finetune/);
    const json = JSON.parse(
      (await retrain(["calendar", "--workspace", ws.root, "--from", FROM, "--json"])).stdout,
    ) as JsonCalendar;
    expect(json.exitCode).toBe(2);
    expect(json.errors).toContainEqual(
      expect.objectContaining({ file: VISION, key: "scheduling:windows[0].schedule" }),
    );
  });

  it("exits 2 when a window names a pool its fleet does not have", async () => {
    const ws = copy();
    grantVision(ws, ["a10g", "h100"]);
    ws.editYaml(VISION, (doc) => doc.setIn([...WINDOW0, "pool"], "h100"));
    const r = await retrain(["calendar", "--workspace", ws.root, "--from", FROM]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Pulumi\.vision\.yaml scheduling:windows\[0\]\.pool \(line \d+:\d+\): pool "h100" does not exist/,
    );
  });
});

describe("retrain calendar flags", () => {
  const cases: { args: string[]; error: RegExp }[] = [
    { args: ["--weeks", "0"], error: /--weeks must be a whole number from 1 to 52/ },
    { args: ["--weeks", "53"], error: /--weeks must be a whole number from 1 to 52/ },
    { args: ["--weeks", "two"], error: /--weeks must be a whole number from 1 to 52/ },
    { args: ["--from", "2025-10-13"], error: /--from must be an ISO 8601 instant with a UTC offset/ },
    { args: ["--tz", "Mars/Olympus"], error: /--tz must be an IANA time zone/ },
    { args: ["--pool", "a10g"], error: /--pool must be <env>\/<pool>/ },
    {
      args: ["--pool", "prod/h100"],
      error: /--pool "prod\/h100": unknown; known pools .*dev\/a10g.*prod\/l4/,
    },
    { args: ["--team", "nobody"], error: /--team "nobody": unknown; known teams: nlp, recsys, vision/ },
    { args: ["--frobnicate"], error: /unknown option '--frobnicate'/ },
  ];
  it.each(cases)("exits 2 for $args", async ({ args, error }) => {
    const r = await retrain(["calendar", "--workspace", REPO_ROOT, "--from", FROM, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(error);
    expect(r.stdout).toBe("");
  });

  it("exits 2 when the workspace has no stacks", async () => {
    const r = await retrain(["calendar", "--workspace", `${REPO_ROOT}/docs`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no stack configs found under/);
  });

  it("--help exits 0 and names the options", async () => {
    const r = await retrain(["calendar", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of [
      "--weeks",
      "--from",
      "--team",
      "--pool",
      "--tz",
      "--json",
      "--no-color",
      "--workspace",
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});
