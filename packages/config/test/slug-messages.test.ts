/** Names (teams, windows, environments, pools): the message states the rule the pattern checks, once. */
import { describe, expect, it } from "vitest";
import { environmentSchema } from "../src/schemas.js";
import { tenantGrantSchema } from "../src/tenants.js";

const PATTERN =
  "environment must be lowercase letters, digits and '-', starting with a letter and ending with a letter or digit";
const LENGTH = "environment must be 2-16 characters";

describe.each([
  ["a stack config", environmentSchema],
  ["the tenant registry", tenantGrantSchema.shape.environment],
])("slug messages in %s", (_where, schema) => {
  it.each([
    ["prod", []],
    ["weekly-", [PATTERN]],
    ["1prod", [PATTERN]],
    ["Prod", [PATTERN]],
    // The length check fails first: the pattern is not also reported.
    ["w", [LENGTH]],
    ["a-very-long-environment-name", [LENGTH]],
    ["x-", [PATTERN]],
  ])("%j", (value, messages) => {
    const r = schema.safeParse(value);
    expect(r.success ? [] : r.error.issues.map((i) => i.message)).toEqual(messages);
  });
});
