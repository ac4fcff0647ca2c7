/** Good and bad examples of no-public-ip (the table test runs every row). */
import type { PolicyExample } from "../examples.js";
import { goodTemplate, INSTANCE, LT } from "../fleet/examples.js";

export const examples: PolicyExample[] = [
  { title: "no public IP", resources: [goodTemplate], violations: [] },
  {
    title: "instance with a public IP",
    resources: [{ type: INSTANCE, name: "pub", props: { associatePublicIpAddress: true } }],
    violations: [/Instance "pub": associatePublicIpAddress is true/],
  },
  {
    title: "launch template interface with a public IP",
    resources: [
      { type: LT, name: "pub", props: { networkInterfaces: [{ associatePublicIpAddress: "true" }] } },
    ],
    violations: [/networkInterfaces\[0\]\.associatePublicIpAddress is true/],
  },
];
