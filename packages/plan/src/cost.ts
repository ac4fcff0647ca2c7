/**
 * GPU hours and on-demand cost per team and pool per month. A team pays for the hours its windows
 * hold a pool (window runs in the horizon × instances in the pool, scaled to a 730-hour month, AWS's
 * pricing convention). A pool whose instances are not stopped between windows costs around the
 * clock instead, whoever uses it: those pools are listed apart and counted once in the total.
 */
import type { NetworkOutput } from "@retrain/config";
import type { PoolInfo, WindowUsage } from "@retrain/windows";
import type { AlertingCost, AlwaysOnPool, CostReport, CostRow, NetworkCostRow, StackPlan } from "./model.js";
import { hourlyPrice, type NetworkPrices, networkPrice, type PriceTable } from "./prices.js";

export const HOURS_PER_MONTH = 730;

/** A fleet's network parts billed by the hour, from the fleet stack's `network` output. */
export interface NetworkInfo {
  environment: string;
  region: string;
  natGateways: number;
  /** The NAT gateway's Elastic IP. */
  publicIpv4: number;
  /** Interface endpoints × the availability zones they have an interface in. */
  interfaceEndpointAzs: number;
}

/**
 * What a fleet network bills by the hour: its own VPC has one NAT gateway (and its address) with
 * internet egress, and one interface per endpoint per subnet; a declared network bills its owner.
 */
export function networkInfoOf(environment: string, region: string, network: NetworkOutput): NetworkInfo {
  const own = network.ssmAccess !== "declared";
  const nat = own && network.internetEgress ? 1 : 0;
  const interfaces = own ? network.endpoints.filter((e) => e !== "s3" && e !== "dynamodb").length : 0;
  return {
    environment,
    region,
    natGateways: nat,
    publicIpv4: nat,
    interfaceEndpointAzs: interfaces * network.subnetIds.length,
  };
}

export interface CostInput {
  pools: readonly PoolInfo[];
  windows: readonly WindowUsage[];
  horizonHours: number;
  prices: PriceTable;
  /** Fleet networks whose hourly parts are costed; none by default. */
  networks?: readonly NetworkInfo[];
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function estimateCost({ pools, windows, horizonHours, prices, networks = [] }: CostInput): CostReport {
  const poolKey = (env: string, pool: string) => `${env}/${pool}`;
  const poolsByKey = new Map(pools.map((p) => [poolKey(p.environment, p.pool), p]));
  const missing = new Set<string>();
  const priceOf = (p: PoolInfo) => {
    const price = hourlyPrice(prices, p.region, p.instanceType);
    if (price === null) missing.add(`${p.region}/${p.instanceType}`);
    return price;
  };

  // Hours per (team, pool), and whether every window on a pool starts and stops its instances.
  const usage = new Map<string, { team: string; pool: PoolInfo; hours: number }>();
  const stoppedBetweenWindows = new Map<string, boolean>();
  for (const w of windows) {
    const key = poolKey(w.environment, w.pool);
    const pool = poolsByKey.get(key);
    if (!pool) continue; // A window on an unknown pool is a config error reported elsewhere.
    if (!w.enabled) continue;
    stoppedBetweenWindows.set(key, (stoppedBetweenWindows.get(key) ?? true) && w.startStopInstances);
    const k = `${w.team}\u0000${key}`;
    const u = usage.get(k);
    if (u) u.hours += w.hoursInHorizon;
    else usage.set(k, { team: w.team, pool, hours: w.hoursInHorizon });
  }

  const scale = horizonHours > 0 ? HOURS_PER_MONTH / horizonHours : 0;
  const rows: CostRow[] = [...usage.values()].map(({ team, pool, hours }) => {
    const windowHoursPerMonth = hours * scale;
    const gpuHours = windowHoursPerMonth * pool.instanceCount;
    const price = priceOf(pool);
    return {
      team,
      environment: pool.environment,
      pool: pool.pool,
      region: pool.region,
      instanceType: pool.instanceType,
      instanceCount: pool.instanceCount,
      windowHoursPerMonth: round(windowHoursPerMonth, 1),
      gpuInstanceHoursPerMonth: round(gpuHours, 1),
      hourlyPriceUsd: price,
      monthlyCostUsd: price === null ? null : round(gpuHours * price),
    };
  });
  rows.sort(
    (a, b) =>
      a.team.localeCompare(b.team) ||
      a.environment.localeCompare(b.environment) ||
      a.pool.localeCompare(b.pool),
  );

  const alwaysOn: AlwaysOnPool[] = [];
  let total = 0;
  for (const pool of pools) {
    const key = poolKey(pool.environment, pool.pool);
    const stopped = pool.stopsWhenIdle || stoppedBetweenWindows.get(key) === true;
    const price = priceOf(pool);
    if (!stopped) {
      const monthly = price === null ? null : round(HOURS_PER_MONTH * pool.instanceCount * price);
      alwaysOn.push({ ...pick(pool), monthlyCostUsd: monthly });
      total += monthly ?? 0;
    } else {
      for (const r of rows)
        if (r.environment === pool.environment && r.pool === pool.pool) total += r.monthlyCostUsd ?? 0;
    }
  }

  const network = networkCost(networks, prices, missing);
  for (const n of network) total += n.monthlyCostUsd ?? 0;

  return {
    currency: "USD",
    prices: { source: prices.source, date: prices.date, file: prices.files.join(", ") },
    hoursPerMonth: HOURS_PER_MONTH,
    rows,
    alwaysOn,
    network,
    totalMonthlyCostUsd: round(total),
    missingPrices: [...missing].sort(),
  };
}

/** How a billed network part reads in the reports. */
export const NETWORK_PART_LABEL = {
  "nat-gateway": "NAT gateway",
  "public-ipv4": "public IPv4 address (the NAT's)",
  "interface-endpoints": "interface endpoint per zone",
} as const;

const NETWORK_PARTS: {
  part: NetworkCostRow["part"];
  price: keyof NetworkPrices;
  units: (n: NetworkInfo) => number;
}[] = [
  { part: "nat-gateway", price: "natGatewayHour", units: (n) => n.natGateways },
  { part: "public-ipv4", price: "publicIpv4Hour", units: (n) => n.publicIpv4 },
  { part: "interface-endpoints", price: "interfaceEndpointAzHour", units: (n) => n.interfaceEndpointAzs },
];

/** One row per billed part present; a part without a price is n/a and named in `missing`. */
function networkCost(
  networks: readonly NetworkInfo[],
  prices: PriceTable,
  missing: Set<string>,
): NetworkCostRow[] {
  const rows: NetworkCostRow[] = [];
  for (const n of networks) {
    for (const { part, price, units } of NETWORK_PARTS) {
      const count = units(n);
      if (count === 0) continue;
      const hourly = networkPrice(prices, n.region, price);
      if (hourly === null) missing.add(`${n.region}/${part}`);
      rows.push({
        environment: n.environment,
        region: n.region,
        part,
        units: count,
        hourlyPriceUsd: hourly,
        monthlyCostUsd: hourly === null ? null : round(HOURS_PER_MONTH * count * hourly),
      });
    }
  }
  return rows;
}

function pick(p: PoolInfo) {
  return {
    environment: p.environment,
    pool: p.pool,
    region: p.region,
    instanceType: p.instanceType,
    instanceCount: p.instanceCount,
  };
}

/**
 * Alerting prices, us-east-1 and eu-west-1 alike, without the free tier (10 alarms per account):
 * a standard-resolution alarm $0.10 per alarm metric-month, a composite alarm $0.50 per month
 * (https://aws.amazon.com/cloudwatch/pricing/); a customer managed KMS key $1 per month, plus $1 per
 * month for each of its first two automatic rotations (https://aws.amazon.com/kms/pricing/).
 */
export const ALERTING_PRICES = {
  source:
    "https://aws.amazon.com/cloudwatch/pricing/ (standard alarm $0.10/month, composite alarm $0.50/month), https://aws.amazon.com/kms/pricing/ (key $1/month in its first year)",
  date: "2026-12-01",
  standardAlarmUsd: 0.1,
  compositeAlarmUsd: 0.5,
  kmsKeyUsd: 1,
} as const;

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const KEY = "aws:kms/key:Key";

/** Monthly cost of the alarms and keys each planned team stack creates. */
export function estimateAlertingCost(stacks: readonly StackPlan[]): AlertingCost {
  const rows = stacks
    .filter((s) => s.kind === "scheduling" && s.selected && s.status === "planned")
    .map((s) => {
      const count = (type: string) => s.resources.filter((r) => r.type === type).length;
      const standardAlarms = count(ALARM);
      const compositeAlarms = count(COMPOSITE);
      const kmsKeys = count(KEY);
      return {
        team: s.stack,
        stackId: s.id,
        standardAlarms,
        compositeAlarms,
        kmsKeys,
        monthlyCostUsd: round(
          standardAlarms * ALERTING_PRICES.standardAlarmUsd +
            compositeAlarms * ALERTING_PRICES.compositeAlarmUsd +
            kmsKeys * ALERTING_PRICES.kmsKeyUsd,
        ),
      };
    })
    .filter((r) => r.standardAlarms + r.compositeAlarms + r.kmsKeys > 0)
    .sort((a, b) => a.team.localeCompare(b.team));
  return {
    prices: { source: ALERTING_PRICES.source, date: ALERTING_PRICES.date },
    rows,
    totalMonthlyCostUsd: round(rows.reduce((sum, r) => sum + r.monthlyCostUsd, 0)),
  };
}
