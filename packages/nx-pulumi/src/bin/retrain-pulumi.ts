#!/usr/bin/env node
/**
 * `retrain-pulumi <pulumi args...>`: the command every Pulumi target of the Nx plugin runs. In CI the
 * policy pack may be replaced by the base branch's (policy-pack-override.ts) and new stacks get the
 * environment's secrets provider (secrets-provider.ts).
 */
import { runPulumi } from "../pulumi-cli.js";
import { overridePolicyPack } from "./policy-pack-override.js";
import { withSecretsProvider } from "./secrets-provider.js";

try {
  const args = withSecretsProvider(overridePolicyPack(process.argv.slice(2), process.env), process.env);
  process.exitCode = await runPulumi(args);
} catch (error) {
  console.error(`retrain-pulumi: ${(error as Error).message}`);
  process.exitCode = 2;
}
