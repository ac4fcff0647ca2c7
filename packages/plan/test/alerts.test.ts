import { describe, expect, it } from "vitest";
import { alertsOf } from "../src/alerts.js";
import { ALERTING_PRICES, estimateAlertingCost } from "../src/cost.js";
import type { StackPlan } from "../src/model.js";

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
