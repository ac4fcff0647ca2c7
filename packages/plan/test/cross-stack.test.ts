/**
 * Cross-stack checks, table-driven: a team's windows against the fleet outputs they run on (the
 * fleet outputs contract, with `network` and per-pool `stopWhenIdleMinutes`), each bad row naming
 * the file and key to change.
 */
import { schedulingConfigSchema } from "@retrain/config";
import { describe, expect, it } from "vitest";
import { checkNetwork, checkTeam, type FleetFacts } from "../src/checks/index.js";

const FLEET_FILE = "stacks/fleet/envs/prod/Pulumi.prod.yaml";
const TEAM_FILE = "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml";

type Obj = Record<string, unknown>;
const network = (extra: Obj = {}): Obj => ({
  vpcId: "vpc-1",
  subnetIds: ["subnet-1", "subnet-2"],
  ssmAccess: "vpc-endpoints",
  endpoints: ["ssm", "ssmmessages", "ec2messages", "logs", "sts", "s3"],
  internetEgress: false,
  ...extra,
});
const pool = (extra: Obj = {}): Obj => ({
  name: "l4",
  instanceType: "g6.xlarge",
  instanceIds: ["i-1", "i-2"],
  targetTag: { key: "retrain:pool", value: "l4" },
  stopWhenIdleMinutes: 0,
  ...extra,
});
const fleet = (outputs: Obj, ownSubnets = false, assumesTeamRoles = false): FleetFacts => ({
  id: "fleet/prod",
  file: FLEET_FILE,
  outputs: { region: "eu-west-1", ...outputs },
  ownSubnets,
  assumesTeamRoles,
});

const task = (extra: Obj = {}): Obj => ({
  name: "finetune",
  command: "./finetune.sh",
  timeoutSeconds: 3600,
  ...extra,
});
const window = (extra: Obj = {}, tasks: Obj[] = [task()]): Obj => ({
  name: "nightly",
  schedule: "cron(0 1 ? * MON-FRI *)",
  durationHours: 4,
  cutoffHours: 1,
  pool: "l4",
  tasks,
  ...extra,
});
const team = (windows: Obj[], outputs: Obj) => ({
  id: "scheduling/nlp",
  file: TEAM_FILE,
  config: schedulingConfigSchema.parse({ team: "nlp", environment: "prod", windows }),
  fleet: fleet(outputs),
});

interface NetworkRow {
  title: string;
  outputs: Obj;
  ownSubnets?: boolean;
  assumesTeamRoles?: boolean;
  /** Message patterns, one per expected finding; [] = clean. */
  findings: RegExp[];
  key?: string;
}

const NETWORK_ROWS: NetworkRow[] = [
  { title: "own VPC with every endpoint", outputs: { pools: [pool()], network: network() }, findings: [] },
  {
    title: "endpoints without ssmmessages and ec2messages: the agent never connects",
    outputs: { pools: [pool()], network: network({ endpoints: ["ssm", "logs", "s3"] }) },
    key: "fleet:vpcEndpoints",
    findings: [
      /cannot reach Systems Manager: no VPC endpoint for ssmmessages, ec2messages and no internet egress/,
    ],
  },
  {
    title: "endpoints without logs and s3: output is lost",
    outputs: { pools: [pool()], network: network({ endpoints: ["ssm", "ssmmessages", "ec2messages"] }) },
    key: "fleet:vpcEndpoints",
    findings: [/command output .* cannot be delivered: no VPC endpoint for logs, s3/],
  },
  {
    title: "no endpoints but NAT egress: the public endpoints are reachable",
    outputs: { pools: [pool()], network: network({ endpoints: [], internetEgress: true }) },
    findings: [],
  },
  {
    title: "NAT access without egress",
    outputs: {
      pools: [pool()],
      network: network({ ssmAccess: "nat-gateway", endpoints: [], internetEgress: false }),
    },
    key: "fleet:internetEgress",
    findings: [/through a NAT gateway .* but has no internet egress/],
  },
  {
    title: "bring-your-own subnets that declare their access: taken as declared",
    outputs: { pools: [pool()], network: network({ ssmAccess: "declared", endpoints: [] }) },
    ownSubnets: true,
    findings: [],
  },
  {
    title: "bring-your-own subnets with too few endpoints: names fleet:subnetIds",
    outputs: { pools: [pool()], network: network({ endpoints: ["s3"] }) },
    ownSubnets: true,
    key: "fleet:subnetIds",
    findings: [/no VPC endpoint for ssm, ssmmessages, ec2messages/, /no VPC endpoint for logs/],
  },
  {
    title: "no subnet at all",
    outputs: { pools: [pool()], network: network({ subnetIds: [] }) },
    key: "fleet:pools",
    findings: [/no subnet to launch into/],
  },
  {
    title: "an unknown access mode",
    outputs: { pools: [pool()], network: network({ ssmAccess: "peering" }) },
    key: "fleet:vpcEndpoints",
    findings: [/unknown network.ssmAccess "peering"/],
  },
  { title: "no network output yet: unknown, no finding", outputs: { pools: [pool()] }, findings: [] },
  {
    title: "team roles to assume and an sts endpoint",
    outputs: { pools: [pool()], network: network() },
    assumesTeamRoles: true,
    findings: [],
  },
  {
    title: "team roles to assume but no sts endpoint",
    outputs: {
      pools: [pool()],
      network: network({ endpoints: ["ssm", "ssmmessages", "ec2messages", "logs", "s3"] }),
    },
    assumesTeamRoles: true,
    key: "fleet:vpcEndpoints",
    findings: [/cannot get their team role's credentials: no VPC endpoint for sts/],
  },
  {
    title: "no sts endpoint is fine without team roles",
    outputs: {
      pools: [pool()],
      network: network({ endpoints: ["ssm", "ssmmessages", "ec2messages", "logs", "s3"] }),
    },
    findings: [],
  },
];

describe("SSM reachable from the fleet's subnets (table)", () => {
  it.each(NETWORK_ROWS)("$title", ({ outputs, ownSubnets, assumesTeamRoles, findings, key }) => {
    const problems = checkNetwork(fleet(outputs, ownSubnets, assumesTeamRoles));
    expect(problems.map((p) => p.message)).toHaveLength(findings.length);
    findings.forEach((re, i) => {
      expect(problems[i]!.file).toBe(FLEET_FILE);
      expect(problems[i]!.message).toMatch(re);
      expect(problems[i]!.key).toBe(key);
    });
  });
});

interface TeamRow {
  title: string;
  windows: Obj[];
  pools: Obj[];
  findings: [string, RegExp][];
}

const TEAM_ROWS: TeamRow[] = [
  {
    title: "a window that starts and stops a pool that stops when idle",
    windows: [window({ startStopInstances: true }, [task({ maxConcurrency: "100%" })])],
    pools: [pool({ stopWhenIdleMinutes: 60 })],
    findings: [],
  },
  {
    title: "a window on a pool that stops when idle, without starting it",
    windows: [window({}, [task({ maxConcurrency: "100%" })])],
    pools: [pool({ stopWhenIdleMinutes: 60 })],
    findings: [
      [
        "scheduling:windows[0].startStopInstances",
        /window "nightly" would find its instances stopped: pool "l4" of fleet\/prod \(stacks\/fleet\/envs\/prod\/Pulumi.prod.yaml\) stops its instances after 60 idle minutes\. Set startStopInstances: true/,
      ],
    ],
  },
  {
    title: "an always-on pool needs no start",
    windows: [window({}, [task({ maxConcurrency: "100%" })])],
    pools: [pool({ stopWhenIdleMinutes: 0 })],
    findings: [],
  },
  {
    // Attack: a second team granted the always-on pool of another team's association adds a window
    // with startStopInstances; its stop task leaves the pool stopped, and the association (State
    // Manager skips stopped instances) never runs again. The plan said OK.
    title: "a window that stops an always-on pool",
    windows: [window({ startStopInstances: true }, [task({ maxConcurrency: "100%" })])],
    pools: [pool({ stopWhenIdleMinutes: 0 })],
    findings: [
      [
        "scheduling:windows[0].startStopInstances",
        /window "nightly" would stop pool "l4" of fleet\/prod .* which is always on \(stopWhenIdleMinutes: 0\): every association and window that relies on its instances running would find them stopped/,
      ],
    ],
  },
  {
    title: "an association on a pool that stops when idle",
    windows: [
      { name: "daily", mode: "association", schedule: "cron(30 2 ? * * *)", pool: "l4", tasks: [task()] },
    ],
    pools: [pool({ stopWhenIdleMinutes: 30 })],
    findings: [
      [
        "scheduling:windows[0].mode",
        /association "daily" can never run: .* State Manager skips stopped instances/,
      ],
    ],
  },
  {
    title: "an association on an always-on pool",
    windows: [
      { name: "daily", mode: "association", schedule: "cron(30 2 ? * * *)", pool: "l4", tasks: [task()] },
    ],
    pools: [pool({ stopWhenIdleMinutes: 0 })],
    findings: [],
  },
  {
    title: "stopWhenIdleMinutes not exported yet: unknown, no finding",
    windows: [
      { name: "daily", mode: "association", schedule: "cron(30 2 ? * * *)", pool: "l4", tasks: [task()] },
    ],
    pools: [pool({ stopWhenIdleMinutes: undefined })],
    findings: [],
  },
  {
    title: "maxConcurrency 1 over two instances runs the task twice: past the cutoff",
    // 900 + 2 × 5000 + 600 = 11500 > 10800 s; the config alone (one round, 6500 s) is fine.
    windows: [window({ startStopInstances: true }, [task({ timeoutSeconds: 5000 })])],
    pools: [pool({ stopWhenIdleMinutes: 60 })],
    findings: [
      [
        "scheduling:windows[0].tasks",
        /on 2 instance\(s\) of pool "l4" needs up to AWS-StartEC2Instance 900 s \+ finetune 2×5000 10000 s \+ AWS-StopEC2Instance 600 s = 11500 s, more than it can run \(10800 s/,
      ],
      // And the second instance waits 5000 s for its round: the pool stops it after 60 idle minutes.
      [
        "scheduling:windows[0].tasks[0].maxConcurrency",
        /task "finetune" runs in 2 rounds .* wait up to 5000 s .* after 60 idle minutes \(4200 s here\)/,
      ],
    ],
  },
  {
    title: "a round's wait shorter than the idle limit (+ the stopper's 10 minutes after boot)",
    windows: [window({ startStopInstances: true }, [task({ timeoutSeconds: 3600 })])],
    pools: [pool({ stopWhenIdleMinutes: 60 })],
    findings: [],
  },
  {
    title: "between two tasks in rounds, an instance may wait out both",
    // 900 + 2×2400 + 2×2400 + 600 = 11100 > 10800 would not fit; use a longer window.
    windows: [
      window({ startStopInstances: true, durationHours: 5 }, [
        task({ name: "prep", timeoutSeconds: 2400 }),
        task({ name: "train", timeoutSeconds: 2400 }),
      ]),
    ],
    pools: [pool({ stopWhenIdleMinutes: 60 })],
    findings: [
      [
        "scheduling:windows[0].tasks[1].maxConcurrency",
        /task "train" runs in 2 rounds .* wait up to 4800 s .* \(3600 s here\)/,
      ],
    ],
  },
  {
    title: "an hourly association one instance at a time over two: its run outlasts the hour",
    windows: [
      {
        name: "refresh",
        mode: "association",
        schedule: "rate(1 hour)",
        pool: "l4",
        tasks: [task({ timeoutSeconds: 2400, maxConcurrency: "1" })],
      },
    ],
    pools: [pool({ stopWhenIdleMinutes: 0 })],
    findings: [
      [
        "scheduling:windows[0].tasks[0].maxConcurrency",
        /association "refresh" runs in 2 rounds .* up to 2 × 2400 s, longer than the 1 h "rate\(1 hour\)"/,
      ],
    ],
  },
  {
    title: "the same association over both instances at once",
    windows: [
      {
        name: "refresh",
        mode: "association",
        schedule: "rate(1 hour)",
        pool: "l4",
        tasks: [task({ timeoutSeconds: 2400, maxConcurrency: "100%" })],
      },
    ],
    pools: [pool({ stopWhenIdleMinutes: 0 })],
    findings: [],
  },
  {
    title: "rounds on an always-on pool leave nothing to stop",
    windows: [window({}, [task({ timeoutSeconds: 5000 })])],
    pools: [pool({ stopWhenIdleMinutes: 0 })],
    findings: [],
  },
  {
    title: "the same task at 100% runs once",
    windows: [window({ startStopInstances: true }, [task({ timeoutSeconds: 5000, maxConcurrency: "100%" })])],
    pools: [pool({ stopWhenIdleMinutes: 60 })],
    findings: [],
  },
  {
    title: "50% of four instances is two rounds",
    windows: [window({}, [task({ timeoutSeconds: 5400, maxConcurrency: "50%" })])],
    pools: [pool({ instanceIds: ["i-1", "i-2", "i-3", "i-4"] })],
    findings: [],
  },
  {
    title: "25% of four instances is four rounds",
    windows: [window({}, [task({ timeoutSeconds: 3600, maxConcurrency: "25%" })])],
    pools: [pool({ instanceIds: ["i-1", "i-2", "i-3", "i-4"] })],
    findings: [["scheduling:windows[0].tasks", /finetune 4×3600 14400 s = 14400 s/]],
  },
];

describe("windows against their pools (table)", () => {
  it.each(TEAM_ROWS)("$title", ({ windows, pools, findings }) => {
    const problems = checkTeam(team(windows, { pools, network: network() }));
    expect(problems.map((p) => `${p.key}: ${p.message}`)).toHaveLength(findings.length);
    findings.forEach(([key, re], i) => {
      expect(problems[i]).toMatchObject({ file: TEAM_FILE, key });
      expect(problems[i]!.message).toMatch(re);
    });
  });
});
