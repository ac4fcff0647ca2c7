import { z } from "zod";
import { INSTANCE_TYPE, LAUNCH_TEMPLATE_TYPE, label } from "../fleet/types.js";
import { defineResourcePolicy, type Violation } from "../policy-kit.js";
import { at, isUnknown } from "../values.js";

export const ec2Imdsv2Required = defineResourcePolicy({
  name: "ec2-imdsv2-required",
  description:
    'EC2 instances and launch templates must require IMDSv2 (metadataOptions.httpTokens = "required").',
  remediation:
    'Set metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" } on the launch template or instance.',
  enforcementLevel: "advisory",
  config: z.strictObject({}),
  resourceTypes: [INSTANCE_TYPE, LAUNCH_TEMPLATE_TYPE],
  check(resource): Violation[] {
    const tokens = at(resource.props, "metadataOptions", "httpTokens");
    if (isUnknown(tokens) || isUnknown(at(resource.props, "metadataOptions"))) return [];
    // An instance launched from a template takes its metadata options from there.
    if (
      tokens === undefined &&
      resource.type === INSTANCE_TYPE &&
      at(resource.props, "launchTemplate") !== undefined
    )
      return [];
    if (tokens === "required") return [];
    const found =
      tokens === undefined
        ? "metadataOptions.httpTokens is not set (IMDSv1 stays available)"
        : `metadataOptions.httpTokens is "${String(tokens)}"`;
    return [
      {
        message: `${label(resource.type, resource.name)}: ${found}. Fix: set metadataOptions.httpTokens to "required".`,
      },
    ];
  },
});
