/**
 * The EventBridge rule counts the plan sums against the account's quota per event bus
 * (`teamEventRuleCount`, `iamEventRuleCount`, `fleetEventRuleCount` of @retrain/config) are the rules
 * the real programs register: every example stack, and team configs with several windows, with
 * associations, with both, with and without alert destinations. A rule added to a component without
 * its count fails here, not at `pulumi up` with LimitExceededException.
 */
import { fleetEventRuleCount, iamEventRuleCount, teamEventRuleCount } from "@retrain/config";
import type { StackRunResult } from "@retrain/offline";
import { beforeAll, describe, expect, it } from "vitest";
import { countOf, validated } from "./support/counted-resources.js";
import { loadExample, runExample, runExampleUpstream } from "./support/example-upstream.js";

const RULE = "aws:cloudwatch/eventRule:EventRule";
const rulesOf = (r: StackRunResult) => countOf(r, RULE);

const upstream: Record<string, Record<string, unknown>> = {};
beforeAll(async () => {
  Object.assign(upstream, (await runExampleUpstream()).upstream);
});

describe("EventBridge rules of a team's stack", () => {
  const runTeam = (team: string, raw: Record<string, unknown>) =>
    runExample("scheduling", team, { config: raw, upstream }).run;
  const task = (name: string) => ({ name, command: `./${name}.sh`, timeoutSeconds: 1800 });
  const windowOn = (pool: string, name: string, day: string, extra: Record<string, unknown> = {}) => ({
    name,
    schedule: `cron(0 4 ? * ${day} *)`,
    durationHours: 2,
    cutoffHours: 1,
    pool,
    tasks: [task("train")],
    ...extra,
  });
  const associationOn = (pool: string, name: string, hour: number) => ({
    name,
    mode: "association",
    schedule: `cron(30 ${hour} ? * * *)`,
    pool,
    tasks: [task("refresh")],
  });
  // vision: prod's a10g stops when idle (windows start it); recsys: dev's a10g is always on.
  const prodWindow = (name: string, day: string) => windowOn("a10g", name, day, { startStopInstances: true });
  const variants: [string, string, Record<string, unknown>, number][] = [
    [
      "three windows",
      "vision",
      {
        "scheduling:windows": [
          ["monday", "MON"],
          ["wednesday", "WED"],
          ["friday", "FRI"],
        ].map(([n, d]) => prodWindow(n!, d!)),
      },
      5,
    ],
    [
      "windows and associations (one window disabled)",
      "recsys",
      {
        "scheduling:windows": [
          windowOn("a10g", "nightly", "MON"),
          windowOn("a10g", "weekly", "SAT", { enabled: false }),
          windowOn("a10g", "monthly", "SUN"),
          associationOn("a10g", "refresh-a", 2),
          associationOn("a10g", "refresh-b", 14),
        ],
      },
      // 3 window + 2 association failure rules, command-failed, windows-log, associations-log.
      8,
    ],
    [
      "associations only",
      "recsys",
      { "scheduling:windows": [2, 8, 14].map((h) => associationOn("a10g", `refresh-${h}`, h)) },
      5,
    ],
    ["no alert destinations", "vision", { "scheduling:notify": undefined }, 3],
    [
      "the team's own topic too (more targets, no more rules)",
      "vision",
      {
        "scheduling:notify": {
          emails: ["ml-oncall@vision.example.com"],
          topicArn: "arn:aws:sns:eu-west-1:123456789012:vision-oncall",
        },
      },
      3,
    ],
  ];

  it.each(["vision", "nlp", "recsys"])(
    "example team %s: teamEventRuleCount = the rules it registers",
    async (team) => {
      const loaded = loadExample("scheduling", "teams", team);
      const r = await runTeam(team, loaded.raw);
      expect(teamEventRuleCount(validated("scheduling", loaded.raw))).toBe(rulesOf(r));
    },
  );

  it.each(variants)(
    "%s (team %s): teamEventRuleCount = the rules it registers",
    async (_title, team, patch, expected) => {
      const raw = { ...loadExample("scheduling", "teams", team).raw, ...patch };
      const r = await runTeam(team, raw);
      const registered = rulesOf(r);
      expect(teamEventRuleCount(validated("scheduling", raw))).toBe(registered);
      // The count written out, so a formula and a component that drift together still show here.
      expect(registered).toBe(expected);
    },
  );
});

describe("EventBridge rules of an environment's iam and fleet stacks", () => {
  const runIam = (env: string, patch: Record<string, unknown> = {}) => runExample("iam", env, { patch });
  const runFleet = (env: string, patch: Record<string, unknown> = {}) =>
    runExample("fleet", env, { patch, upstream });

  it.each<[string, Record<string, unknown>]>([
    ["dev", {}],
    ["prod", {}],
    ["prod", { "iam:allowStartStop": false }],
    ["prod", { "iam:logRetentionDays": 365 }],
  ])("iam/%s %o: iamEventRuleCount = the rules it registers", async (env, patch) => {
    const { raw, run } = runIam(env, patch);
    expect(iamEventRuleCount(validated("iam", raw))).toBe(rulesOf(await run));
  });

  it.each<[string, Record<string, unknown>]>([
    ["dev", {}],
    ["prod", {}],
    ["prod", { "fleet:internetEgress": true }],
    ["prod", { "fleet:internetEgress": true, "fleet:vpcEndpoints": false }],
    ["prod", { "fleet:stopWhenIdleMinutes": 0 }],
  ])("fleet/%s %o: fleetEventRuleCount = the rules it registers", async (env, patch) => {
    const { raw, run } = runFleet(env, patch);
    expect(fleetEventRuleCount(validated("fleet", raw))).toBe(rulesOf(await run));
  });
});
