/** Facts for the account-wide and per-pool cross-stack checks' tables: an environment's fleet, a task. */
import { type Problem, schedulingConfigSchema } from "@retrain/config/workspace";
import { expect } from "vitest";
import type { FleetFacts, TeamFacts } from "../../src/checks/index.js";

/** The fleet of `env` (eu-west-1, no pools in its outputs), with `facts` over it (quotas, platform counts). */
export const fleetFacts = (env: string, facts: Partial<FleetFacts> = {}): FleetFacts => ({
  id: `fleet/${env}`,
  file: `stacks/fleet/envs/${env}/Pulumi.${env}.yaml`,
  outputs: { region: "eu-west-1", pools: [] },
  region: "eu-west-1",
  ...facts,
});

/** A task that fits any window the tables declare. */
export const shortTask = { name: "retrain", command: "./train.sh", timeoutSeconds: 600 };

/**
 * A team of `env` with `windows` maintenance windows (on a10g) and `associations` associations,
 * on a10g or spread over `associationPools` pools `pool-0`.. (so no pool reaches State Manager's 20
 * per managed node in tables about account-wide sums).
 */
export function quotaTeam(
  name: string,
  env: string,
  counts: { windows?: number; associations?: number; associationPools?: number },
  fleet: FleetFacts = fleetFacts(env),
): TeamFacts {
  const { windows = 0, associations = 0, associationPools } = counts;
  return {
    id: `scheduling/${name}`,
    file: `stacks/scheduling/teams/${name}/Pulumi.${name}.yaml`,
    config: schedulingConfigSchema.parse({
      team: name,
      environment: env,
      windows: [
        ...Array.from({ length: windows }, (_, i) => ({
          name: `w-${i}`,
          schedule: "cron(0 4 ? * SUN *)",
          pool: "a10g",
          tasks: [shortTask],
        })),
        ...Array.from({ length: associations }, (_, i) => ({
          name: `a-${i}`,
          mode: "association" as const,
          schedule: "cron(30 2 ? * * *)",
          pool: associationPools ? `pool-${i % associationPools}` : "a10g",
          tasks: [shortTask],
        })),
      ],
    }),
    fleet,
  };
}

/** A quota table's verdict: no finding, or exactly one, on `expected`'s file and `key`, matching its message. */
export function expectOneFinding(
  problems: Problem[],
  expected: [string, RegExp] | undefined,
  key: string,
): void {
  if (!expected) {
    expect(problems).toEqual([]);
    return;
  }
  const [file, message] = expected;
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatchObject({ file, key });
  expect(problems[0]!.message).toMatch(message);
}
