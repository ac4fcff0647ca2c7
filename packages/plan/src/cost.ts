/**
 * GPU hours and on-demand cost per team and pool per month. A team pays for the hours its windows
 * hold a pool (window runs in the horizon × instances in the pool, scaled to a 730-hour month, AWS's
 * pricing convention). A pool whose instances are not stopped between windows costs around the
 * clock instead, whoever uses it: those pools are listed apart and counted once in the total.
 */
import type { AlertingCost, AlwaysOnPool, CostReport, CostRow, StackPlan } from "./model.js";
import { hourlyPrice, type PriceTable } from "./prices.js";

export const HOURS_PER_MONTH = 730;

/** A fleet pool as the cost estimate needs it (from the fleet stack's validated config). */
export interface PoolInfo {
  environment: string;
  pool: string;
  region: string;
  instanceType: string;
  instanceCount: number;
  /** True when the fleet stops idle instances on its own (stopWhenIdleMinutes > 0). */
  stopsWhenIdle: boolean;
}

/** A team's window with the hours it holds its pool within the horizon. */
export interface WindowUsage {
  team: string;
  environment: string;
  pool: string;
  /** Σ (end − start) of the runs inside the horizon, in hours. */
  hoursInHorizon: number;
  startStopInstances: boolean;
  enabled: boolean;
}

export interface CostInput {
  pools: readonly PoolInfo[];
  windows: readonly WindowUsage[];
  horizonHours: number;
  prices: PriceTable;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function estimateCost({ pools, windows, horizonHours, prices }: CostInput): CostReport {
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

  return {
    currency: "USD",
    prices: { source: prices.source, date: prices.date, file: prices.files.join(", ") },
    hoursPerMonth: HOURS_PER_MONTH,
    rows,
    alwaysOn,
    totalMonthlyCostUsd: round(total),
    missingPrices: [...missing].sort(),
  };
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
