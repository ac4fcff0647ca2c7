/**
 * The one place that reads @pulumi/aws's list of EC2 instance types: `InstanceType` of its generated
 * enums (`types/enums/ec2`), every type the provider knows (g5.xlarge ... p6-b200.48xlarge). The
 * provider accepts any string for an instance's type and the offline mock offers every type, so a
 * size that does not exist (g5.large, g6.huge) would plan clean and fail at `pulumi preview`.
 *
 * A deep import into the provider's generated code (the package has no exports map; the enum is a
 * plain object with no imports, so this loads no Pulumi runtime). test/ec2-instance-types.canary.test.ts
 * checks its shape against the installed provider.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

let types: ReadonlySet<string> | undefined;

/** Every EC2 instance type @pulumi/aws knows, e.g. `g5.xlarge`. Loaded on first use. */
export function ec2InstanceTypes(): ReadonlySet<string> {
  if (!types) {
    const mod = require("@pulumi/aws/types/enums/ec2/index.js") as { InstanceType?: Record<string, unknown> };
    types = new Set(Object.values(mod.InstanceType ?? {}).filter((v): v is string => typeof v === "string"));
  }
  return types;
}

/** The sizes of a family @pulumi/aws knows (`g5` → xlarge, 2xlarge, ...), smallest name first. */
export function sizesOf(family: string): string[] {
  const sizes: string[] = [];
  for (const t of ec2InstanceTypes()) if (t.startsWith(`${family}.`)) sizes.push(t.slice(family.length + 1));
  const rank = (s: string) => (s === "metal" ? Number.MAX_SAFE_INTEGER : Number.parseInt(s, 10) || 1);
  return sizes.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
