/**
 * The retrain-guard policy pack. Loading this module starts the Analyzer gRPC server (that is how
 * @pulumi/policy works: the CLI runs `@pulumi/pulumi/cmd/run-policy-pack`, which requires the pack's
 * package.json `main`, i.e. the compiled dist/index.js). Tests import the policies from
 * ./policies/index.js instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies/index.js";
import { toPulumiPolicy } from "./policy-kit.js";

new PolicyPack("retrain-guard", {
  description: "No wildcard IAM, no over-long or clashing SSM maintenance windows, GPU fleet hygiene.",
  enforcementLevel: "mandatory",
  policies: POLICIES.map(toPulumiPolicy),
});
