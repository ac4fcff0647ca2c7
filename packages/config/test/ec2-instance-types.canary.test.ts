/**
 * Canary of src/ec2-instance-types.ts: the seam reads `InstanceType` of @pulumi/aws's generated EC2
 * enums. A provider upgrade that moves or reshapes it fails here, by name, instead of refusing every
 * pool's instance type (or, with an empty list, every one).
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { ec2InstanceTypes, sizesOf } from "../src/ec2-instance-types.js";
import { GPU_INSTANCE_FAMILIES } from "../src/index.js";

const { version } = createRequire(import.meta.url)("@pulumi/aws/package.json") as { version: string };
const AWS = `@pulumi/aws ${version} (packages/config/src/ec2-instance-types.ts)`;

describe(`the EC2 instance types of ${AWS}`, () => {
  it("is the provider's full list (hundreds of types, every one family.size)", () => {
    const types = [...ec2InstanceTypes()];
    expect(types.length).toBeGreaterThan(500);
    for (const t of types) expect(t).toMatch(/^[a-z0-9-]+\.[a-z0-9-]+$/);
  });

  it.each(GPU_INSTANCE_FAMILIES)("knows sizes of %s, a family pools may use", (family) => {
    expect(sizesOf(family).length).toBeGreaterThan(0);
  });

  it("has the sizes AWS documents for g5 and p5, smallest first", () => {
    expect(sizesOf("g5")).toEqual([
      "xlarge",
      "2xlarge",
      "4xlarge",
      "8xlarge",
      "12xlarge",
      "16xlarge",
      "24xlarge",
      "48xlarge",
    ]);
    expect(sizesOf("p5")).toEqual(["4xlarge", "48xlarge"]);
    expect(sizesOf("g4dn").at(-1)).toBe("metal");
  });
});
