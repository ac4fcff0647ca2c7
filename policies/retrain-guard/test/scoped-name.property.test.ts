/**
 * scopedName at scale (issue 15, goal 3): looking up the teams a name fits at its '-'s gives the
 * environment and team the scan of every (environment, team) pair it replaced gave, with the
 * resource's own team first, then the stack's, then the registry's order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scopedName } from "../src/tenancy/stack.js";

/** The scan before: every environment, longest first, against every team in order. */
function scopedNamePairwise(name: string, envs: readonly string[], teams: readonly string[]) {
  for (const environment of envs)
    for (const team of teams)
      if (name.startsWith(`retrain-${environment}-${team}-`)) return { environment, team };
  return undefined;
}

const part = fc.constantFrom("a", "ml", "ops", "dev", "eu", "x");
const dashed = fc.array(part, { minLength: 1, maxLength: 3 }).map((ps) => ps.join("-"));

describe("scopedName", () => {
  it("finds what the scan of every environment and team found", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(dashed, { minLength: 1, maxLength: 4 }),
        fc.uniqueArray(dashed, { maxLength: 20 }),
        fc.option(dashed, { nil: undefined }),
        fc.option(dashed, { nil: undefined }),
        fc.array(part, { minLength: 0, maxLength: 7 }),
        (envList, registered, own, stackTeam, rest) => {
          const envs = [...envList].sort((a, b) => b.length - a.length);
          const teams = [...new Set([own, stackTeam, ...registered].filter((t) => t !== undefined))];
          const rank = new Map(teams.map((t, i) => [t, i]));
          const name = `retrain-${rest.join("-")}`;
          expect(scopedName(name, envs, (t) => rank.get(t))).toEqual(scopedNamePairwise(name, envs, teams));
          // Names that are certainly scoped: a chosen environment and team, then more.
          const scoped = `retrain-${envs[0]}-${teams[0] ?? "t"}-${rest.join("-")}`;
          expect(scopedName(scoped, envs, (t) => rank.get(t))).toEqual(
            scopedNamePairwise(scoped, envs, teams),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it.each([
    ["the own team before a longer registered one", "retrain-dev-ml-ops-nightly", ["ml", "ml-ops"], "ml"],
    ["a registered team the name fits", "retrain-dev-ml-ops-nightly", ["ml-ops"], "ml-ops"],
    ["the longest environment first", "retrain-dev-eu-ml-nightly", ["ml", "eu-ml"], "ml"],
    ["no team", "retrain-dev-nobody-nightly", ["ml"], undefined],
  ])("%s", (_, name, teams, team) => {
    const rank = new Map(teams.map((t, i) => [t, i]));
    expect(scopedName(name, ["dev-eu", "dev"], (t) => rank.get(t))?.team).toBe(team);
  });
});
