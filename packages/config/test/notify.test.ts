import { describe, expect, it } from "vitest";
import { checkAlertDestinations, checkTopicRegion, checkTopicScope } from "../src/notify.js";
import { notifySchema, schedulingConfigSchema } from "../src/schemas.js";
import type { TenantRegistry } from "../src/tenants.js";

// Not through tenantRegistrySchema: it refuses `vision` beside `vision-x` (overlapping name scopes,
// tenants.test.ts); the destination check stays correct for such a registry all the same.
const registry: TenantRegistry = {
  teams: {
    vision: { grants: [{ environment: "prod", pools: ["a10g"] }], alertEmailDomains: ["vision.example.com"] },
    "vision-x": { grants: [{ environment: "prod", pools: ["a10g"] }], alertEmailDomains: [] },
    nlp: { grants: [{ environment: "prod", pools: ["l4"] }], alertEmailDomains: [] },
  },
};
const arn = (name: string) => `arn:aws:sns:eu-west-1:123456789012:${name}`;

describe("checkAlertDestinations", () => {
  it.each([
    ["an address in the team's domain", "vision", { emails: ["Ml@Vision.Example.com"] }, []],
    [
      "an address elsewhere",
      "vision",
      { emails: ["a@gmail.com"] },
      [/"a@gmail\.com" is not in a domain team "vision" may alert \(vision\.example\.com/],
    ],
    [
      "a subdomain is not the domain",
      "vision",
      { emails: ["a@x.vision.example.com"] },
      [/is not in a domain/],
    ],
    [
      "a team with no domains",
      "nlp",
      { emails: ["a@nlp.example.com"] },
      [/team "nlp" may not send alerts by e-mail: .* lists no alertEmailDomains/],
    ],
    ["the team's own topic", "vision", { topicArn: arn("vision-oncall") }, []],
    [
      "a topic named for a longer team name",
      "vision",
      { topicArn: arn("vision-x-oncall") },
      [/topic "vision-x-oncall" is named for team "vision-x"/],
    ],
    ["that team's own topic is its own", "vision-x", { topicArn: arn("vision-x-oncall") }, []],
  ])("%s", (_t, team, n, expected) => {
    const problems = checkAlertDestinations(registry, team, notifySchema.parse(n));
    expect(problems.map((p) => p.message)).toEqual(expected.map((e) => expect.stringMatching(e)));
  });
});

describe("the notify schema", () => {
  const base = {
    team: "vision",
    environment: "prod",
    windows: [
      { name: "w1", schedule: "cron(0 4 ? * SUN *)", pool: "a10g", tasks: [{ name: "t1", command: "true" }] },
    ],
  };
  it.each([
    [{}, /name at least one of emails or topicArn/],
    [{ emails: ["not-an-address"] }, /must be an e-mail address/],
    [
      { emails: ["a@vision.example.com", "A@vision.example.com"] },
      /duplicate address "A@vision.example.com"/,
    ],
    [{ topicArn: "arn:aws:sqs:eu-west-1:123456789012:vision-q" }, /must be an SNS topic ARN/],
    [
      { topicArn: arn("nlp-oncall") },
      /topic "nlp-oncall" is not the team's: a team's own topic is named "vision-\.\.\."/,
    ],
    [{ emails: Array.from({ length: 11 }, (_, i) => `a${i}@vision.example.com`) }, /at most 10 addresses/],
  ])("rejects %j", (notify, message) => {
    const r = schedulingConfigSchema.safeParse({ ...base, notify });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message).join("\n")).toMatch(message);
  });
});

describe("checkTopicRegion", () => {
  it.each([
    ["no notify", undefined, []],
    ["e-mail only", { emails: ["a@vision.example.com"] }, []],
    ["a topic of the stack's region", { emails: [], topicArn: arn("vision-oncall") }, []],
    [
      "a topic of another region",
      { emails: [], topicArn: "arn:aws:sns:us-east-1:123456789012:vision-oncall" },
      [/is in region us-east-1, not this stack's region eu-west-1 \(aws:region/],
    ],
    [
      "a GovCloud topic",
      { emails: [], topicArn: "arn:aws-us-gov:sns:us-gov-west-1:123456789012:vision-oncall" },
      [/is in region us-gov-west-1, not this stack's region eu-west-1/],
    ],
  ])("%s", (_title, notify, expected) => {
    const problems = checkTopicRegion(notify, "eu-west-1");
    expect(problems.map((p) => p.key)).toEqual(expected.map(() => "scheduling:notify.topicArn"));
    for (const [i, p] of problems.entries()) expect(p.message).toMatch(expected[i]!);
  });
});

describe("checkTopicScope", () => {
  it.each([
    [arn("vision-oncall"), undefined],
    [
      "arn:aws:sns:eu-west-1:999999999999:vision-oncall",
      /in account 999999999999, not this stack's account 123456789012/,
    ],
    [
      "arn:aws:sns:us-east-1:123456789012:vision-oncall",
      /in region us-east-1, not this stack's region eu-west-1/,
    ],
  ])("%s", (topic, expected) => {
    const problem = checkTopicScope(topic, { accountId: "123456789012", region: "eu-west-1" });
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});

describe("notify.emails: a value that is not a list gets the type error alone", () => {
  it.each([
    ["x@vision.example.com", ["must be a list of e-mail addresses, e.g. [ml-oncall@example.com]"]],
    [42, ["must be a list of e-mail addresses, e.g. [ml-oncall@example.com]"]],
    [
      Array.from({ length: 11 }, (_, i) => `a${i}@vision.example.com`),
      ["at most 10 addresses; use a mailing list"],
    ],
    [["a@vision.example.com"], []],
  ])("%j", (emails, messages) => {
    const r = notifySchema.safeParse({ emails });
    expect(r.success ? [] : r.error.issues.map((i) => i.message)).toEqual(messages);
  });
});
