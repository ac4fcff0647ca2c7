/** Good and bad examples of required-tags (the table test runs every row). */
import { UNKNOWN } from "@retrain/config/unknown";
import type { PolicyExample } from "../examples.js";
import { goodTemplate, INSTANCE, SG } from "../fleet/examples.js";

export const examples: PolicyExample[] = [
  { title: "tags on the resource", resources: [goodTemplate], violations: [] },
  {
    title: "tags from the provider's defaultTags (JSON string in provider state)",
    resources: [
      {
        type: INSTANCE,
        name: "i",
        props: {},
        providerProps: {
          defaultTags: JSON.stringify({ tags: { "managed-by": "pulumi", "retrain:stack": "x" } }),
        },
      },
    ],
    violations: [],
  },
  {
    title: "tags from the provider's defaultTags as an object",
    resources: [
      {
        type: INSTANCE,
        name: "i",
        props: {},
        providerProps: { defaultTags: { tags: { "managed-by": "pulumi", "retrain:stack": "x" } } },
      },
    ],
    violations: [],
  },
  {
    title: "missing tags",
    resources: [{ type: SG, name: "sg", props: { tags: { "managed-by": "pulumi" } } }],
    violations: [/SecurityGroup "sg": missing tag\(s\) retrain:stack/],
  },
  {
    title: "types outside the list are not checked",
    resources: [{ type: "aws:ssm/parameter:Parameter", name: "p", props: {} }],
    violations: [],
  },
  {
    title: "a configured tag list",
    resources: [{ type: SG, name: "sg", props: { tags: { team: "vision" } } }],
    config: { tags: ["team"] },
    violations: [],
  },
  {
    title: "tags unknown during preview",
    resources: [{ type: SG, name: "sg", props: { tags: UNKNOWN } }],
    violations: [],
  },
  {
    title: "the provider's defaultTags unknown during preview: its tags are judged at up",
    resources: [
      {
        type: SG,
        name: "sg",
        props: { tags: { "managed-by": "pulumi" } },
        providerProps: { defaultTags: UNKNOWN },
      },
    ],
    violations: [],
  },
  {
    title: "the provider's defaultTags.tags unknown during preview: judged at up",
    resources: [
      {
        type: SG,
        name: "sg",
        props: { tags: { "managed-by": "pulumi" } },
        providerProps: { defaultTags: { tags: UNKNOWN } },
      },
    ],
    violations: [],
  },
];
