import * as pulumi from "@pulumi/pulumi";
import { iamOutputs } from "@retrain/config";
import { runStackProgram } from "@retrain/offline";
import { beforeAll, describe, expect, it } from "vitest";
import { runExampleUpstream } from "./support/example-upstream.js";

const REF = "organization/retrain-iam/dev";
let iam: Record<string, unknown>;

beforeAll(async () => {
  iam = (await runExampleUpstream(["dev"])).upstream[REF] as Record<string, unknown>;
});

/** Runs a program that reads `teamRoleArns` through the typed reference, then `then` on the value. */
async function readTeamRoles(
  upstream: Record<string, unknown>,
  then: (roles: Record<string, string>) => unknown = (roles) => roles,
) {
  const result = await runStackProgram({
    project: "retrain-scheduling",
    stack: "dev",
    config: { "aws:region": "eu-west-1" },
    upstream: { [REF]: upstream },
    program: async () => ({ seen: iamOutputs(REF).teamRoleArns.apply((r) => pulumi.output(then(r))) }),
  });
  return { seen: result.outputs.seen, errors: result.errors.map((e) => e.message) };
}

// The typed reference remembers values it validated (every team stack reads the same iam outputs):
// what a stack gets must not depend on what an earlier stack read or did.
describe("typed StackReferences with remembered validations", () => {
  it("shares a remembered value frozen: a write fails its own stack and is not seen by the next", async () => {
    expect((await readTeamRoles(iam)).errors).toEqual([]);
    const first = await readTeamRoles(iam, (roles) => {
      roles.intruder = "arn:aws:iam::123456789012:role/x";
      return roles;
    });
    expect(first.errors.join("\n")).toMatch(/Cannot add property intruder, object is not extensible/);
    const second = await readTeamRoles(iam, (roles) => {
      for (const k of Object.keys(roles)) delete roles[k];
      return roles;
    });
    expect(second.errors.join("\n")).toMatch(/Cannot delete property/);
    const third = await readTeamRoles(iam);
    expect(third.errors).toEqual([]);
    expect(third.seen).toEqual(iam.teamRoleArns);
  });

  it("takes an environment for the stack reference of this workspace's organization", async () => {
    const result = await runStackProgram({
      project: "retrain-scheduling",
      stack: "dev",
      config: { "aws:region": "eu-west-1" },
      upstream: { [REF]: iam },
      program: async () => ({ bucket: iamOutputs("dev").artifactBucket }),
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs.bucket).toBe(iam.artifactBucket);
  });

  it("still rejects an invalid value after the same key was valid, naming stack and key", async () => {
    expect((await readTeamRoles(iam)).errors).toEqual([]);
    const bad = { ...iam, teamRoleArns: { vision: "not-an-arn" } };
    const { errors } = await readTeamRoles(bad);
    expect(errors.join("\n")).toMatch(
      /stack "organization\/retrain-iam\/dev" output "teamRoleArns" is invalid at vision/,
    );
  });
});
