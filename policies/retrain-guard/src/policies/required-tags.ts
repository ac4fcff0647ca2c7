import { z } from "zod";
import { nonBlank } from "../config-fields.js";
import {
  EBS_VOLUME_TYPE,
  INSTANCE_TYPE,
  LAUNCH_TEMPLATE_TYPE,
  label,
  SECURITY_GROUP_TYPE,
} from "../fleet/types.js";
import { defineResourcePolicy, type Violation } from "../policy-kit.js";
import { at, containsUnknown, isRecord, reveal } from "../values.js";
import { WINDOW_TYPE } from "../windows/model.js";

/** Taggable resources the project creates; the config can widen or narrow the list. */
const DEFAULT_TYPES = [
  INSTANCE_TYPE,
  LAUNCH_TEMPLATE_TYPE,
  EBS_VOLUME_TYPE,
  SECURITY_GROUP_TYPE,
  WINDOW_TYPE,
  "aws:iam/role:Role",
  "aws:iam/instanceProfile:InstanceProfile",
  "aws:s3/bucket:Bucket",
  "aws:ssm/document:Document",
  "aws:cloudwatch/logGroup:LogGroup",
];

/** The AWS provider's defaultTags.tags; provider state holds nested config as a JSON string. */
function providerDefaultTags(providerProps: unknown): unknown {
  let dt = reveal(at(providerProps, "defaultTags"));
  if (typeof dt === "string" && !containsUnknown(dt)) {
    try {
      dt = JSON.parse(dt);
    } catch {
      return undefined;
    }
  }
  return reveal(at(dt, "tags"));
}

export const requiredTagsConfig = z.strictObject({
  tags: z
    .array(nonBlank("tag key"))
    .default(["managed-by", "retrain:stack"])
    .describe("Tag keys every checked resource must carry."),
  resourceTypes: z
    .array(nonBlank("resource type"))
    .default(DEFAULT_TYPES)
    .describe("Pulumi type tokens the tags are required on."),
});

export const requiredTags = defineResourcePolicy({
  name: "required-tags",
  description: "Resources must carry the required tags (own tags or the provider's defaultTags).",
  remediation:
    "Add the missing tags, preferably once through the AWS provider's defaultTags (see defaultTags() in @retrain/config).",
  enforcementLevel: "advisory",
  config: requiredTagsConfig,
  // Every type is offered to the check; it filters by the configured list.
  resourceTypes: "all",
  check(resource, config): Violation[] {
    if (!config.resourceTypes.includes(resource.type)) return [];
    const own = reveal(resource.props.tags);
    const defaults = providerDefaultTags(resource.providerProps);
    if (containsUnknown(own) || containsUnknown(defaults)) return [];
    const present = new Set([
      ...Object.keys(isRecord(own) ? own : {}),
      ...Object.keys(isRecord(defaults) ? defaults : {}),
    ]);
    const missing = config.tags.filter((t) => !present.has(t));
    if (missing.length === 0) return [];
    return [
      {
        message: `${label(resource.type, resource.name)}: missing tag(s) ${missing.join(", ")}. Fix: add them to tags or to the provider's defaultTags.`,
      },
    ];
  },
});
