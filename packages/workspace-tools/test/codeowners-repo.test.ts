/** The repository's own CODEOWNERS against its tenant registry, read with GitHub's last-match rule. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadTenantRegistry } from "@retrain/config/tenants";
import { describe, expect, it } from "vitest";
import { codeownersFor } from "../src/team.js";
import { PACKAGE_DIR } from "./support/fixture.js";

const ROOT = path.resolve(PACKAGE_DIR, "../..");
const owners = readFileSync(path.join(ROOT, ".github/CODEOWNERS"), "utf8");
const teams = Object.keys(loadTenantRegistry(path.join(ROOT, "policies/tenants.yaml")).registry.teams);

describe("the repository's CODEOWNERS", () => {
  it.each(teams)("team %s reviews its own folder, and only its own", (team) => {
    const own = codeownersFor(owners, `stacks/scheduling/teams/${team}/Pulumi.${team}.yaml`);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatch(new RegExp(`/${team}$`));
    for (const other of teams.filter((t) => t !== team))
      expect(codeownersFor(owners, `stacks/scheduling/teams/${other}/Pulumi.${other}.yaml`)).not.toEqual(own);
  });

  it.each(["policies/tenants.yaml", ".github/CODEOWNERS", "policies/retrain-guard/src/index.ts"])(
    "%s stays security's whatever a team line says",
    (file) => {
      expect(codeownersFor(owners, file)).toEqual(["@retrain-ml/security"]);
    },
  );

  it.each([".github/workflows/pr.yml", "stacks/scheduling/src/program.ts", "packages/config/src/load.ts"])(
    "%s is no team's",
    (file) => {
      for (const team of teams) expect(codeownersFor(owners, file).join(" ")).not.toContain(`/${team}`);
    },
  );
});
