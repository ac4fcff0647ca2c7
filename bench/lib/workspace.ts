/**
 * Generated workspaces for the plan and Nx benchmarks: a copy of the example workspace (programs,
 * iam and fleet configs, pack config; copyWorkspace of the plan's tests, reused) whose teams are
 * replaced by `teams` generated ones, each with one stack and two weekly windows.
 *
 * Realistic, not adversarial: teams share pools of 20 (like a real fleet), each pool has 40
 * two-hour windows a week laid out 4 hours apart, so a generated workspace plans without clashes
 * and the figure measures the work of a clean plan rather than the size of a clash report. Every
 * team is in the tenant registry with its e-mail domain and sends alerts (teamConfig).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  EVENTBRIDGE_RULES_PER_BUS,
  type SchedulingConfig,
  schedulingConfigSchema,
  teamEventRuleCount,
} from "@retrain/config/workspace";
import { parseDocument, stringify } from "yaml";
import { copyWorkspace, type WorkspaceCopy } from "../../packages/plan/test/support/workspace.js";

export const TEAMS_PER_POOL = 20;
const ENVIRONMENT = "dev";
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

export const teamName = (i: number) => `team-${String(i).padStart(4, "0")}`;
export const poolName = (p: number) => `pool-${String(p).padStart(3, "0")}`;
export const teamConfigFile = (team: string) => `stacks/scheduling/teams/${team}/Pulumi.${team}.yaml`;

/**
 * Pools vary the way a real fleet does: their teams' time zone (one zone per pool, so the pool's
 * layout stays clash-free: no zone here changes its offset inside the bench horizon, late November to
 * December), whether the pool stops when idle (then every window on it starts and stops it) and
 * its instance count.
 */
const POOL_ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"];
const poolZone = (p: number) => POOL_ZONES[p % POOL_ZONES.length]!;
const poolStopsWhenIdle = (p: number) => p % 3 === 2;
const poolCount = (p: number) => (p % 5 === 4 ? 2 : 1);
/** The account of the plan's mock cloud (DEFAULT_ACCOUNT_ID of @retrain/offline): a team's own topic lives there. */
const MOCK_ACCOUNT = "123456789012";

/**
 * The config a generated team edits: two 2-hour windows in its pool's free slots, with alert
 * destinations (`scheduling:notify`: every team e-mails its on-call in its registered domain, some
 * a second address, some also publish to a topic of their own), so the alert paths of the programs,
 * the pack and the report are exercised; tasks, descriptions and concurrency vary by team.
 */
export function teamConfig(i: number): Record<string, unknown> {
  const team = teamName(i);
  const slot = i % TEAMS_PER_POOL;
  const p = Math.floor(i / TEAMS_PER_POOL);
  const startStop = poolStopsWhenIdle(p);
  // On a pool of several instances every task runs on all at once (a round per instance would not fit).
  const wide = poolCount(p) > 1;
  const windows = [0, 1].map((w) => {
    const hourOfWeek = (2 * slot + w) * 4;
    const day = DAYS[Math.floor(hourOfWeek / 24)]!;
    // Start (900 s) and stop (600 s) tasks take part of the 3 600 s a 2-hour window with a 1-hour
    // cutoff can run: the tasks of a start/stop window are shorter.
    const tasks =
      w === 0
        ? [
            {
              name: "train",
              command: `python /opt/retrain/train.py --team ${team}`,
              timeoutSeconds: startStop ? 1800 : 3000,
              ...(i % 2 === 0 || wide ? { maxConcurrency: "100%", maxErrors: "1" } : {}),
            },
          ]
        : [
            {
              name: "eval",
              command: `python /opt/retrain/evaluate.py --team ${team}`,
              timeoutSeconds: startStop ? 1200 : 2400,
              ...(wide ? { maxConcurrency: "100%" } : {}),
            },
            ...(i % 3 === 0
              ? [
                  {
                    name: "report",
                    command: `python /opt/retrain/report.py --team ${team}`,
                    timeoutSeconds: startStop ? 600 : 900,
                    maxConcurrency: wide ? "100%" : "1",
                  },
                ]
              : []),
          ];
    return {
      name: w === 0 ? "retrain" : "evaluate",
      schedule: `cron(0 ${hourOfWeek % 24} ? * ${day} *)`,
      timezone: poolZone(p),
      ...(i % 4 === 0 ? { description: `${w === 0 ? "Weekly retraining" : "Evaluation"} of ${team}` } : {}),
      durationHours: 2,
      cutoffHours: 1,
      pool: poolName(p),
      ...(startStop ? { startStopInstances: true } : {}),
      tasks,
    };
  });
  const emails = [`ml-oncall@${team}.example.com`, ...(i % 3 === 0 ? [`lead@${team}.example.com`] : [])];
  return {
    config: {
      "aws:region": "eu-west-1",
      "scheduling:team": team,
      "scheduling:environment": ENVIRONMENT,
      "scheduling:notify": {
        emails,
        ...(i % 4 === 1 ? { topicArn: `arn:aws:sns:eu-west-1:${MOCK_ACCOUNT}:${team}-oncall` } : {}),
      },
      "scheduling:windows": windows,
    },
  };
}

/** Generated team `i`'s config as its program validates it (the `scheduling:` keys of {@link teamConfig}). */
export function validatedTeamConfig(i: number): SchedulingConfig {
  const raw = teamConfig(i).config as Record<string, unknown>;
  const prefix = "scheduling:";
  return schedulingConfigSchema.parse(
    Object.fromEntries(
      Object.entries(raw)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    ),
  );
}

/**
 * The EventBridge rules the stacks of `teams` generated teams put on the account's default bus
 * together: each team's {@link teamEventRuleCount} (two windows: 2 + command-failed + windows-log = 4);
 * the iam and fleet stacks create none.
 */
export function generatedEventRules(teams: number): number {
  let rules = 0;
  for (let i = 0; i < teams; i++) rules += teamEventRuleCount(validatedTeamConfig(i));
  return rules;
}

export function fleetConfig(teams: number): Record<string, unknown> {
  const pools = Math.max(1, Math.ceil(teams / TEAMS_PER_POOL));
  return {
    config: {
      "aws:region": "eu-west-1",
      "fleet:environment": ENVIRONMENT,
      "fleet:iamStack": `organization/retrain-iam/${ENVIRONMENT}`,
      // Two windows a team: an account this size has its Systems Manager quota raised to match.
      "fleet:maintenanceWindowQuota": Math.max(50, 2 * teams),
      // And its EventBridge quota of rules per event bus, for every team's alert and run-log rules.
      "fleet:eventRuleQuota": Math.max(EVENTBRIDGE_RULES_PER_BUS, generatedEventRules(teams)),
      // And its SSM documents (one training document a team) beyond CreateDocument's 500.
      "fleet:documentQuota": Math.max(500, teams),
      "fleet:pools": Array.from({ length: pools }, (_, p) => ({
        name: poolName(p),
        instanceType: p % 2 === 0 ? "g5.xlarge" : "g6.xlarge",
        count: poolCount(p),
        ...(poolStopsWhenIdle(p) ? { stopWhenIdleMinutes: 30 } : {}),
      })),
    },
  };
}

/** The tenant registry granting each generated team its pool of the environment. */
export function registry(teams: number): Record<string, unknown> {
  return {
    teams: Object.fromEntries(
      Array.from({ length: teams }, (_, i) => [
        teamName(i),
        {
          grants: [{ environment: ENVIRONMENT, pools: [poolName(Math.floor(i / TEAMS_PER_POOL))] }],
          alertEmailDomains: [`${teamName(i)}.example.com`],
        },
      ]),
    ),
  };
}

export interface GeneratedWorkspace extends WorkspaceCopy {
  teams: number;
}

/** A temp workspace with `teams` generated teams (the example's teams removed); cleanup() deletes it. */
export function generateWorkspace(teams: number): GeneratedWorkspace {
  const ws = copyWorkspace();
  const teamsDir = path.join(ws.root, "stacks/scheduling/teams");
  rmSync(teamsDir, { recursive: true, force: true });
  for (let i = 0; i < teams; i++) {
    const file = path.join(ws.root, teamConfigFile(teamName(i)));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, stringify(teamConfig(i)));
  }
  // Only the dev environment: every generated team targets it.
  const envs = path.join(ws.root, "stacks/fleet/envs");
  for (const env of readdirSync(envs))
    if (env !== ENVIRONMENT) rmSync(path.join(envs, env), { recursive: true });
  const iamEnvs = path.join(ws.root, "stacks/iam/envs");
  for (const env of readdirSync(iamEnvs))
    if (env !== ENVIRONMENT) rmSync(path.join(iamEnvs, env), { recursive: true });
  writeFileSync(path.join(envs, ENVIRONMENT, `Pulumi.${ENVIRONMENT}.yaml`), stringify(fleetConfig(teams)));
  writeFileSync(path.join(ws.root, "policies/tenants.yaml"), stringify(registry(teams)));
  // A role a team and one start/stop role a pool, besides the stack's own: the account's IAM quota
  // of roles raised to match, as for the windows above.
  const iamFile = path.join(iamEnvs, ENVIRONMENT, `Pulumi.${ENVIRONMENT}.yaml`);
  const iam = parseDocument(readFileSync(iamFile, "utf8"));
  iam.setIn(["config", "iam:roleQuota"], Math.max(1000, teams + Math.ceil(teams / TEAMS_PER_POOL) + 10));
  writeFileSync(iamFile, iam.toString());
  return { ...ws, teams };
}
