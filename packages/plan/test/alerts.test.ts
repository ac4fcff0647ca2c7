import { createStyle } from "@retrain/windows";
import { describe, expect, it } from "vitest";
import { alertsOf } from "../src/alerts.js";
import { ALERTING_PRICES, estimateAlertingCost } from "../src/cost.js";
import type { AlertEntry, StackPlan } from "../src/model.js";
import { renderHtml } from "../src/render/html.js";
import { toPlanJson } from "../src/render/json.js";
import { renderTerminal } from "../src/render/terminal.js";
import { sampleReport } from "./support/report.js";

const stack = (s: Partial<StackPlan> & { stack: string }): StackPlan => ({
  id: `scheduling/${s.stack}`,
  kind: "scheduling",
  project: "retrain-scheduling",
  configFile: `stacks/scheduling/teams/${s.stack}/Pulumi.${s.stack}.yaml`,
  status: "planned",
  selected: true,
  resources: [],
  outputs: {},
  violations: [],
  ...s,
});
const res = (type: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ urn: `urn:${type}:${i}`, type, name: `r${i}`, inputs: {} }));

describe("alerting cost", () => {
  it.each([
    ["two alarms, a composite and a key", { alarms: 2, composite: 1, keys: 1 }, 0.2 + 0.5 + 1],
    ["one alarm and a key", { alarms: 1, composite: 0, keys: 1 }, 1.1],
  ])("prices %s", (_t, n, usd) => {
    const cost = estimateAlertingCost([
      stack({
        stack: "vision",
        resources: [
          ...res("aws:cloudwatch/metricAlarm:MetricAlarm", n.alarms),
          ...res("aws:cloudwatch/compositeAlarm:CompositeAlarm", n.composite),
          ...res("aws:kms/key:Key", n.keys),
        ],
      }),
    ]);
    expect(cost.rows).toEqual([
      {
        team: "vision",
        stackId: "scheduling/vision",
        standardAlarms: n.alarms,
        compositeAlarms: n.composite,
        kmsKeys: n.keys,
        monthlyCostUsd: usd,
      },
    ]);
    expect(cost.totalMonthlyCostUsd).toBe(usd);
    expect(cost.prices.source).toContain("https://aws.amazon.com/cloudwatch/pricing/");
  });

  it("counts only planned, shown team stacks and sums them", () => {
    const alarm = res("aws:cloudwatch/metricAlarm:MetricAlarm", 1);
    const cost = estimateAlertingCost([
      stack({ stack: "b", resources: alarm }),
      stack({ stack: "a", resources: alarm }),
      stack({ stack: "failed", status: "failed", resources: alarm }),
      stack({ stack: "hidden", selected: false, resources: alarm }),
      { ...stack({ stack: "dev", resources: alarm }), kind: "fleet", id: "fleet/dev" },
    ]);
    expect(cost.rows.map((r) => r.team)).toEqual(["a", "b"]);
    expect(cost.totalMonthlyCostUsd).toBe(2 * ALERTING_PRICES.standardAlarmUsd);
  });
});

describe("alert destinations", () => {
  const alerts = {
    topicArn: "arn:aws:sns:eu-west-1:123456789012:retrain-prod-vision-alerts",
    destinations: [
      "sns:arn:aws:sns:eu-west-1:123456789012:retrain-prod-vision-alerts",
      "email:a@vision.example.com (pending until confirmed)",
    ],
    missedRunAlarms: [{ window: "weekly-retrain", kind: "composite", periodHours: 168 }],
  };
  it("lists each team's destinations from its stack output, skipping stacks without a valid one", () => {
    expect(
      alertsOf([
        stack({ stack: "vision", outputs: { alerts } }),
        stack({ stack: "old", outputs: {} }),
        stack({ stack: "broken", outputs: { alerts: { topicArn: 1 } } }),
      ]),
    ).toEqual([{ team: "vision", stackId: "scheduling/vision", ...alerts }]);
  });
});

describe("the reports list alerts and their cost", () => {
  const alerts: AlertEntry[] = [
    {
      team: "vision",
      stackId: "scheduling/vision",
      topicArn: "arn:aws:sns:eu-west-1:123456789012:retrain-prod-vision-alerts",
      destinations: [
        "sns:arn:aws:sns:eu-west-1:123456789012:retrain-prod-vision-alerts",
        "email:a@vision.example.com (pending until confirmed)",
      ],
      missedRunAlarms: [
        { window: "weekly-retrain", kind: "composite", periodHours: 168 },
        {
          window: "monthly",
          kind: "none",
          reason: "runs are up to 31.0 days apart; a CloudWatch alarm looks back at most 7 days",
        },
      ],
    },
  ];
  const report = () => {
    const r = sampleReport();
    const alarms = res("aws:cloudwatch/metricAlarm:MetricAlarm", 2);
    return {
      ...r,
      alerts,
      cost: { ...r.cost, alerting: estimateAlertingCost([stack({ stack: "vision", resources: alarms })]) },
    };
  };

  it("JSON: alerts and cost.alerting", () => {
    const json = toPlanJson(report());
    expect(json.alerts).toEqual(alerts);
    expect(json.cost.alerting?.totalMonthlyCostUsd).toBe(0.2);
    expect(toPlanJson(sampleReport()).alerts).toEqual([]);
  });

  it("terminal: destinations, each window's alarm or why there is none, the cost", () => {
    const text = renderTerminal(report(), { style: createStyle(false) });
    expect(text).toContain(
      "  vision: sns:arn:aws:sns:eu-west-1:123456789012:retrain-prod-vision-alerts, email:a@vision.example.com (pending until confirmed)",
    );
    expect(text).toContain("    weekly-retrain: missed-run composite alarm over 168 h");
    expect(text).toContain("    ! monthly: no missed-run alarm (runs are up to 31.0 days apart;");
    expect(text).toContain("alerting cost per month: vision $0.20 (2 alarms, 0 keys); total $0.20");
  });

  it("HTML: an Alerts section and the alerting cost table", () => {
    const html = renderHtml(report());
    expect(html).toContain("<h2>Alerts</h2>");
    expect(html).toContain("<code>email:a@vision.example.com (pending until confirmed)</code>");
    expect(html).toContain("weekly-retrain: composite alarm, 168 h");
    expect(html).toContain("<h2>Alerting cost per month</h2>");
    expect(renderHtml(sampleReport())).not.toContain("<h2>Alerts</h2>");
  });
});
