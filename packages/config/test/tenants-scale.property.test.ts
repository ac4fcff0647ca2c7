/**
 * The registry's name checks at scale (issue 15, goal 3): the linear lookups of prefixOwners,
 * scopeClashes and checkAlertDestinations find exactly what the pairwise scans they replaced found,
 * the same team and the same first other team, on names built from a few '-'-joined parts so
 * prefixes and equal scopes (`dev-eu` + `a` vs `dev` + `eu-a`) are common.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAlertDestinations } from "../src/notify.js";
import { prefixOwners, scopeClashes, type Tenant, type TenantRegistry } from "../src/tenants.js";

/** The scan the registry schema ran before: each team against every other name. */
function prefixOwnersPairwise(names: readonly string[]) {
  const out: { team: string; owner: string }[] = [];
  for (const team of names) {
    const owner = names.find((other) => other !== team && team.startsWith(`${other}-`));
    if (owner) out.push({ team, owner });
  }
  return out;
}

/** The scan before: each grant's scope against every earlier grant's. */
function scopeClashesPairwise(teams: Record<string, Tenant>) {
  const scopes: { scope: string; team: string; environment: string }[] = [];
  const out: unknown[] = [];
  for (const [team, t] of Object.entries(teams))
    t.grants.forEach((g, index) => {
      const scope = `retrain-${g.environment}-${team}-`;
      const clash = scopes.find(
        (s) => s.team !== team && (s.scope.startsWith(scope) || scope.startsWith(s.scope)),
      );
      if (clash) out.push({ team, index, scope, environment: g.environment, clash });
      scopes.push({ scope, team, environment: g.environment });
    });
  return out;
}

/** The topic-owner scan before: every registered team `<team>-…` the topic is named for, longest. */
function topicOwnerPairwise(registry: TenantRegistry, team: string, topic: string) {
  return Object.keys(registry.teams)
    .filter((t) => t !== team && t.startsWith(`${team}-`) && topic.startsWith(`${t}-`))
    .sort((a, b) => b.length - a.length)[0];
}

const part = fc.constantFrom("a", "b", "ml", "x", "ops", "dev", "eu");
const name = fc.array(part, { minLength: 1, maxLength: 4 }).map((ps) => ps.join("-"));
const names = fc.uniqueArray(name, { maxLength: 25 });
const registryOf = (teamNames: string[], envs: string[][]): Record<string, Tenant> =>
  Object.fromEntries(
    teamNames.map((t, i) => [
      t,
      {
        grants: (envs[i % Math.max(1, envs.length)] ?? ["dev"]).map((environment) => ({
          environment,
          pools: ["p"],
        })),
        alertEmailDomains: [],
      },
    ]),
  );
const envLists = fc.array(fc.uniqueArray(name, { minLength: 1, maxLength: 3 }), {
  minLength: 1,
  maxLength: 5,
});

describe("registry name checks: lookups find what the pairwise scans found", () => {
  it("prefixOwners: the same teams with the same first owner", () => {
    fc.assert(
      fc.property(names, (ns) => {
        expect(prefixOwners(ns)).toEqual(prefixOwnersPairwise(ns));
      }),
      { numRuns: 500 },
    );
  });

  it("prefixOwners: a table of the cases the schema exists for", () => {
    expect(prefixOwners(["ml", "ml-ops", "ml-ops-x", "mlops", "a-b"])).toEqual([
      { team: "ml-ops", owner: "ml" },
      { team: "ml-ops-x", owner: "ml" },
    ]);
    expect(prefixOwners(["ml-ops-x", "ml-ops"])).toEqual([{ team: "ml-ops-x", owner: "ml-ops" }]);
  });

  it("scopeClashes: the same grants with the same first earlier clash", () => {
    fc.assert(
      fc.property(names, envLists, (ns, envs) => {
        const teams = registryOf(ns, envs);
        expect(scopeClashes(teams)).toEqual(scopeClashesPairwise(teams));
      }),
      { numRuns: 500 },
    );
  });

  it("scopeClashes: equal scopes of different teams and environments clash", () => {
    const teams = registryOf(["a", "eu-a"], [["dev-eu"], ["dev"]]);
    expect(scopeClashes(teams)).toEqual([
      {
        team: "eu-a",
        index: 0,
        scope: "retrain-dev-eu-a-",
        environment: "dev",
        clash: { scope: "retrain-dev-eu-a-", team: "a", environment: "dev-eu" },
      },
    ]);
  });

  it("checkAlertDestinations: the same topic owner as the scan of every team", () => {
    fc.assert(
      fc.property(names, fc.nat(), name, (ns, pick, rest) => {
        if (ns.length === 0) return;
        const registry: TenantRegistry = { teams: registryOf(ns, [["dev"]]) };
        const team = ns[pick % ns.length]!;
        // Topics named for the team, often for a longer registered team or a prefix of one.
        const topic = `${team}-${rest}`;
        const owner = topicOwnerPairwise(registry, team, topic);
        const problems = checkAlertDestinations(registry, team, {
          emails: [],
          topicArn: `arn:aws:sns:eu-west-1:123456789012:${topic}`,
        });
        expect(problems.map((p) => p.message)).toEqual(
          owner
            ? [
                `topic "${topic}" is named for team "${owner}" (policies/tenants.yaml), not for team "${team}"`,
              ]
            : [],
        );
      }),
      { numRuns: 500 },
    );
  });
});
