/**
 * Generated workspaces for the plan and Nx benchmarks: a copy of the example workspace (programs,
 * iam and fleet configs, pack config; copyWorkspace of the plan's tests, reused) whose teams are
 * replaced by `teams` generated ones, each with one stack and two weekly windows.
 *
 * Realistic, not adversarial: teams share pools of 20 (like a real fleet), each pool has 40
 * two-hour windows a week laid out 4 hours apart, so a generated workspace plans without clashes
 * and the figure measures the work of a clean plan rather than the size of a clash report.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { copyWorkspace, type WorkspaceCopy } from "../../packages/plan/test/support/workspace.js";

export const TEAMS_PER_POOL = 20;
const ENVIRONMENT = "dev";
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

export const teamName = (i: number) => `team-${String(i).padStart(4, "0")}`;
export const poolName = (p: number) => `pool-${String(p).padStart(3, "0")}`;
export const teamConfigFile = (team: string) => `stacks/scheduling/teams/${team}/Pulumi.${team}.yaml`;

/** The config a generated team edits: two 2-hour windows in its pool's free slots. */
export function teamConfig(i: number): Record<string, unknown> {
  const team = teamName(i);
  const slot = i % TEAMS_PER_POOL;
  const windows = [0, 1].map((w) => {
    const hourOfWeek = (2 * slot + w) * 4;
    const day = DAYS[Math.floor(hourOfWeek / 24)]!;
    return {
      name: w === 0 ? "retrain" : "evaluate",
      schedule: `cron(0 ${hourOfWeek % 24} ? * ${day} *)`,
      timezone: "UTC",
      durationHours: 2,
      cutoffHours: 1,
      pool: poolName(Math.floor(i / TEAMS_PER_POOL)),
      tasks: [
        {
          name: w === 0 ? "train" : "eval",
          command: `python /opt/retrain/${w === 0 ? "train" : "evaluate"}.py --team ${team}`,
          timeoutSeconds: 3000,
        },
      ],
    };
  });
  return {
    config: {
      "aws:region": "eu-west-1",
      "scheduling:team": team,
      "scheduling:environment": ENVIRONMENT,
      "scheduling:windows": windows,
    },
  };
}

export function fleetConfig(teams: number): Record<string, unknown> {
  const pools = Math.max(1, Math.ceil(teams / TEAMS_PER_POOL));
  return {
    config: {
      "aws:region": "eu-west-1",
      "fleet:environment": ENVIRONMENT,
      "fleet:iamStack": `organization/retrain-iam/${ENVIRONMENT}`,
      "fleet:pools": Array.from({ length: pools }, (_, p) => ({
        name: poolName(p),
        instanceType: p % 2 === 0 ? "g5.xlarge" : "g6.xlarge",
        count: 1,
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
        { grants: [{ environment: ENVIRONMENT, pools: [poolName(Math.floor(i / TEAMS_PER_POOL))] }] },
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
  return { ...ws, teams };
}
