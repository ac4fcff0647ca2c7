/**
 * The project's exemptions (src/exemptions.ts) are bound to their resource and their URN: the
 * examples table cannot show this (its URNs are all of project retrain-example).
 */
import { describe, expect, it } from "vitest";
import { noWildcardIam, resourceMatches, urnMatches } from "../src/policies/no-wildcard-iam.js";
import { parseConfig, type StackResource } from "../src/policy-kit.js";

const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const WINDOW_ROLE_POLICY = `urn:pulumi:prod::retrain-iam::retrain:iam:MaintenanceWindowServiceRole$${ROLE_POLICY}::prod-window-permissions`;
const EXECUTIONS = "arn:aws:ssm:eu-west-1:123456789012:automation-execution/*";

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });

async function check(urn: string, policy: string): Promise<string[]> {
  const resource: StackResource = {
    type: ROLE_POLICY,
    name: urn.split("::").pop() ?? "",
    urn,
    props: { role: "r", policy },
    dependencies: [],
    propertyDependencies: {},
  };
  return (await noWildcardIam.check(resource, parseConfig(noWildcardIam, {}))).map((v) => v.message);
}

describe("project exemptions", () => {
  it("exempt the automation actions on automation-execution/* of the window role", async () => {
    expect(
      await check(
        WINDOW_ROLE_POLICY,
        doc({
          Effect: "Allow",
          Action: ["ssm:StartAutomationExecution", "ssm:GetAutomationExecution"],
          Resource: EXECUTIONS,
        }),
      ),
    ).toEqual([]);
  });

  it("do not exempt the same actions on another resource of the same policy", async () => {
    const found = await check(
      WINDOW_ROLE_POLICY,
      doc({
        Effect: "Allow",
        Action: ["ssm:StartAutomationExecution", "ssm:GetAutomationExecution"],
        Resource: ["*", "arn:aws:ssm:eu-west-1:123456789012:automation-definition/*"],
      }),
    );
    expect(found).toHaveLength(4);
    expect(found[0]).toMatch(/ssm:StartAutomationExecution on every resource \("\*"\)/);
    expect(found[2]).toMatch(/ssm:StartAutomationExecution on every ssm automation-definition/);
  });

  it("do not reach a resource whose name embeds the exempted URN's tail", async () => {
    const forged = `urn:pulumi:dev::other::${ROLE_POLICY}::x::retrain-iam::retrain:iam:MaintenanceWindowServiceRole$${ROLE_POLICY}::y`;
    const found = await check(
      forged,
      doc({ Effect: "Allow", Action: "ssm:GetAutomationExecution", Resource: EXECUTIONS }),
    );
    expect(found).toHaveLength(1);
  });
});

describe("urnMatches / resourceMatches", () => {
  it("* matches within one URN segment, never across ::", () => {
    expect(urnMatches("urn:pulumi:*::p::t::n", "urn:pulumi:dev::p::t::n")).toBe(true);
    expect(urnMatches("urn:pulumi:*::p::t::n", "urn:pulumi:dev::q::t::x::p::t::n")).toBe(false);
    expect(urnMatches("urn:pulumi:*::p::a:b/c:C::leg*", "urn:pulumi:dev::p::a:b/c:C::legacy")).toBe(true);
    expect(urnMatches("urn:pulumi:*::p::a:b/c:C::leg*", "urn:pulumi:dev::p::a:b/c:C::leg::x")).toBe(false);
    expect(urnMatches("urn:pulumi:dev::p::t::n", "urn:pulumi:dev::p::t::n")).toBe(true);
  });

  it("* in a resource pattern matches within one ARN segment", () => {
    expect(resourceMatches("arn:*:ssm:*:*:automation-execution/*", EXECUTIONS)).toBe(true);
    expect(resourceMatches("arn:*:ssm:*:*:automation-execution/*", "*")).toBe(false);
    expect(
      resourceMatches("arn:*:ssm:*:*:automation-execution/*", "arn:aws:ssm:*:*:automation-definition/*"),
    ).toBe(false);
  });
});
