/**
 * The associations on one pool, all teams' together, against State Manager's 20 per managed node,
 * table-driven: every association targets every instance of its pool, so the count is per pool and
 * environment; windows and other pools or environments do not count.
 */
import { schedulingConfigSchema } from "@retrain/config";
import { describe, expect, it } from "vitest";
import {
  checkPoolAssociations,
  crossStackChecks,
  SSM_ASSOCIATIONS_PER_MANAGED_NODE,
  type TeamFacts,
} from "../src/checks/index.js";
import { fleetFacts, shortTask } from "./support/facts.js";

const fleet = fleetFacts;
const task = shortTask;
type Spec = { associations?: number; windows?: number; pool?: string };
const team = (name: string, env: string, specs: Spec[]): TeamFacts => {
  let i = 0;
  const windows = specs.flatMap(({ associations = 0, windows = 0, pool = "a10g" }) => [
    ...Array.from({ length: associations }, () => ({
      name: `a-${i++}`,
      mode: "association" as const,
      schedule: "cron(30 2 ? * * *)",
      pool,
      tasks: [task],
    })),
    ...Array.from({ length: windows }, () => ({
      name: `w-${i++}`,
      schedule: "cron(0 4 ? * SUN *)",
      pool,
      tasks: [task],
    })),
  ]);
  return {
    id: `scheduling/${name}`,
    file: `stacks/scheduling/teams/${name}/Pulumi.${name}.yaml`,
    config: schedulingConfigSchema.parse({ team: name, environment: env, windows }),
    fleet: fleet(env),
  };
};

describe("associations per managed node (per pool)", () => {
  it("is State Manager's documented 20", () => expect(SSM_ASSOCIATIONS_PER_MANAGED_NODE).toBe(20));

  it.each<[string, TeamFacts[], [string, ...RegExp[]] | undefined]>([
    ["one team's 20 on a pool", [team("ta", "prod", [{ associations: 20 }])], undefined],
    [
      "one team's 21 on a pool",
      [team("ta", "prod", [{ associations: 21 }])],
      [
        "stacks/scheduling/teams/ta/Pulumi.ta.yaml",
        /21 associations target pool a10g of fleet\/prod together \(scheduling\/ta 21\).*at most 20 associations per managed node/,
      ],
    ],
    [
      "two teams sharing a pool, 11 + 10: the team with more is named",
      [team("ta", "prod", [{ associations: 10 }]), team("tb", "prod", [{ associations: 11 }])],
      [
        "stacks/scheduling/teams/tb/Pulumi.tb.yaml",
        /21 associations target pool a10g of fleet\/prod together \(scheduling\/tb 11, scheduling\/ta 10\)/,
      ],
    ],
    [
      "windows on the pool do not count",
      [team("ta", "prod", [{ associations: 20, windows: 10 }])],
      undefined,
    ],
    [
      "two pools of 15 each",
      [
        team("ta", "prod", [
          { associations: 15, pool: "a10g" },
          { associations: 15, pool: "l4" },
        ]),
      ],
      undefined,
    ],
    [
      "the same pool name in two environments",
      [team("ta", "prod", [{ associations: 15 }]), team("tb", "dev", [{ associations: 15 }])],
      undefined,
    ],
    [
      "two pools over, one finding each",
      [
        team("ta", "prod", [
          { associations: 21, pool: "a10g" },
          { associations: 22, pool: "l4" },
        ]),
      ],
      [
        "stacks/scheduling/teams/ta/Pulumi.ta.yaml",
        /21 associations target pool a10g /,
        /22 associations target pool l4 /,
      ],
    ],
  ])("%s", (_title, teams, expected) => {
    const problems = checkPoolAssociations(teams);
    if (!expected) {
      expect(problems).toEqual([]);
      return;
    }
    const [file, ...messages] = expected;
    expect(problems).toHaveLength(messages.length);
    problems.forEach((p, i) => {
      expect(p).toMatchObject({ file, key: "scheduling:windows" });
      expect(p.message).toMatch(messages[i]!);
    });
  });

  it("is one of the cross-stack checks, over every team of the environment", () => {
    const teams = [team("ta", "prod", [{ associations: 11 }]), team("tb", "prod", [{ associations: 10 }])];
    const [planned] = teams;
    const problems = crossStackChecks({ fleets: [], teams: [planned!], quotaTeams: teams });
    expect(problems.map((p) => p.message).join("\n")).toMatch(/21 associations target pool a10g/);
  });
});
