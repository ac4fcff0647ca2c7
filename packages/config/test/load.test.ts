import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, type ConfigProblem, loadStackConfig } from "../src/index.js";
import {
  fleetYaml,
  iamYaml,
  PROGRAMS,
  type TempWorkspace,
  teamYaml,
  tempWorkspace,
} from "./support/workspace.js";

let ws: TempWorkspace | undefined;
afterEach(() => ws?.remove());

const TEAM_FILE = "stacks/scheduling/teams/vision/Pulumi.vision.yaml";

/** Loads `text` as `file` in a fresh workspace with the three programs and returns the ConfigError. */
function problemsOf(text: string, file = TEAM_FILE): ConfigProblem[] {
  ws = tempWorkspace(PROGRAMS);
  const abs = ws.write(file, text);
  try {
    loadStackConfig(abs, { displayName: file });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).file).toBe(file);
    expect((e as ConfigError).message).toContain(file);
    return (e as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("loadStackConfig: valid files", () => {
  it("loads a team's scheduling config with defaults applied and the raw Pulumi config", () => {
    ws = tempWorkspace(PROGRAMS);
    const file = ws.write(TEAM_FILE, teamYaml("vision", "prod"));
    const loaded = loadStackConfig(file);
    expect(loaded).toMatchObject({
      file,
      kind: "scheduling",
      project: "retrain-scheduling",
      stack: "vision",
      region: "eu-west-1",
    });
    if (loaded.kind !== "scheduling") throw new Error("kind");
    expect(loaded.config.environment).toBe("prod");
    expect(loaded.config.windows[0]).toMatchObject({
      mode: "maintenance-window",
      enabled: true,
      startStopInstances: false,
    });
    expect(loaded.config.windows[0]?.tasks[0]).toMatchObject({ maxConcurrency: "1", maxErrors: "1" });
    expect(Object.keys(loaded.raw)).toEqual([
      "aws:region",
      "scheduling:team",
      "scheduling:environment",
      "scheduling:windows",
    ]);
    expect(loaded.raw["scheduling:windows"]).toBeInstanceOf(Array);
  });

  it.each([
    ["stacks/iam/envs/dev/Pulumi.dev.yaml", iamYaml("dev"), "iam", "retrain-iam"],
    ["stacks/fleet/envs/dev/Pulumi.dev.yaml", fleetYaml("dev"), "fleet", "retrain-fleet"],
  ])("decides the kind of %s from its program", (rel, text, kind, project) => {
    ws = tempWorkspace(PROGRAMS);
    const loaded = loadStackConfig(ws.write(rel, text));
    expect(loaded.kind).toBe(kind);
    expect(loaded.project).toBe(project);
    expect(loaded.stack).toBe("dev");
  });

  it("decides the kind from the namespace when the file is outside the layout", () => {
    ws = tempWorkspace();
    const loaded = loadStackConfig(ws.write("elsewhere/Pulumi.dev.yaml", fleetYaml("dev")));
    expect(loaded.kind).toBe("fleet");
    expect(loaded.project).toBe("retrain-fleet");
  });

  it("takes the project name from the nearest Pulumi.yaml", () => {
    ws = tempWorkspace({ "stacks/iam/Pulumi.yaml": "name: acme-iam\nruntime: nodejs\n" });
    const loaded = loadStackConfig(ws.write("stacks/iam/envs/dev/Pulumi.dev.yaml", iamYaml("dev")));
    expect(loaded).toMatchObject({ kind: "iam", project: "acme-iam" });
  });

  it("accepts secure: values as opaque strings and keeps them encrypted in raw", () => {
    ws = tempWorkspace(PROGRAMS);
    const text = teamYaml("vision").replace(
      "command: python /opt/retrain/train.py",
      "command:\n            secure: v1:AAAAbase64ciphertext==",
    );
    const loaded = loadStackConfig(ws.write(TEAM_FILE, text));
    if (loaded.kind !== "scheduling") throw new Error("kind");
    expect(loaded.config.windows[0]?.tasks[0]?.command).toBe("v1:AAAAbase64ciphertext==");
    const raw = loaded.raw["scheduling:windows"] as { tasks: { command: unknown }[] }[];
    expect(raw[0]?.tasks[0]?.command).toEqual({ secure: "v1:AAAAbase64ciphertext==" });
  });
});

describe("loadStackConfig: errors name the file, the key and what is allowed", () => {
  it("lists every problem at once, each with its key and line", () => {
    const text = `config:
  scheduling:team: vision
  scheduling:environment: dev
  scheduling:windows:
    - name: weekly-retrain
      schedule: cron(0 4 ? * 0 *)
      durationHours: 30
      pool: a10g
      colour: blue
      tasks:
        - name: retrain
          command: python train.py
`;
    const problems = problemsOf(text);
    const lines = problems.map((p) => p.line ?? 0);
    expect(lines, "problems are listed in file order").toEqual([...lines].sort((a, b) => a - b));
    const byKey = Object.fromEntries(problems.map((p) => [p.key, p]));
    expect(Object.keys(byKey).sort()).toEqual([
      "aws:region",
      "scheduling:windows[0].colour",
      "scheduling:windows[0].durationHours",
      "scheduling:windows[0].schedule",
    ]);
    expect(byKey["aws:region"]?.message).toMatch(/required/);
    expect(byKey["scheduling:windows[0].schedule"]).toMatchObject({ line: 6 });
    expect(byKey["scheduling:windows[0].schedule"]?.message).toMatch(/day-of-week.*position 13/);
    expect(byKey["scheduling:windows[0].durationHours"]).toMatchObject({ line: 7 });
    expect(byKey["scheduling:windows[0].durationHours"]?.message).toMatch(/24/);
    expect(byKey["scheduling:windows[0].colour"]).toMatchObject({ line: 9 });
    expect(byKey["scheduling:windows[0].colour"]?.message).toMatch(
      /unknown key \(allowed: name, mode, schedule/,
    );
  });

  it.each<[string, string, string, { key: string; message: RegExp; line?: number }]>([
    [
      "an unknown key of the namespace",
      TEAM_FILE,
      teamYaml("vision", "dev", { extra: "  scheduling:windoes: []\n" }),
      {
        key: "scheduling:windoes",
        message: /unknown key \(allowed: team, environment, windows, notify\)/,
        line: 5,
      },
    ],
    [
      "an unknown namespace",
      TEAM_FILE,
      teamYaml("vision", "dev", { extra: "  fleet:pools: []\n" }),
      {
        key: "fleet:pools",
        message: /unknown namespace "fleet" in a scheduling stack; allowed: aws, scheduling/,
        line: 5,
      },
    ],
    [
      "an unknown aws: key",
      TEAM_FILE,
      teamYaml("vision", "dev", { extra: "  aws:regoin: eu-west-1\n" }),
      {
        key: "aws:regoin",
        message: /not allowed in a team's file: .*the only aws: key allowed is aws:region$/,
        line: 5,
      },
    ],
    [
      "an unknown aws: key of a platform stack",
      "stacks/iam/envs/dev/Pulumi.dev.yaml",
      iamYaml("dev", "  aws:regoin: eu-west-1\n"),
      { key: "aws:regoin", message: /unknown key; allowed: aws:region, aws:profile/, line: 4 },
    ],
    [
      "a key without namespace",
      TEAM_FILE,
      teamYaml("vision", "dev", { extra: "  team: vision\n" }),
      { key: "team", message: /`<namespace>:<key>`/, line: 5 },
    ],
    [
      "a missing aws:region",
      TEAM_FILE,
      teamYaml("vision").replace("  aws:region: eu-west-1\n", ""),
      { key: "aws:region", message: /required/ },
    ],
    [
      "an invalid aws:region",
      TEAM_FILE,
      teamYaml("vision").replace("eu-west-1", "Frankfurt"),
      { key: "aws:region", message: /AWS region such as eu-west-1/, line: 2 },
    ],
    [
      "a missing required key",
      TEAM_FILE,
      teamYaml("vision").replace("  scheduling:environment: dev\n", ""),
      { key: "scheduling:environment", message: /required: expected string/ },
    ],
    [
      "a team that disagrees with the file name",
      "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml",
      teamYaml("vision"),
      {
        key: "scheduling:team",
        message: /"vision" but the file name says stack "nlp" \(Pulumi\.nlp\.yaml\)/,
        line: 3,
      },
    ],
    [
      "an environment that disagrees with the file name",
      "stacks/iam/envs/prod/Pulumi.prod.yaml",
      iamYaml("dev"),
      { key: "iam:environment", message: /"dev" but the file name says stack "prod"/, line: 3 },
    ],
    [
      "a file not named Pulumi.<stack>.yaml",
      "stacks/scheduling/teams/vision/vision.yaml",
      teamYaml("vision"),
      { key: "", message: /file name must be Pulumi\.<stack>\.yaml/ },
    ],
    [
      "an unknown top-level setting",
      TEAM_FILE,
      `${teamYaml("vision")}confg:\n  x: 1\n`,
      { key: "", message: /unknown top-level setting "confg"; allowed: config$/, line: 16 },
    ],
    [
      "an unknown top-level setting of a platform stack",
      "stacks/iam/envs/dev/Pulumi.dev.yaml",
      `${iamYaml("dev")}confg:\n  x: 1\n`,
      { key: "", message: /unknown top-level setting "confg"; allowed: config, secretsprovider/, line: 4 },
    ],
    [
      "a secure: value where a number is required",
      TEAM_FILE,
      teamYaml("vision").replace("durationHours: 3", "durationHours:\n        secure: v1:abc"),
      {
        key: "scheduling:windows[0].durationHours",
        message: /expected number.*secure: value is an encrypted string/,
      },
    ],
    // Before, a rule the ciphertext broke was dropped, and with it the whole stack from the plan
    // (Plan OK, one stack fewer): reported, keyed, like any other.
    [
      "a secure: value where a schedule expression is required",
      TEAM_FILE,
      teamYaml("vision").replace(
        /schedule: (.*)/,
        "schedule:\n        secure: v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBB",
      ),
      {
        key: "scheduling:windows[0].schedule",
        message: /secure: value is an encrypted string, which the plan cannot check: write it in plain text/,
      },
    ],
    // Attack: the plan would judge the ciphertext (`secure: dev` passes as "dev") while Pulumi deploys
    // the plaintext; what the tenant registry decides on must be readable here.
    [
      "a secure: value as the environment",
      TEAM_FILE,
      teamYaml("vision").replace("scheduling:environment: dev", "scheduling:environment:\n    secure: dev"),
      {
        key: "scheduling:environment",
        message:
          /may not be a secret: the tenant registry checks it, and a secure: value cannot be read here/,
      },
    ],
    [
      "a secure: value as the team",
      TEAM_FILE,
      teamYaml("vision").replace("scheduling:team: vision", "scheduling:team:\n    secure: vision"),
      { key: "scheduling:team", message: /may not be a secret/ },
    ],
    [
      "a secure: value as a pool",
      TEAM_FILE,
      teamYaml("vision").replace("pool: a10g", "pool:\n        secure: a10g"),
      { key: "scheduling:windows[0].pool", message: /may not be a secret/ },
    ],
    [
      "a secure: value as an alert address",
      TEAM_FILE,
      teamYaml("vision", "dev", {
        extra: "  scheduling:notify:\n    emails:\n      - secure: a@vision.example.com\n",
      }),
      { key: "scheduling:notify.emails[0]", message: /may not be a secret/ },
    ],
    [
      "a team topic in another region than the file's aws:region",
      TEAM_FILE,
      teamYaml("vision", "dev", {
        extra: "  scheduling:notify:\n    topicArn: arn:aws:sns:us-east-1:123456789012:vision-oncall\n",
      }),
      {
        key: "scheduling:notify.topicArn",
        message:
          /topic arn:aws:sns:us-east-1:123456789012:vision-oncall is in region us-east-1, not this stack's region eu-west-1 \(aws:region/,
        line: 6,
      },
    ],
    [
      "a log retention CloudWatch does not offer",
      "stacks/iam/envs/dev/Pulumi.dev.yaml",
      iamYaml("dev", "  iam:logRetentionDays: 10\n"),
      { key: "iam:logRetentionDays", message: /one of the CloudWatch retention periods: 1, 3, 5/, line: 4 },
    ],
  ])("reports %s", (_name, file, text, expected) => {
    const problems = problemsOf(text, file);
    const match = problems.find((p) => p.key === expected.key && expected.message.test(p.message));
    expect(match, JSON.stringify(problems, null, 2)).toBeDefined();
    if (expected.line !== undefined) expect(match?.line).toBe(expected.line);
  });

  it.each<[string, string, number, RegExp]>([
    [
      "an unclosed flow sequence",
      "config:\n  aws:region: eu-west-1\n  scheduling:team: [vision\n  x: 1\n",
      4,
      /end with a \]$/,
    ],
    [
      "a nested mapping on one line",
      "config:\n  aws:region: eu-west-1\n  scheduling:team: vision: x\n",
      3,
      /Nested mappings/,
    ],
    ["a tab used for indentation", "config:\n\taws:region: eu-west-1\n", 2, /YAML syntax error/],
    ["a duplicate key", "config:\n  aws:region: eu-west-1\n  aws:region: us-east-1\n", 3, /unique/i],
  ])("reports YAML syntax errors with file, line and column: %s", (_name, text, line, message) => {
    const problems = problemsOf(text);
    expect(problems[0]).toMatchObject({ key: "", line });
    expect(problems[0]?.column).toBeGreaterThan(0);
    expect(problems[0]?.message).toMatch(message);
  });

  it("caps a file's YAML syntax errors at five, counting the rest", () => {
    const text = `config:\n${Array.from({ length: 20 }, (_, i) => `  k${i}: [[\n`).join("")}`;
    const problems = problemsOf(text);
    expect(problems.slice(0, 5).every((p) => /^YAML syntax error: /.test(p.message))).toBe(true);
    expect(problems).toHaveLength(6);
    expect(problems[5]?.message).toMatch(/^and \d+ more YAML syntax errors$/);
  });

  it("refuses a file not named Pulumi.<stack>.yaml before reading it as YAML (no syntax errors of a README)", () => {
    const problems = problemsOf(
      "# A README\n\n- [x]: {{ not yaml\n",
      "stacks/scheduling/teams/vision/README.md",
    );
    expect(problems).toEqual([
      { key: "", message: "the file name must be Pulumi.<stack>.yaml (got README.md)" },
    ]);
  });

  it("reports a file that cannot be read", () => {
    expect(() => loadStackConfig("/nonexistent/Pulumi.dev.yaml")).toThrow(/cannot read the file/);
  });

  it("formats every problem into the error message with key and line", () => {
    ws = tempWorkspace(PROGRAMS);
    const file = ws.write(TEAM_FILE, teamYaml("vision", "dev", { schedule: "rate(1 minutes)" }));
    expect(() => loadStackConfig(file, { displayName: TEAM_FILE })).toThrow(
      new RegExp(
        `invalid config in ${TEAM_FILE}:\\n  - scheduling:windows\\[0\\]\\.schedule \\(line 7:\\d+\\): `,
      ),
    );
  });
});

describe("loadStackConfig: a team's file is untrusted input", () => {
  // Each row: what an attacker on the team side adds to an otherwise valid file, and the error.
  it.each<[string, string, { key: string; message: RegExp; line: number }]>([
    [
      "an ESC environment import",
      `${teamYaml("vision")}environment:\n  - platform/prod-credentials\n`,
      { key: "", message: /top-level setting "environment" is not allowed in a team's file: ESC/, line: 16 },
    ],
    [
      "a secrets provider",
      `secretsprovider: awskms://alias/other-team\n${teamYaml("vision")}`,
      {
        key: "",
        message:
          /top-level setting "secretsprovider" is not allowed.*only config: with scheduling: keys and aws:region/,
        line: 1,
      },
    ],
    [
      "an encrypted data key",
      `encryptedkey: AQICAHh\n${teamYaml("vision")}`,
      { key: "", message: /top-level setting "encryptedkey" is not allowed/, line: 1 },
    ],
    [
      "an encryption salt",
      `encryptionsalt: v1:abc:def\n${teamYaml("vision")}`,
      { key: "", message: /top-level setting "encryptionsalt" is not allowed/, line: 1 },
    ],
    [
      "an unknown top-level key",
      `imports: [x]\n${teamYaml("vision")}`,
      { key: "", message: /unknown top-level setting "imports"; allowed: config$/, line: 1 },
    ],
    [
      "another AWS profile",
      teamYaml("vision", "dev", { extra: "  aws:profile: prod-admin\n" }),
      { key: "aws:profile", message: /only aws: key allowed is aws:region/, line: 5 },
    ],
    [
      "an assumed role",
      teamYaml("vision", "dev", {
        extra: "  aws:assumeRole:\n    roleArn: arn:aws:iam::123456789012:role/admin\n",
      }),
      { key: "aws:assumeRole", message: /not allowed in a team's file/, line: 5 },
    ],
    [
      "redirected AWS endpoints",
      teamYaml("vision", "dev", { extra: "  aws:endpoints:\n    - ssm: https://evil.example\n" }),
      { key: "aws:endpoints", message: /not allowed in a team's file/, line: 5 },
    ],
    [
      "a StackReference override of the iam stack",
      teamYaml("vision", "dev", { extra: "  scheduling:iamStack: organization/retrain-iam/prod\n" }),
      {
        key: "scheduling:iamStack",
        message: /unknown key \(allowed: team, environment, windows, notify\)/,
        line: 5,
      },
    ],
    [
      "a StackReference override of the fleet stack",
      teamYaml("vision", "dev", { extra: "  scheduling:fleetStack: organization/retrain-fleet/prod\n" }),
      { key: "scheduling:fleetStack", message: /unknown key/, line: 5 },
    ],
    [
      "another stack kind's namespace",
      teamYaml("vision", "dev", { extra: "  iam:environment: prod\n" }),
      { key: "iam:environment", message: /unknown namespace "iam" in a scheduling stack/, line: 5 },
    ],
    [
      "an environment the team is not granted",
      teamYaml("vision", "staging"),
      {
        key: "scheduling:environment",
        message:
          /team "vision" may not use environment "staging"; it is granted dev \(pool a10g\), prod \(pool a10g\) in policies\/tenants\.yaml/,
        line: 4,
      },
    ],
    [
      "a pool the team is not granted",
      teamYaml("vision", "prod").replace("pool: a10g", "pool: h100"),
      {
        key: "scheduling:windows[0].pool",
        message: /team "vision" may not use pool "h100" of prod; it is granted/,
        line: 11,
      },
    ],
    [
      "an unregistered team",
      teamYaml("mallory").replace("dev", "prod"),
      {
        key: "scheduling:team",
        message: /team "mallory" is not registered in policies\/tenants\.yaml/,
        line: 3,
      },
    ],
  ])("rejects %s, naming the key, line and what is allowed", (_name, text, expected) => {
    const file = text.includes("mallory") ? "stacks/scheduling/teams/mallory/Pulumi.mallory.yaml" : TEAM_FILE;
    const problems = problemsOf(text, file);
    const match = problems.find((p) => p.key === expected.key && expected.message.test(p.message));
    expect(match, JSON.stringify(problems, null, 2)).toBeDefined();
    expect(match?.line).toBe(expected.line);
  });

  it("keeps what platform files allow: secrets-provider state, ESC imports and provider settings", () => {
    ws = tempWorkspace(PROGRAMS);
    const file = ws.write(
      "stacks/iam/envs/dev/Pulumi.dev.yaml",
      `secretsprovider: passphrase\nencryptionsalt: v1:abc\nenvironment:\n  - platform/dev\n${iamYaml("dev", "  aws:profile: platform\n  aws:allowedAccountIds: ['123456789012']\n")}`,
    );
    expect(loadStackConfig(file).kind).toBe("iam");
  });

  it("checks against the registry it is given instead of searching for one", () => {
    ws = tempWorkspace(PROGRAMS);
    const file = ws.write(TEAM_FILE, teamYaml("vision", "dev"));
    const other = ws.write(
      "elsewhere/tenants.yaml",
      "teams:\n  vision:\n    grants:\n      - environment: prod\n        pools: [a10g]\n",
    );
    expect(loadStackConfig(file).kind).toBe("scheduling");
    expect(() => loadStackConfig(file, { tenantRegistry: other, displayName: TEAM_FILE })).toThrow(
      /scheduling:environment \(line 4:3\): team "vision" may not use environment "dev"; it is granted prod \(pool a10g\) in \S*elsewhere\/tenants\.yaml/,
    );
    const loaded = {
      file: other,
      registry: {
        teams: { vision: { grants: [{ environment: "dev", pools: ["a10g"] }], alertEmailDomains: [] } },
      },
    };
    expect(loadStackConfig(file, { tenantRegistry: loaded }).kind).toBe("scheduling");
  });

  it("never reads a registry planted in the team's own folder", () => {
    ws = tempWorkspace(PROGRAMS);
    const file = ws.write(TEAM_FILE, teamYaml("vision", "staging"));
    ws.write(
      "stacks/scheduling/teams/vision/policies/tenants.yaml",
      "teams:\n  vision:\n    grants:\n      - environment: staging\n        pools: [a10g]\n",
    );
    ws.write(
      "stacks/policies/tenants.yaml",
      "teams:\n  vision:\n    grants:\n      - environment: staging\n        pools: [a10g]\n",
    );
    expect(() => loadStackConfig(file, { displayName: TEAM_FILE })).toThrow(
      /team "vision" may not use environment "staging"; it is granted dev \(pool a10g\), prod \(pool a10g\) in policies\/tenants\.yaml/,
    );
  });

  it("fails closed without a registry, or with a broken one, naming the registry file", () => {
    ws = tempWorkspace({ "stacks/scheduling/Pulumi.yaml": PROGRAMS["stacks/scheduling/Pulumi.yaml"]! });
    const file = ws.write(TEAM_FILE, teamYaml("vision"));
    expect(() => loadStackConfig(file, { displayName: TEAM_FILE })).toThrow(
      /no tenant registry \(policies\/tenants\.yaml\) at or above \/tmp\/retrain-config-\w+: /,
    );
    ws.write("policies/tenants.yaml", "teams:\n  vision:\n    grants:\n      - environment: dev\n");
    expect(() => loadStackConfig(file, { displayName: TEAM_FILE })).toThrow(
      /the tenant registry policies\/tenants\.yaml is invalid: teams\.vision\.grants\[0\]\.pools \(line 4\): required/,
    );
  });
});
