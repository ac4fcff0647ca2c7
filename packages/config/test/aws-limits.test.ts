/**
 * Config that the offline plan used to pass but AWS rejects, or that deploys and never works, each
 * refused through the loader `pnpm plan` uses, naming the file, the key and what is allowed:
 * reserved S3 bucket names, GPU families the AMI or the document cannot use, MaxConcurrency/MaxErrors
 * longer than SSM's 7 characters, tasks beyond SSM's 20 per window, more windows than the team's
 * registry cap, time zones not spelled as IANA spells them, and a fleet on another environment's IAM stack.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  bucketNameProblem,
  ConfigError,
  GPU_INSTANCE_FAMILIES,
  loadStackConfig,
  otherEnvironmentReference,
  regionMismatch,
  timezoneSchema,
} from "../src/index.js";
import { timeZoneProblem } from "../src/time-zones.js";
import { iamYaml, PROGRAMS, registryYaml, type TempWorkspace, tempWorkspace } from "./support/workspace.js";

let ws: TempWorkspace | undefined;
afterEach(() => ws?.remove());

type Obj = Record<string, unknown>;

/** The problems of loading `text` as `file` in a fresh workspace (with `files` beside it). */
function problemsOf(file: string, text: string, files: Record<string, string> = {}) {
  ws = tempWorkspace({ ...PROGRAMS, ...files });
  const abs = ws.write(file, text);
  try {
    loadStackConfig(abs, { displayName: file });
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.file).toBe(file);
    return e.problems;
  }
}

function expectProblem(problems: { key: string; message: string }[], error: [string, RegExp] | undefined) {
  if (!error) {
    expect(problems).toEqual([]);
    return;
  }
  const [key, message] = error;
  expect(problems, JSON.stringify(problems, null, 2)).toContainEqual(
    expect.objectContaining({ key, message: expect.stringMatching(message) }),
  );
}

describe("iam:artifactBucketName: S3's general purpose bucket naming rules", () => {
  const IAM = "stacks/iam/envs/prod/Pulumi.prod.yaml";
  it.each<[string, RegExp | undefined]>([
    ["retrain-artifacts-prod", undefined],
    ["retrain.artifacts.prod", undefined],
    ["sthree-artifacts", /must not start with "sthree-"/],
    ["sthree-configurator-x", /must not start with "sthree-"/],
    ["amzn-s3-demo-artifacts", /must not start with "amzn-s3-demo-"/],
    ["xn--artifacts", /must not start with "xn--"/],
    ["artifacts-s3alias", /must not end with "-s3alias"/],
    ["artifacts--ol-s3", /must not end with "--ol-s3"/],
    ["artifacts.mrap", /must not end with "\.mrap"/],
    ["artifacts--x-s3", /must not end with "--x-s3"/],
    ["artifacts--table-s3", /must not end with "--table-s3"/],
    ["a..b-artifacts", /two adjacent periods/],
    ["192.168.5.4", /IP address/],
    ["Retrain_Artifacts", /3-63 lowercase letters/],
  ])("%s", (name, message) => {
    const problems = problemsOf(IAM, iamYaml("prod", `  iam:artifactBucketName: ${name}\n`));
    expectProblem(problems, message && ["iam:artifactBucketName", message]);
  });

  it("bucketNameProblem is what the plan's provider constraints use", () => {
    expect(bucketNameProblem("retrain-artifacts-prod")).toBeUndefined();
    expect(bucketNameProblem("sthree-x")).toMatch(/reserves the prefixes xn--, sthree-, amzn-s3-demo-/);
  });
});

describe("fleet: pools use x86_64 NVIDIA GPU families only", () => {
  const FLEET = "stacks/fleet/envs/prod/Pulumi.prod.yaml";
  const pool = (instanceType: string) =>
    `config:\n  aws:region: eu-west-1\n  fleet:environment: prod\n  fleet:pools:\n    - name: a10g\n      instanceType: ${instanceType}\n`;
  it.each<[string, RegExp | undefined]>([
    ["g5.xlarge", undefined],
    ["g4dn.xlarge", undefined],
    ["p6-b200.48xlarge", undefined],
    ["g5g.xlarge", /not g5g: Graviton\/arm64/],
    ["g4ad.xlarge", /not g4ad: AMD GPUs/],
    ["p3.2xlarge", /not p3\/p3dn: V100, no driver in the Deep Learning AMIs/],
    ["p3dn.24xlarge", /not p3\/p3dn: V100/],
    ["m5.xlarge", /x86_64 NVIDIA GPU instance type/],
    ["g4dn.metal", undefined],
    ["p5.4xlarge", undefined],
    // Sizes a family does not come in: no such EC2 type.
    [
      "g5.large",
      /g5\.large is not an EC2 instance type: g5 comes in g5\.xlarge, g5\.2xlarge, g5\.4xlarge, .*g5\.48xlarge/,
    ],
    ["g6.huge", /g6\.huge is not an EC2 instance type: g6 comes in g6\.xlarge/],
    ["p4d.xlarge", /p4d\.xlarge is not an EC2 instance type: p4d comes in p4d\.24xlarge \(/],
    ["g4dn.32xlarge", /g4dn comes in .*g4dn\.16xlarge, g4dn\.metal/],
  ])("%s", (type, message) => {
    expectProblem(problemsOf(FLEET, pool(type)), message && ["fleet:pools[0].instanceType", message]);
  });

  it("lists none of g5g, g4ad, p3 and p3dn", () => {
    for (const family of ["g5g", "g4ad", "p3", "p3dn"]) expect(GPU_INSTANCE_FAMILIES).not.toContain(family);
  });
});

describe("fleet:amiParameter: an x86_64 Deep Learning AMI with NVIDIA drivers", () => {
  const FLEET = "stacks/fleet/envs/prod/Pulumi.prod.yaml";
  const fleet = (parameter: string) =>
    `config:\n  aws:region: eu-west-1\n  fleet:environment: prod\n  fleet:amiParameter: ${parameter}\n  fleet:pools:\n    - name: a10g\n      instanceType: g5.xlarge\n`;
  const wrong = /must be the SSM parameter of an x86_64 Ubuntu AWS Deep Learning AMI with NVIDIA drivers/;
  it.each<[string, RegExp | undefined]>([
    ["/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id", undefined],
    [
      "/aws/service/deeplearning/ami/x86_64/oss-nvidia-driver-gpu-pytorch-2.7-ubuntu-22.04/latest/ami-id",
      undefined,
    ],
    // arm64 (Graviton) cannot boot the x86_64 pool families; RunInstances refuses the pair.
    ["/aws/service/deeplearning/ami/arm64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id", wrong],
    // No NVIDIA driver: every run's nvidia-smi check fails.
    ["/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", wrong],
    ["/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/ami-id", wrong],
    // Amazon Linux boots from /dev/xvda; the launch template maps Ubuntu's /dev/sda1.
    [
      "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id",
      wrong,
    ],
    // A Neuron (Inferentia/Trainium) AMI has no NVIDIA driver.
    ["/aws/service/deeplearning/ami/x86_64/base-neuron-ubuntu-22.04/latest/ami-id", wrong],
    ["/my-team/golden-ami", wrong],
  ])("%s", (parameter, message) => {
    expectProblem(problemsOf(FLEET, fleet(parameter)), message && ["fleet:amiParameter", message]);
  });
});

describe("fleet:iamStack: the IAM stack of the fleet's own environment", () => {
  it.each<[string, string, boolean]>([
    ["organization/retrain-iam/prod", "prod", true],
    ["acme/retrain-iam/prod", "prod", true],
    ["retrain-iam/prod", "prod", true],
    ["organization/retrain-iam/dev", "prod", false],
    ["organization/retrain-iam/shared", "dev", false],
  ])("%s for environment %s", (stackRef, environment, ok) => {
    const problem = otherEnvironmentReference({ key: "fleet:iamStack", stackRef, environment });
    if (ok) expect(problem).toBeUndefined();
    else
      expect(problem).toMatch(
        new RegExp(
          `^fleet:iamStack: "${stackRef}" is stack "[a-z]+", another environment than this stack's "${environment}".*…/retrain-iam/${environment}`,
        ),
      );
  });
});

describe("aws:region: the same region as the upstream stacks", () => {
  it.each<["iam" | "fleet", string, string, RegExp | undefined]>([
    ["fleet", "eu-west-1", "eu-west-1", undefined],
    ["fleet", "us-east-1", "eu-west-1", /target no instance/],
    ["iam", "us-east-1", "eu-west-1", /trusts Systems Manager of the IAM stack's region only/],
  ])("%s stack in %s, this stack in %s", (kind, upstreamRegion, region, message) => {
    const problem = regionMismatch({
      file: "Pulumi.vision.yaml",
      region,
      upstream: { kind, stackRef: `organization/retrain-${kind}/prod`, region: upstreamRegion },
    });
    if (!message) expect(problem).toBeUndefined();
    else {
      expect(problem).toMatch(message);
      expect(problem).toMatch(
        new RegExp(
          `^Pulumi\\.vision\\.yaml: aws:region is "${region}" but ${kind} stack .* is in "${upstreamRegion}".*Set aws:region: ${upstreamRegion}`,
        ),
      );
    }
  });
});

describe("scheduling: SSM's rate controls, task and window quotas, time zones", () => {
  const TEAM = "stacks/scheduling/teams/vision/Pulumi.vision.yaml";
  const task = (extra: Obj = {}): Obj => ({
    name: "retrain",
    command: "python train.py",
    timeoutSeconds: 60,
    ...extra,
  });
  const window = (extra: Obj = {}, tasks: Obj[] = [task()]): Obj => ({
    name: "weekly",
    schedule: "cron(0 4 ? * SUN *)",
    durationHours: 24,
    cutoffHours: 1,
    pool: "a10g",
    tasks,
    ...extra,
  });
  const tasks = (n: number) => Array.from({ length: n }, (_, i) => task({ name: `task-${i}` }));
  const windows = (n: number) =>
    Array.from({ length: n }, (_, i) => window({ name: `w-${i}`, schedule: `cron(${i} 4 ? * SUN *)` }));
  const file = (ws: Obj[]) =>
    `config:\n  aws:region: eu-west-1\n  scheduling:team: vision\n  scheduling:environment: prod\n  scheduling:windows: ${JSON.stringify(ws)}\n`;
  /** The test registry, with `vision` capped at `maxWindows` when given. */
  const registry = (maxWindows?: number) =>
    registryYaml(["vision"]) + (maxWindows === undefined ? "" : `    maxWindows: ${maxWindows}\n`);

  interface Row {
    title: string;
    windows: Obj[];
    maxWindows?: number;
    error?: [string, RegExp];
  }
  const ROWS: Row[] = [
    {
      title: 'maxConcurrency "1234567" (7 characters)',
      windows: [window({}, [task({ maxConcurrency: "1234567" })])],
    },
    {
      title: 'maxConcurrency "12345678" (SSM allows 1-7 characters)',
      windows: [window({}, [task({ maxConcurrency: "12345678" })])],
      error: ["scheduling:windows[0].tasks[0].maxConcurrency", /maxConcurrency must be at most 7 characters/],
    },
    {
      title: "maxConcurrency 12345678 as a number",
      windows: [window({}, [task({ maxConcurrency: 12345678 })])],
      error: ["scheduling:windows[0].tasks[0].maxConcurrency", /at most 7 characters/],
    },
    {
      title: 'maxErrors "99999999"',
      windows: [window({}, [task({ maxErrors: "99999999" })])],
      error: ["scheduling:windows[0].tasks[0].maxErrors", /maxErrors must be at most 7 characters/],
    },
    {
      title: 'an association with maxErrors "10000000"',
      windows: [
        {
          name: "daily",
          mode: "association",
          schedule: "cron(30 2 ? * * *)",
          pool: "a10g",
          tasks: [task({ maxErrors: "10000000" })],
        },
      ],
      error: ["scheduling:windows[0].tasks[0].maxErrors", /at most 7 characters/],
    },
    { title: "20 tasks without start/stop", windows: [window({}, tasks(20))] },
    {
      title: "21 tasks (SSM allows 20 per window)",
      windows: [window({}, tasks(21))],
      error: [
        "scheduling:windows[0].tasks",
        /at most 20 tasks \(Systems Manager quota\): at most 20 tasks here, found 21/,
      ],
    },
    { title: "18 tasks with start/stop", windows: [window({ startStopInstances: true }, tasks(18))] },
    {
      title: "19 tasks with start/stop (the window adds 2)",
      windows: [window({ startStopInstances: true }, tasks(19))],
      error: [
        "scheduling:windows[0].tasks",
        /startStopInstances adds 2 \(start, stop\): at most 18 tasks here, found 19/,
      ],
    },
    { title: "10 windows (the default cap)", windows: windows(10) },
    {
      title: "11 windows without a registry maxWindows",
      windows: windows(11),
      error: [
        "scheduling:windows",
        /declares 11 windows, more than the 10 it may have \(the default; .*maxWindows/,
      ],
    },
    { title: "12 windows with maxWindows: 12", windows: windows(12), maxWindows: 12 },
    {
      title: "4 windows with maxWindows: 3",
      windows: windows(4),
      maxWindows: 3,
      error: [
        "scheduling:windows",
        /declares 4 windows, more than the 3 it may have \(maxWindows in policies\/tenants.yaml\)/,
      ],
    },
    {
      title: "51 windows, whatever the registry (metric filters: 100 per log group)",
      windows: windows(51),
      maxWindows: 50,
      error: ["scheduling:windows", /at most 50 windows per team.*100 per log group/],
    },
    { title: "timezone Europe/Berlin", windows: [window({ timezone: "Europe/Berlin" })] },
    {
      title: "timezone Asia/Kolkata (ICU says Asia/Calcutta)",
      windows: [window({ timezone: "Asia/Kolkata" })],
    },
    {
      title: "timezone US/Pacific (a legacy link, spelled exactly)",
      windows: [window({ timezone: "US/Pacific" })],
    },
    {
      title: "timezone europe/berlin",
      windows: [window({ timezone: "europe/berlin" })],
      error: [
        "scheduling:windows[0].timezone",
        /time zone "europe\/berlin" must be spelled exactly .*: "Europe\/Berlin"/,
      ],
    },
    {
      title: "timezone us/pacific",
      windows: [window({ timezone: "us/pacific" })],
      error: ["scheduling:windows[0].timezone", /"US\/Pacific"/],
    },
    {
      title: "timezone utc",
      windows: [window({ timezone: "utc" })],
      error: ["scheduling:windows[0].timezone", /spelled exactly .*"UTC"/],
    },
    {
      title: "timezone Mars/Olympus",
      windows: [window({ timezone: "Mars/Olympus" })],
      error: ["scheduling:windows[0].timezone", /is not an IANA time zone such as Europe\/Berlin or UTC/],
    },
  ];

  it.each(ROWS)("$title", ({ windows: w, maxWindows, error }) => {
    const problems = problemsOf(TEAM, file(w), { "policies/tenants.yaml": registry(maxWindows) });
    expectProblem(problems, error);
  });

  it("refuses a registry maxWindows above 50", () => {
    const problems = problemsOf(TEAM, file(windows(1)), { "policies/tenants.yaml": registry(51) });
    expect(problems.map((p) => p.message).join("\n")).toMatch(/maxWindows must be 1-50/);
  });
});

describe("time zone spelling", () => {
  it.each<[string, string | undefined]>([
    ["UTC", undefined],
    ["Etc/UTC", undefined],
    ["America/New_York", undefined],
    ["America/Argentina/Buenos_Aires", undefined],
    ["Europe/Kyiv", undefined],
    ["Europe/Kiev", undefined],
    ["america/new_york", "America/New_York"],
    ["EUROPE/KYIV", "Europe/Kyiv"],
    ["etc/utc", "Etc/UTC"],
  ])("%s", (tz, suggestion) => {
    const problem = timeZoneProblem(tz);
    if (suggestion === undefined) {
      expect(problem).toBeUndefined();
      expect(timezoneSchema.safeParse(tz).success).toBe(true);
    } else {
      expect(problem).toContain(`"${suggestion}"`);
      expect(timezoneSchema.safeParse(tz).success).toBe(false);
    }
  });

  it("knows every zone the runtime lists, spelled as listed", () => {
    for (const tz of Intl.supportedValuesOf("timeZone")) expect(timeZoneProblem(tz), tz).toBeUndefined();
  });

  it("is unchanged for a name once accepted", () => {
    expect(timezoneSchema.safeParse("Europe/Berlin").success).toBe(true);
    expect(timezoneSchema.safeParse("europe/berlin").success).toBe(false);
  });
});
