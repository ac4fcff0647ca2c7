import { colorEnabled, createStyle } from "@retrain/windows";
import { describe, expect, it } from "vitest";
import { renderHtml } from "../src/render/html.js";
import { renderJson } from "../src/render/json.js";
import { renderTerminal } from "../src/render/terminal.js";
import { sampleReport } from "./support/report.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point.
const ANSI = /\u001b\[/;

describe("terminal renderer", () => {
  const report = sampleReport();

  it("prints no escape codes when colours are off, and some when on", () => {
    expect(renderTerminal(report, { style: createStyle(false) })).not.toMatch(ANSI);
    expect(renderTerminal(report, { style: createStyle(true) })).toMatch(ANSI);
  });

  it("nests resources under their parent and shows the key inputs of windows and tasks", () => {
    const lines = renderTerminal(report, { style: createStyle(false) }).split("\n");
    const indexOf = (text: string) => lines.findIndex((l) => l.includes(text));
    const indent = (i: number) => lines[i]!.search(/[├└]/);
    const component = indexOf("retrain:scheduling:RetrainingWindow");
    const window = indexOf("aws:ssm/maintenanceWindow:MaintenanceWindow");
    expect(component).toBeGreaterThan(-1);
    expect(window).toBeGreaterThan(component);
    expect(indent(window)).toBeGreaterThan(indent(component));
    const below = lines.slice(window + 1, window + 6).join("\n");
    expect(below).toContain("schedule: cron(0 4 ? * SUN *)");
    expect(below).toContain("scheduleTimezone: Europe/Berlin");
    expect(below).toContain("duration: 3");
    expect(lines.join("\n")).toContain("taskType: RUN_COMMAND");
  });

  it("does not show stacks that only ran to feed a selected stack", () => {
    expect(renderTerminal(report, { style: createStyle(false) })).not.toContain("retrain-iam/prod");
  });

  it("groups violations by stack and policy with the pack's message and level", () => {
    const text = renderTerminal(report, { style: createStyle(false) });
    const section = text.slice(text.indexOf("Policy violations:"));
    expect(section).toMatch(
      /retrain-scheduling\/vision\n\s+\[mandatory\] retrain-guard: no-over-long-windows\n/,
    );
    expect(section).toContain("second line");
    expect(section).toMatch(/\[advisory\] retrain-guard: fleet-hygiene/);
  });

  it("names both teams, windows and the first clash in local time and UTC", () => {
    const text = renderTerminal(report, { style: createStyle(false) });
    const section = text.slice(text.indexOf("Cross-team clashes"));
    for (const part of [
      "vision/weekly-retrain",
      "nlp/sunday-finetune",
      "a10g",
      "2026-12-06T05:00:00Z",
      "2026-12-06 04:00",
      "2026-12-06 00:00",
    ]) {
      expect(section).toContain(part);
    }
  });

  it("keeps problems and the summary but drops the tree and cost with --quiet", () => {
    const text = renderTerminal(report, { style: createStyle(false), quiet: true });
    expect(text).not.toMatch(/[├└]─/);
    expect(text).not.toContain("Estimated on-demand");
    expect(text).toContain("no-over-long-windows");
    expect(text).toContain("Cross-team clashes");
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/^Plan FAILED: .*\(exit 1\)$/);
  });

  it("lists the permissions proof per flow and each finding, also with --quiet", () => {
    for (const quiet of [false, true]) {
      const text = renderTerminal(report, { style: createStyle(false), quiet });
      expect(text).toContain("✗ prod team-run/vision: 0 needed allowed, 1 forbidden denied, 1 wrong");
      expect(text).toContain(
        `stacks/iam/envs/prod/Pulumi.prod.yaml: ${report.permissions.findings[0]!.message}`,
      );
    }
    expect(
      renderTerminal(report, { style: createStyle(false) })
        .trimEnd()
        .split("\n")
        .at(-1),
    ).toContain("1 permission finding,");
    const proven = {
      ...report,
      permissions: { checks: report.permissions.checks.map((c) => ({ ...c, ok: true })), findings: [] },
    };
    expect(renderTerminal(proven, { style: createStyle(false), quiet: true })).not.toContain(
      "Permissions proven",
    );
    expect(renderTerminal(proven, { style: createStyle(false) })).toContain("✓ prod team-run/vision");
  });

  it("names missing prices instead of inventing them", () => {
    const text = renderTerminal(report, { style: createStyle(false) });
    expect(text).toContain("no price for eu-west-1/g6.xlarge");
  });

  it("lists the fleet network's hourly parts, priced or n/a", () => {
    const withNetwork = {
      ...report,
      cost: {
        ...report.cost,
        network: [
          {
            environment: "prod",
            region: "us-east-2",
            part: "nat-gateway" as const,
            units: 1,
            hourlyPriceUsd: 0.045,
            monthlyCostUsd: 32.85,
          },
          {
            environment: "prod",
            region: "eu-west-1",
            part: "interface-endpoints" as const,
            units: 10,
            hourlyPriceUsd: null,
            monthlyCostUsd: null,
          },
        ],
      },
    };
    const text = renderTerminal(withNetwork, { style: createStyle(false) });
    expect(text).toContain("prod network: 1 × NAT gateway in us-east-2: $0.0450/h each, $32.85/month");
    expect(text).toContain("prod network: 10 × interface endpoint per zone in eu-west-1: n/a (no price)");
    const html = renderHtml(withNetwork);
    expect(html).toContain("1 × NAT gateway</td><td>us-east-2</td>");
    expect(html).toContain("$32.85");
  });
});

describe("input errors name the file, the key and the place in the file", () => {
  const file = "stacks/scheduling/teams/recsys/Pulumi.recsys.yaml";
  const withErrors = {
    ...sampleReport(),
    errors: [
      { file, key: "scheduling:environment", line: 8, column: 3, message: 'team "recsys" may not use prod' },
      { file, line: 16, message: 'top-level setting "environment" is not allowed' },
      { file: "(command line)", key: "--stack", message: "unknown stack" },
    ],
  };
  it.each<[string, (r: typeof withErrors) => string, string[]]>([
    [
      "terminal",
      (r) => renderTerminal(r, { style: createStyle(false) }),
      [
        `${file} scheduling:environment (line 8:3): team "recsys" may not use prod`,
        `${file} (line 16): top-level setting "environment" is not allowed`,
        "(command line) --stack: unknown stack",
      ],
    ],
    [
      "HTML",
      (r) => renderHtml(r),
      [
        `${file} <code>scheduling:environment</code> (line 8:3): team &#34;recsys&#34; may not use prod`,
        `${file} (line 16): top-level setting &#34;environment&#34; is not allowed`,
      ],
    ],
  ])("%s", (_name, render, lines) => {
    const out = render(withErrors);
    for (const line of lines) expect(out).toContain(line);
  });
});

describe("colorEnabled", () => {
  it.each([
    ["a terminal", { isTTY: true }, {}, undefined, true],
    ["a pipe", { isTTY: false }, {}, undefined, false],
    ["--no-color on a terminal", { isTTY: true }, {}, false, false],
    ["NO_COLOR on a terminal", { isTTY: true }, { NO_COLOR: "1" }, undefined, false],
    ["FORCE_COLOR on a pipe", { isTTY: false }, { FORCE_COLOR: "1" }, undefined, true],
    ["TERM=dumb", { isTTY: true }, { TERM: "dumb" }, undefined, false],
  ])("%s", (_, stream, env, flag, expected) => {
    expect(colorEnabled(stream, env as NodeJS.ProcessEnv, flag)).toBe(expected);
  });
});

describe("JSON writer", () => {
  it("writes the documented shape and leaves out upstream-only stacks", () => {
    const json = JSON.parse(renderJson(sampleReport()));
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining([
        "version",
        "stacks",
        "clashes",
        "schedule",
        "cost",
        "summary",
        "errors",
        "horizon",
        "permissions",
      ]),
    );
    expect(json.permissions.checks[0]).toEqual(
      expect.objectContaining({ flow: "team-run/vision", expect: "deny", decision: "Allowed", ok: false }),
    );
    expect(json.summary.permissionFindings).toBe(1);
    expect(json.stacks.map((s: { id: string }) => s.id)).toEqual(["scheduling/vision"]);
    const [stack] = json.stacks;
    expect(Object.keys(stack)).toEqual(
      expect.arrayContaining(["project", "stack", "resources", "outputs", "violations"]),
    );
    expect(stack.resources[0]).toEqual(
      expect.objectContaining({
        urn: expect.any(String),
        type: "pulumi:pulumi:Stack",
        parent: null,
        inputs: {},
      }),
    );
    expect(stack.violations[0]).toEqual({
      policy: "no-over-long-windows",
      policyPack: "retrain-guard",
      enforcementLevel: "mandatory",
      urn: expect.stringContaining("MaintenanceWindow"),
      message: expect.any(String),
    });
    expect(json.summary.exitCode).toBe(1);
    expect(json.clashes[0].a.firstRun.start).toEqual({ utc: expect.any(String), local: expect.any(String) });
  });
});

describe("HTML renderer", () => {
  it("escapes names so a team config cannot inject markup", () => {
    const html = renderHtml(sampleReport('x"><script>alert(1)</script>'));
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
  });

  it("lists every simulated request with its flow's AWS page and the findings", () => {
    const page = renderHtml(sampleReport());
    expect(page).toContain("<h2>Permissions proven</h2>");
    expect(page).toContain(
      '<a href="https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html">team-run/vision</a>',
    );
    expect(page).toContain("forbidden: team nlp&#39;s runs");
    expect(page).toContain("must be denied");
  });

  it("is self-contained: no external scripts, styles, images or fonts", () => {
    const html = renderHtml(sampleReport());
    expect(html).not.toMatch(/<(script|img|iframe|link)\b[^>]*\b(src|href)=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).toContain("Content-Security-Policy");
  });

  it("has one lane per pool, a block per run and a marker per clashing run", () => {
    const report = sampleReport();
    const html = renderHtml(report);
    expect(html.match(/class="lane" data-pool=/g)).toHaveLength(2);
    const runs = report.schedule.reduce((n, s) => n + s.occurrences.length, 0);
    expect(html.match(/class="run"/g)).toHaveLength(runs);
    expect(html.match(/class="clash"/g)).toHaveLength(report.clashes[0]!.overlapCount);
  });
});
