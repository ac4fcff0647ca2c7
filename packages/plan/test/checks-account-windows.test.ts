/**
 * The maintenance windows of all teams of one environment against Systems Manager's default quota of
 * 50 per account and region, table-driven: over it, one finding naming the team file with the most
 * windows, the key and the counts; associations and other environments do not count.
 */
import { schedulingConfigSchema } from "@retrain/config";
import { describe, expect, it } from "vitest";
import { checkAccountWindows, SSM_WINDOWS_PER_ACCOUNT_REGION } from "../src/checks/index.js";
import { expectOneFinding, fleetFacts, shortTask } from "./support/facts.js";

const fleet = fleetFacts;
const task = shortTask;
const window = (i: number, mode: "maintenance-window" | "association" = "maintenance-window") =>
  mode === "association"
    ? { name: `w-${i}`, mode, schedule: "cron(30 2 ? * * *)", pool: "a10g", tasks: [task] }
    : { name: `w-${i}`, schedule: "cron(0 4 ? * SUN *)", pool: "a10g", tasks: [task] };
const team = (name: string, env: string, windows: number, mode?: "association") => ({
  id: `scheduling/${name}`,
  file: `stacks/scheduling/teams/${name}/Pulumi.${name}.yaml`,
  config: schedulingConfigSchema.parse({
    team: name,
    environment: env,
    windows: Array.from({ length: windows }, (_, i) => window(i, mode)),
  }),
  fleet: fleet(env),
});

const raised = (t: ReturnType<typeof team>, maintenanceWindowQuota: number) => ({
  ...t,
  fleet: { ...t.fleet, maintenanceWindowQuota },
});

describe("maintenance windows per account and region", () => {
  it("uses the default quota of 50", () => expect(SSM_WINDOWS_PER_ACCOUNT_REGION).toBe(50));

  it.each<[string, ReturnType<typeof team>[], [string, RegExp] | undefined]>([
    [
      "five teams of 10 in prod (50)",
      ["ta", "tb", "tc", "td", "te"].map((t) => team(t, "prod", 10)),
      undefined,
    ],
    [
      "six teams of 10 in prod (60)",
      ["ta", "tb", "tc", "td", "te", "tf"].map((t) => team(t, "prod", 10)),
      [
        "stacks/scheduling/teams/ta/Pulumi.ta.yaml",
        /the teams on fleet\/prod declare 60 maintenance windows together \(scheduling\/ta 10, .*scheduling\/tf 10\), more than the account's quota of 50 per region \(fleet:maintenanceWindowQuota in stacks\/fleet\/envs\/prod\/Pulumi\.prod\.yaml; 50 is Systems Manager's default\)/,
      ],
    ],
    [
      "the team with the most windows is named",
      [team("ta", "prod", 10), team("tb", "prod", 30), team("tc", "prod", 11)],
      ["stacks/scheduling/teams/tb/Pulumi.tb.yaml", /declare 51 maintenance windows/],
    ],
    [
      "30 in prod and 30 in dev (separate environments)",
      [team("ta", "prod", 30), team("tb", "dev", 30)],
      undefined,
    ],
    ["associations do not count", [team("ta", "prod", 40), team("tb", "prod", 40, "association")], undefined],
    [
      "a raised quota (fleet:maintenanceWindowQuota 100) takes 60",
      ["ta", "tb", "tc", "td", "te", "tf"].map((t) => raised(team(t, "prod", 10), 100)),
      undefined,
    ],
    [
      "a raised quota is still a limit (61 over 60)",
      [raised(team("ta", "prod", 31), 60), raised(team("tb", "prod", 30), 60)],
      [
        "stacks/scheduling/teams/ta/Pulumi.ta.yaml",
        /declare 61 maintenance windows .*quota of 60 per region/,
      ],
    ],
  ])("%s", (_title, teams, expected) => {
    const problems = checkAccountWindows(teams);
    expectOneFinding(problems, expected, "scheduling:windows");
  });
});
