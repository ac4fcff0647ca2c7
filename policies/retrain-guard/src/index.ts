/**
 * The retrain-guard policy pack. Loading this module starts the Analyzer gRPC server (that is how
 * @pulumi/policy works: the CLI runs `@pulumi/pulumi/cmd/run-policy-pack`, which requires the pack's
 * package.json `main`, i.e. the compiled dist/index.js). Tests import the policies from
 * ./policies/index.js instead.
 */
import { POLICIES } from "./policies/index.js";
import { servePolicyPack } from "./policy-kit.js";

servePolicyPack("retrain-guard", {
  description: "No wildcard IAM, no over-long or clashing SSM maintenance windows, GPU fleet hygiene.",
  enforcementLevel: "mandatory",
  policies: POLICIES,
});
