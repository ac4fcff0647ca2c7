/**
 * On-demand prices for the cost estimate: the checked-in table, overlaid by the workspace's
 * `plan.prices.json` (if present) and then by `--prices FILE`. Each overlay replaces single
 * `region/instanceType` entries and keeps the rest, so a team can add one missing price.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, type ConfigProblem, ec2InstanceTypes } from "@retrain/config";
import { z } from "zod";
// Imported rather than read at run time so tsc ships it in dist/ and no path juggling is needed.
import defaultTable from "./prices/ec2-on-demand.json" with { type: "json" };
import networkTable from "./prices/vpc-network.json" with { type: "json" };

export const WORKSPACE_PRICES_FILE = "plan.prices.json";

/** The checked-in table, as named in reports. */
export const DEFAULT_PRICES_FILE = "packages/plan/src/prices/ec2-on-demand.json";
/** The checked-in network prices (NAT gateway, interface endpoints, public IPv4). */
export const NETWORK_PRICES_FILE = "packages/plan/src/prices/vpc-network.json";

/** USD per hour of the fleet network's billed parts; a part without a price shows n/a. */
export const networkPricesSchema = z.strictObject({
  /** Per NAT gateway-hour (data processing per GB is not estimated). */
  natGatewayHour: z.number().positive().optional(),
  /** Per interface endpoint per availability zone per hour. */
  interfaceEndpointAzHour: z.number().positive().optional(),
  /** Per public IPv4 address per hour (the NAT gateway's Elastic IP). */
  publicIpv4Hour: z.number().positive().optional(),
});
export type NetworkPrices = z.infer<typeof networkPricesSchema>;

const priceTableSchema = z.strictObject({
  /** Where the prices come from (a URL or a description). */
  source: z.string().min(1, "name where the prices come from"),
  /** When they were taken, yyyy-mm-dd. */
  date: z.iso.date("must be a date such as 2026-11-25"),
  note: z.string().optional(),
  currency: z.literal("USD", "only USD prices are supported").default("USD"),
  regions: z.record(
    z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as eu-west-1"),
    z.record(
      z
        .string()
        .regex(/^[a-z0-9-]+\.[a-z0-9]+$/, "must be an instance type such as g5.xlarge")
        // A misspelt type ("g6.xlarg") would price nothing and say nothing.
        .refine((t) => ec2InstanceTypes().has(t), {
          error: (issue) =>
            `${String(issue.input)} is not an EC2 instance type (the types @pulumi/aws knows)`,
        }),
      z.number().positive("must be a price in USD per hour above 0"),
    ),
  ),
  /** Network prices by region; `*` applies to every region without its own entry. */
  network: z
    .record(
      z.string().regex(/^(\*|[a-z]{2}(-gov)?-[a-z]+-\d)$/, "must be an AWS region or *"),
      networkPricesSchema,
    )
    .optional(),
});
export type PriceTableFile = z.infer<typeof priceTableSchema>;

export interface PriceTable {
  /** Sources of every layer, most specific last, e.g. "AWS (2026-11-25); plan.prices.json (2026-12-01)". */
  source: string;
  date: string;
  /** Files the table was read from, most specific last. */
  files: string[];
  /** USD per hour by `region` then `instanceType`. */
  prices: Map<string, Map<string, number>>;
  /** Network prices by region (`*`: any region); later layers replace single fields. */
  network?: Map<string, NetworkPrices>;
}

/** Validates a price table; errors name the file and key (exit 2). */
export function parsePriceTable(raw: unknown, file: string): PriceTableFile {
  const parsed = priceTableSchema.safeParse(raw);
  if (!parsed.success) {
    const problems: ConfigProblem[] = parsed.error.issues.map((i) => ({
      key: i.path.length ? i.path.map(String).join(".") : "(root)",
      message: i.message,
    }));
    throw new ConfigError(file, problems);
  }
  return parsed.data;
}

/** Reads a price file; `display` is how errors name it (default: the path as given). */
export function readPriceFile(file: string, display = file): PriceTableFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError(display, [
      { key: "(file)", message: `cannot read a JSON price table: ${(e as Error).message}` },
    ]);
  }
  return parsePriceTable(raw, display);
}

/** The default table overlaid by the workspace file (if any) and an explicit file (if given). */
export function loadPrices(workspaceRoot: string, overrideFile?: string): PriceTable {
  const layers: { file: string; table: PriceTableFile }[] = [
    { file: DEFAULT_PRICES_FILE, table: parsePriceTable(defaultTable, DEFAULT_PRICES_FILE) },
    { file: NETWORK_PRICES_FILE, table: parsePriceTable(networkTable, NETWORK_PRICES_FILE) },
  ];
  const workspaceFile = join(workspaceRoot, WORKSPACE_PRICES_FILE);
  if (existsSync(workspaceFile))
    layers.push({ file: WORKSPACE_PRICES_FILE, table: readPriceFile(workspaceFile, WORKSPACE_PRICES_FILE) });
  if (overrideFile) layers.push({ file: overrideFile, table: readPriceFile(overrideFile) });
  const prices = new Map<string, Map<string, number>>();
  const network = new Map<string, NetworkPrices>();
  const sources: string[] = [];
  let date = "";
  for (const { table } of layers) {
    sources.push(`${table.source} (${table.date})`);
    if (table.date > date) date = table.date;
    for (const [region, types] of Object.entries(table.regions)) {
      const byType = prices.get(region) ?? new Map<string, number>();
      prices.set(region, byType);
      for (const [type, price] of Object.entries(types)) byType.set(type, price);
    }
    for (const [region, parts] of Object.entries(table.network ?? {}))
      network.set(region, { ...network.get(region), ...parts });
  }
  return { source: sources.join("; "), date, files: layers.map((l) => l.file), prices, network };
}

/** A network part's hourly price in a region (its own entry, else `*`), or null. */
export function networkPrice(table: PriceTable, region: string, part: keyof NetworkPrices): number | null {
  return table.network?.get(region)?.[part] ?? table.network?.get("*")?.[part] ?? null;
}

export function hourlyPrice(table: PriceTable, region: string, instanceType: string): number | null {
  return table.prices.get(region)?.get(instanceType) ?? null;
}
