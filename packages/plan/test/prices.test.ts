import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, loadStackConfig } from "@retrain/config";
import { afterEach, describe, expect, it } from "vitest";
import { hourlyPrice, loadPrices, networkPrice, WORKSPACE_PRICES_FILE } from "../src/prices.js";

const REPO = fileURLToPath(new URL("../../..", import.meta.url));
const dirs: string[] = [];
const workspace = () => {
  const dir = mkdtempSync(join(tmpdir(), "plan-prices-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("loadPrices", () => {
  it("has the checked-in table with its source and date", () => {
    const table = loadPrices(workspace());
    expect(table.source).toContain("https://aws.amazon.com/ec2/pricing/on-demand/");
    expect(table.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(hourlyPrice(table, "us-east-1", "g5.xlarge")).toBeGreaterThan(0);
  });

  it("overlays the workspace's plan.prices.json and then --prices, entry by entry", () => {
    const ws = workspace();
    writeFileSync(
      join(ws, WORKSPACE_PRICES_FILE),
      JSON.stringify({
        source: "our negotiated rates",
        date: "2026-12-01",
        regions: { "us-east-1": { "g5.xlarge": 0.9 }, "ap-south-1": { "g6.xlarge": 0.7 } },
      }),
    );
    const extra = join(ws, "extra.json");
    writeFileSync(
      extra,
      JSON.stringify({
        source: "override",
        date: "2026-12-30",
        regions: { "ap-south-1": { "g6.xlarge": 0.65 } },
      }),
    );
    const table = loadPrices(ws, extra);
    expect(hourlyPrice(table, "us-east-1", "g5.xlarge")).toBe(0.9);
    expect(hourlyPrice(table, "ap-south-1", "g6.xlarge")).toBe(0.65);
    // Entries the overlays do not mention keep the checked-in value.
    expect(hourlyPrice(table, "us-east-1", "g4dn.xlarge")).toBe(
      loadPrices(workspace()).prices.get("us-east-1")!.get("g4dn.xlarge"),
    );
    expect(table.source).toContain("our negotiated rates (2026-12-01)");
    expect(table.date).toBe("2026-12-30");
  });

  it.each([
    ["not JSON", "{", "(file)"],
    [
      "a negative price",
      JSON.stringify({ source: "x", date: "2026-01-01", regions: { "us-east-1": { "g5.xlarge": -1 } } }),
      "regions.us-east-1.g5.xlarge",
    ],
    ["a missing date", JSON.stringify({ source: "x", regions: {} }), "date"],
    [
      "a misspelt instance type (it would price nothing)",
      JSON.stringify({ source: "x", date: "2026-01-01", regions: { "eu-west-1": { "g6.xlarg": 0.9 } } }),
      "regions.eu-west-1.g6.xlarg",
    ],
    [
      "a bad region",
      JSON.stringify({ source: "x", date: "2026-01-01", regions: { mars: {} } }),
      "regions.mars",
    ],
  ])("rejects %s naming the file and key", (_, text, key) => {
    const ws = workspace();
    writeFileSync(join(ws, WORKSPACE_PRICES_FILE), text);
    try {
      loadPrices(ws);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const err = e as ConfigError;
      expect(err.file).toBe(WORKSPACE_PRICES_FILE);
      expect(err.problems.map((p) => p.key)).toContain(key);
    }
  });
});

describe("network prices", () => {
  it("come from the checked-in table with AWS's page as source; regions without a figure are n/a", () => {
    const table = loadPrices(workspace());
    expect(table.source).toContain("https://aws.amazon.com/vpc/pricing/");
    expect(networkPrice(table, "eu-west-1", "publicIpv4Hour")).toBe(0.005);
    expect(networkPrice(table, "us-east-2", "natGatewayHour")).toBe(0.045);
    expect(networkPrice(table, "ap-south-2", "natGatewayHour")).toBeNull();
    expect(networkPrice(table, "ap-south-2", "interfaceEndpointAzHour")).toBeNull();
  });

  // The repository's own fleets are what a reader of the example plan sees costed: each billed part
  // of their network must have a figure, or the total leaves it out (shown n/a).
  it.each(readdirSync(join(REPO, "stacks/fleet/envs")))(
    "price every billed network part in the region of the repository's %s fleet",
    (env) => {
      const file = join(REPO, "stacks/fleet/envs", env, `Pulumi.${env}.yaml`);
      const fleet = loadStackConfig(file, { kind: "fleet" });
      if (fleet.kind !== "fleet") throw new Error(`${file} is not a fleet stack`);
      const table = loadPrices(workspace());
      for (const part of ["natGatewayHour", "interfaceEndpointAzHour", "publicIpv4Hour"] as const) {
        expect(networkPrice(table, fleet.region, part), part).toBeGreaterThan(0);
      }
    },
  );

  it("are extended per region and field by plan.prices.json", () => {
    const ws = workspace();
    writeFileSync(
      join(ws, WORKSPACE_PRICES_FILE),
      JSON.stringify({
        source: "our bill",
        date: "2026-12-01",
        regions: {},
        network: { "eu-west-1": { natGatewayHour: 0.05, interfaceEndpointAzHour: 0.012 } },
      }),
    );
    const table = loadPrices(ws);
    expect(networkPrice(table, "eu-west-1", "natGatewayHour")).toBe(0.05);
    expect(networkPrice(table, "eu-west-1", "interfaceEndpointAzHour")).toBe(0.012);
    expect(networkPrice(table, "eu-west-1", "publicIpv4Hour")).toBe(0.005);
  });
});
