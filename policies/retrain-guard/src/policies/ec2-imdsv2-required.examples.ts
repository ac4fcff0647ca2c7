/** Good and bad examples of ec2-imdsv2-required (the table test runs every row). */
import { UNKNOWN } from "@retrain/config/unknown";
import type { PolicyExample } from "../examples.js";
import { goodTemplate, INSTANCE, LT } from "../fleet/examples.js";

export const examples: PolicyExample[] = [
  { title: "launch template requiring IMDSv2", resources: [goodTemplate], violations: [] },
  {
    title: "instance from a launch template",
    resources: [{ type: INSTANCE, name: "i", props: { launchTemplate: { id: UNKNOWN } } }],
    violations: [],
  },
  {
    title: "httpTokens optional",
    resources: [{ type: LT, name: "v1", props: { metadataOptions: { httpTokens: "optional" } } }],
    violations: [
      /LaunchTemplate "v1": metadataOptions\.httpTokens is "optional"\. Fix: set metadataOptions\.httpTokens to "required"/,
    ],
  },
  {
    title: "metadata options unknown during preview are not judged",
    resources: [{ type: LT, name: "later", props: { metadataOptions: UNKNOWN } }],
    violations: [],
  },
  {
    title: "instance without metadata options",
    resources: [{ type: INSTANCE, name: "bare", props: { ami: "ami-1" } }],
    violations: [/Instance "bare": metadataOptions\.httpTokens is not set/],
  },
];
