import { describe, expect, it } from "vitest";
import { pickAvailabilityZones, privateSubnetCidr } from "../src/fleet/fleet-network.js";

const zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const offered = (pairs: Record<string, string[]>) => {
  const entries = Object.entries(pairs).flatMap(([type, suffixes]) =>
    suffixes.map((z) => [type, `eu-west-1${z}`]),
  );
  return { instanceTypes: entries.map((e) => e[0] as string), locations: entries.map((e) => e[1] as string) };
};
const a10g = { name: "a10g", instanceType: "g5.xlarge" };
const l4 = { name: "l4", instanceType: "g6.xlarge" };

describe("pickAvailabilityZones", () => {
  it.each([
    ["one pool: every zone offering it", [a10g], { "g5.xlarge": ["a", "b", "c"] }, 6, zones],
    [
      "capped at max, in zone order",
      [a10g],
      { "g5.xlarge": ["c", "a", "b"] },
      2,
      ["eu-west-1a", "eu-west-1b"],
    ],
    [
      "two pools: only the zones offering both",
      [a10g, l4],
      { "g5.xlarge": ["b", "c"], "g6.xlarge": ["a", "b", "c"] },
      3,
      ["eu-west-1b", "eu-west-1c"],
    ],
    [
      "offerings outside the region's standard zones are ignored",
      [a10g],
      { "g5.xlarge": ["b", "-lax-1a"] },
      3,
      ["eu-west-1b"],
    ],
  ])("%s", (_case, pools, offers, max, expected) => {
    expect(pickAvailabilityZones(pools, offered(offers), zones, max)).toEqual(expected);
  });

  it("names the pool and the type a region offers nowhere", () => {
    expect(() => pickAvailabilityZones([a10g, l4], offered({ "g5.xlarge": ["a"] }), zones, 2)).toThrow(
      'fleet:pools: pool "l4": instance type g6.xlarge is offered in no availability zone of this region (eu-west-1a, eu-west-1b, eu-west-1c)',
    );
  });

  it("names each pool's zones when no zone offers them all", () => {
    expect(() =>
      pickAvailabilityZones([a10g, l4], offered({ "g5.xlarge": ["a"], "g6.xlarge": ["b", "c"] }), zones, 2),
    ).toThrow(
      "no availability zone offers every pool's instance type (a10g g5.xlarge: eu-west-1a; l4 g6.xlarge: eu-west-1b, eu-west-1c)",
    );
  });
});

describe("privateSubnetCidr", () => {
  it.each([
    [0, "10.64.0.0/20"],
    [1, "10.64.16.0/20"],
    [5, "10.64.80.0/20"],
    [14, "10.64.224.0/20"],
  ])("subnet %i of 10.64.0.0/16 is %s", (i, cidr) => {
    expect(privateSubnetCidr("10.64.0.0/16", i)).toBe(cidr);
  });
  it("keeps the last /20 (the NAT's /24) out of the private range", () => {
    expect(() => privateSubnetCidr("10.64.0.0/16", 15)).toThrow("outside a /16");
  });
});
