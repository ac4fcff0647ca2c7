/**
 * Every @pulumi/aws resource with a policy-like input is either read by the pack (locate.ts) or
 * listed in NOT_IAM_POLICY_INPUTS with why: a provider upgrade that adds a resource-based policy
 * (the way lambda/resourcePolicy and dynamodb/resourcePolicy came) fails here, by name, instead of
 * letting an open document through unread.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { IAM_RESOURCE_TYPES, NOT_IAM_POLICY_INPUTS } from "../src/iam/locate.js";

const here = path.dirname(fileURLToPath(import.meta.url));
// The pack reads what @retrain/components deploys: the provider of that package.
const requireFromComponents = createRequire(path.join(here, "../../../packages/components/package.json"));
const providerDir = path.dirname(requireFromComponents.resolve("@pulumi/aws/package.json"));

/** Input names that carry an IAM document or an IAM managed policy ARN in the provider's schema. */
const POLICY_INPUT =
  /^(policy|policyDocument|accessPolic(y|ies)|resourcePolicy|repositoryPolicy|inlinePolicy|assumeRolePolicy|sessionPolicy|policyText|policyJson|[a-zA-Z]*PolicyDocument|managedPolicyArns?|policyArns?|[a-zA-Z]*PolicyArns?)$/;

interface ProviderType {
  token: string;
  inputs: string[];
}

/** Each resource of the provider: its type token and its Args inputs named like a policy. */
function providerTypes(): ProviderType[] {
  const out: ProviderType[] = [];
  for (const mod of readdirSync(providerDir, { withFileTypes: true })) {
    if (!mod.isDirectory() || mod.name === "node_modules" || mod.name === "types") continue;
    const dir = path.join(providerDir, mod.name);
    for (const file of readdirSync(dir)) {
      if (!file.endsWith(".js")) continue;
      const js = readFileSync(path.join(dir, file), "utf8");
      const token = /__pulumiType = '([^']+)'/.exec(js)?.[1];
      if (!token) continue;
      let dts = "";
      try {
        dts = readFileSync(path.join(dir, file.replace(/\.js$/, ".d.ts")), "utf8");
      } catch {
        continue;
      }
      const args = /export interface \w+Args \{([\s\S]*?)\n\}/.exec(dts)?.[1] ?? "";
      const inputs = [...args.matchAll(/^\s+(\w+)\??: pulumi\.Input<(?:string|pulumi\.Input<string>\[\])/gm)]
        .map((m) => m[1] ?? "")
        .filter((name) => POLICY_INPUT.test(name));
      out.push({ token, inputs });
    }
  }
  return out;
}

describe("which provider resources the pack reads", () => {
  const types = providerTypes();
  const tokens = new Set(types.map((t) => t.token));

  it("finds the provider's resources (the scan itself works)", () => {
    expect(tokens.size).toBeGreaterThan(1000);
    expect(tokens.has("aws:iam/rolePolicy:RolePolicy")).toBe(true);
  });

  it("reads or explains every resource with a policy-like input", () => {
    const read = new Set(IAM_RESOURCE_TYPES);
    const unclassified = types
      .filter((t) => t.inputs.length > 0 && !read.has(t.token) && !(t.token in NOT_IAM_POLICY_INPUTS))
      .map((t) => `${t.token} (${t.inputs.join(", ")})`);
    expect(unclassified, "add each to locate.ts: DOCUMENTS/ARNS, or NOT_IAM_POLICY_INPUTS with why").toEqual(
      [],
    );
  });

  it("lists only types the provider has", () => {
    const listed = [...IAM_RESOURCE_TYPES, ...Object.keys(NOT_IAM_POLICY_INPUTS)];
    expect(listed.filter((t) => !tokens.has(t))).toEqual([]);
  });

  it("never both reads a type and calls it not IAM", () => {
    expect(IAM_RESOURCE_TYPES.filter((t) => t in NOT_IAM_POLICY_INPUTS)).toEqual([]);
  });
});
