import { z } from "zod";
import { INSTANCE_TYPE, LAUNCH_TEMPLATE_TYPE, label } from "../fleet/types.js";
import { defineResourcePolicy, type Violation } from "../policy-kit.js";
import { at, bool, list } from "../values.js";

export const noPublicIp = defineResourcePolicy({
  name: "no-public-ip",
  description: "GPU instances must not get a public IP address; they reach SSM through the VPC.",
  remediation:
    "Set associatePublicIpAddress to false (or leave it unset in a private subnet) and reach AWS through VPC endpoints or a NAT gateway.",
  enforcementLevel: "advisory",
  config: z.strictObject({}),
  resourceTypes: [INSTANCE_TYPE, LAUNCH_TEMPLATE_TYPE],
  check(resource): Violation[] {
    const found: string[] = [];
    if (bool(resource.props.associatePublicIpAddress) === true)
      found.push("associatePublicIpAddress is true");
    for (const [i, n] of list(resource.props.networkInterfaces).entries()) {
      if (bool(at(n, "associatePublicIpAddress")) === true)
        found.push(`networkInterfaces[${i}].associatePublicIpAddress is true`);
    }
    return found.map((f) => ({
      message: `${label(resource.type, resource.name)}: ${f}. Fix: set it to false and use a private subnet.`,
    }));
  },
});
