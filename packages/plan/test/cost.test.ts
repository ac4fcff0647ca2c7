import type { PoolInfo, WindowUsage } from "@retrain/windows";
import { describe, expect, it } from "vitest";
import { estimateCost, HOURS_PER_MONTH, networkInfoOf } from "../src/cost.js";
import type { PriceTable } from "../src/prices.js";

const prices: PriceTable = {
  source: "test table (2026-11-25)",
  date: "2026-11-25",
  files: ["test"],
  prices: new Map([
    [
      "eu-west-1",
      new Map([
        ["g5.xlarge", 1.0],
        ["g6.xlarge", 0.5],
      ]),
    ],
  ]),
};
const pool = (p: Partial<PoolInfo> = {}): PoolInfo => ({
  environment: "prod",
  pool: "a10g",
  region: "eu-west-1",
  instanceType: "g5.xlarge",
  instanceCount: 2,
  stopsWhenIdle: false,
  ...p,
});
const usage = (u: Partial<WindowUsage> = {}): WindowUsage => ({
  team: "vision",
  environment: "prod",
  pool: "a10g",
  hoursInHorizon: 12,
  startStopInstances: true,
  enabled: true,
  ...u,
});
// 4 weeks: 672 hours; 730 / 672 scales the horizon to a pricing month.
const horizonHours = 4 * 7 * 24;
const perMonth = (h: number) => (h * HOURS_PER_MONTH) / horizonHours;

describe("estimateCost", () => {
  it("charges window hours × instances × hourly price, scaled to a 730-hour month", () => {
    const report = estimateCost({ pools: [pool()], windows: [usage()], horizonHours, prices });
    expect(report.rows).toHaveLength(1);
    const row = report.rows[0]!;
    expect(row.windowHoursPerMonth).toBeCloseTo(perMonth(12), 1);
    expect(row.gpuInstanceHoursPerMonth).toBeCloseTo(perMonth(12) * 2, 1);
    expect(row.hourlyPriceUsd).toBe(1);
    expect(row.monthlyCostUsd).toBeCloseTo(perMonth(12) * 2, 2);
    expect(report.alwaysOn).toEqual([]);
    expect(report.totalMonthlyCostUsd).toBeCloseTo(perMonth(12) * 2, 2);
  });

  it("sums a team's windows on one pool into one row, and keeps teams and pools apart", () => {
    const report = estimateCost({
      pools: [pool(), pool({ pool: "l4", instanceType: "g6.xlarge", instanceCount: 1 })],
      windows: [
        usage(),
        usage({ hoursInHorizon: 4 }),
        usage({ team: "nlp" }),
        usage({ pool: "l4", hoursInHorizon: 8 }),
      ],
      horizonHours,
      prices,
    });
    const rows = report.rows.map((r) => [r.team, r.pool, r.windowHoursPerMonth]);
    expect(rows).toEqual([
      ["nlp", "a10g", Math.round(perMonth(12) * 10) / 10],
      ["vision", "a10g", Math.round(perMonth(16) * 10) / 10],
      ["vision", "l4", Math.round(perMonth(8) * 10) / 10],
    ]);
  });

  it("counts a pool that is never stopped around the clock, once, whoever uses it", () => {
    const report = estimateCost({
      pools: [pool()],
      windows: [usage({ startStopInstances: false }), usage({ team: "nlp", startStopInstances: true })],
      horizonHours,
      prices,
    });
    expect(report.alwaysOn).toHaveLength(1);
    expect(report.alwaysOn[0]!.monthlyCostUsd).toBe(HOURS_PER_MONTH * 2 * 1);
    expect(report.totalMonthlyCostUsd).toBe(HOURS_PER_MONTH * 2);
  });

  it("treats a fleet that stops idle instances as stopped between windows", () => {
    const report = estimateCost({
      pools: [pool({ stopsWhenIdle: true })],
      windows: [usage({ startStopInstances: false })],
      horizonHours,
      prices,
    });
    expect(report.alwaysOn).toEqual([]);
  });

  it("lists a pool without windows as always on (nothing stops it)", () => {
    const report = estimateCost({ pools: [pool()], windows: [], horizonHours, prices });
    expect(report.alwaysOn.map((p) => p.pool)).toEqual(["a10g"]);
  });

  it("ignores disabled windows", () => {
    const report = estimateCost({
      pools: [pool()],
      windows: [usage({ enabled: false })],
      horizonHours,
      prices,
    });
    expect(report.rows).toEqual([]);
  });

  it("names prices it does not have and leaves them out of the total instead of guessing", () => {
    const report = estimateCost({
      pools: [pool({ region: "ap-south-1" })],
      windows: [usage()],
      horizonHours,
      prices,
    });
    expect(report.rows[0]!.hourlyPriceUsd).toBeNull();
    expect(report.rows[0]!.monthlyCostUsd).toBeNull();
    expect(report.missingPrices).toEqual(["ap-south-1/g5.xlarge"]);
    expect(report.totalMonthlyCostUsd).toBe(0);
  });
});

describe("network cost", () => {
  const own = {
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
    endpoints: ["ssm", "ssmmessages", "ec2messages", "logs", "sts", "s3"],
  };
  it.each([
    [
      "own VPC, endpoints, no egress: 5 interface endpoints × 2 zones, no NAT",
      { ...own, ssmAccess: "vpc-endpoints" as const, internetEgress: false },
      { natGateways: 0, publicIpv4: 0, interfaceEndpointAzs: 10 },
    ],
    [
      "own VPC with NAT egress: one NAT gateway and its address",
      { ...own, ssmAccess: "vpc-endpoints" as const, internetEgress: true },
      { natGateways: 1, publicIpv4: 1, interfaceEndpointAzs: 10 },
    ],
    [
      "own VPC, NAT only",
      { ...own, endpoints: [], ssmAccess: "nat-gateway" as const, internetEgress: true },
      { natGateways: 1, publicIpv4: 1, interfaceEndpointAzs: 0 },
    ],
    [
      "declared subnets bill their owner",
      { ...own, ssmAccess: "declared" as const, internetEgress: true },
      { natGateways: 0, publicIpv4: 0, interfaceEndpointAzs: 0 },
    ],
  ])("%s", (_case, network, expected) => {
    expect(networkInfoOf("prod", "eu-west-1", network)).toEqual({
      environment: "prod",
      region: "eu-west-1",
      ...expected,
    });
  });

  const networkPrices: PriceTable = {
    ...prices,
    network: new Map([
      ["*", { publicIpv4Hour: 0.005 }],
      ["us-east-2", { natGatewayHour: 0.045 }],
    ]),
  };
  const nat = { environment: "prod", natGateways: 1, publicIpv4: 1, interfaceEndpointAzs: 10 };

  it("prices the NAT gateway and its address by the hour and adds them to the total", () => {
    const cost = estimateCost({
      pools: [],
      windows: [],
      horizonHours,
      prices: networkPrices,
      networks: [{ ...nat, region: "us-east-2", interfaceEndpointAzs: 0 }],
    });
    expect(cost.network).toEqual([
      {
        environment: "prod",
        region: "us-east-2",
        part: "nat-gateway",
        units: 1,
        hourlyPriceUsd: 0.045,
        monthlyCostUsd: 32.85,
      },
      {
        environment: "prod",
        region: "us-east-2",
        part: "public-ipv4",
        units: 1,
        hourlyPriceUsd: 0.005,
        monthlyCostUsd: 3.65,
      },
    ]);
    expect(cost.totalMonthlyCostUsd).toBe(36.5);
    expect(cost.missingPrices).toEqual([]);
  });

  it("shows a part without a price as n/a, names it and leaves it out of the total", () => {
    const cost = estimateCost({
      pools: [],
      windows: [],
      horizonHours,
      prices: networkPrices,
      networks: [{ ...nat, region: "eu-west-1" }],
    });
    expect(cost.network.map((n) => [n.part, n.units, n.monthlyCostUsd])).toEqual([
      ["nat-gateway", 1, null],
      ["public-ipv4", 1, 3.65],
      ["interface-endpoints", 10, null],
    ]);
    expect(cost.missingPrices).toEqual(["eu-west-1/interface-endpoints", "eu-west-1/nat-gateway"]);
    expect(cost.totalMonthlyCostUsd).toBe(3.65);
  });
});
