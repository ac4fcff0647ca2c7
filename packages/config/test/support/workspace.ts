/** Temporary workspaces laid out like the real one, for discovery and loading tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TempWorkspace {
  root: string;
  /** Writes `text` at the workspace-relative `file`, creating folders. Returns the absolute path. */
  write(file: string, text: string): string;
  remove(): void;
}

export function tempWorkspace(files: Record<string, string> = {}): TempWorkspace {
  const root = mkdtempSync(path.join(tmpdir(), "retrain-config-"));
  const write = (file: string, text: string) => {
    const abs = path.join(root, file);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    return abs;
  };
  for (const [file, text] of Object.entries(files)) write(file, text);
  return { root, write, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** A tenant registry granting `teams` the dev and prod a10g pools (the pool teamYaml uses). */
export const registryYaml = (teams: readonly string[]) =>
  `# test registry\nteams:\n${teams
    .map(
      (t) =>
        `  ${t}:\n    grants:\n      - environment: dev\n        pools: [a10g]\n      - environment: prod\n        pools: [a10g]\n`,
    )
    .join("")}`;

/** Teams the test workspaces' registry grants. */
export const REGISTERED_TEAMS = ["vision", "nlp", "audio", "recsys"];

export const PROGRAMS: Record<string, string> = {
  "stacks/iam/Pulumi.yaml": "name: retrain-iam\nruntime: nodejs\n",
  "stacks/fleet/Pulumi.yaml": "name: retrain-fleet\nruntime: nodejs\n",
  "stacks/scheduling/Pulumi.yaml": "name: retrain-scheduling\nruntime: nodejs\n",
  "policies/tenants.yaml": registryYaml(REGISTERED_TEAMS),
};

export const iamYaml = (env: string, extra = "") =>
  `config:\n  aws:region: eu-west-1\n  iam:environment: ${env}\n${extra}`;

export const fleetYaml = (env: string, extra = "") =>
  `config:
  aws:region: eu-west-1
  fleet:environment: ${env}
  fleet:pools:
    - name: a10g
      instanceType: g5.xlarge
${extra}`;

export const teamYaml = (team: string, env = "dev", opts: { schedule?: string; extra?: string } = {}) =>
  `config:
  aws:region: eu-west-1
  scheduling:team: ${team}
  scheduling:environment: ${env}
${opts.extra ?? ""}  scheduling:windows:
    - name: weekly-retrain
      schedule: ${opts.schedule ?? "cron(0 4 ? * SUN *)"}
      timezone: Europe/Berlin
      durationHours: 3
      cutoffHours: 1
      pool: a10g
      tasks:
        - name: retrain
          command: python /opt/retrain/train.py
          timeoutSeconds: 6000
`;

/** A workspace with the three programs, iam/dev, fleet/dev and the given teams. */
export function exampleWorkspace(teams: string[] = ["vision"]): TempWorkspace {
  const files: Record<string, string> = {
    ...PROGRAMS,
    "stacks/iam/envs/dev/Pulumi.dev.yaml": iamYaml("dev"),
    "stacks/fleet/envs/dev/Pulumi.dev.yaml": fleetYaml("dev"),
  };
  for (const t of teams) files[`stacks/scheduling/teams/${t}/Pulumi.${t}.yaml`] = teamYaml(t);
  return tempWorkspace(files);
}
