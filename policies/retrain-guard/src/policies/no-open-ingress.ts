import { z } from "zod";
import {
  label,
  SECURITY_GROUP_RULE_TYPE,
  SECURITY_GROUP_TYPE,
  VPC_INGRESS_RULE_TYPE,
} from "../fleet/types.js";
import { defineResourcePolicy, type Violation } from "../policy-kit.js";
import { at, list, str } from "../values.js";

const OPEN = new Set(["0.0.0.0/0", "::/0"]);

function openIn(values: unknown[], field: string): string[] {
  return values.flatMap((v, i) => {
    const cidr = str(v);
    return cidr && OPEN.has(cidr.trim()) ? [`${field}[${i}] is ${cidr}`] : [];
  });
}

export const noOpenIngress = defineResourcePolicy({
  name: "no-open-ingress",
  description: "Security groups must not allow ingress from anywhere (0.0.0.0/0 or ::/0).",
  remediation:
    "Remove the rule (SSM needs no ingress) or limit it to the source security group or CIDR that needs it.",
  enforcementLevel: "advisory",
  config: z.strictObject({}),
  resourceTypes: [SECURITY_GROUP_TYPE, SECURITY_GROUP_RULE_TYPE, VPC_INGRESS_RULE_TYPE],
  check(resource): Violation[] {
    const p = resource.props;
    const found: string[] = [];
    if (resource.type === SECURITY_GROUP_TYPE) {
      for (const [i, rule] of list(p.ingress).entries()) {
        found.push(...openIn(list(at(rule, "cidrBlocks")), `ingress[${i}].cidrBlocks`));
        found.push(...openIn(list(at(rule, "ipv6CidrBlocks")), `ingress[${i}].ipv6CidrBlocks`));
      }
    } else if (resource.type === SECURITY_GROUP_RULE_TYPE) {
      if (str(p.type) !== "ingress") return [];
      found.push(
        ...openIn(list(p.cidrBlocks), "cidrBlocks"),
        ...openIn(list(p.ipv6CidrBlocks), "ipv6CidrBlocks"),
      );
    } else {
      found.push(...openIn([p.cidrIpv4], "cidrIpv4").map((f) => f.replace("[0]", "")));
      found.push(...openIn([p.cidrIpv6], "cidrIpv6").map((f) => f.replace("[0]", "")));
    }
    return found.map((f) => ({
      message: `${label(resource.type, resource.name)}: ${f}, which allows ingress from anywhere. Fix: remove the rule or name the source that needs it.`,
    }));
  },
});
