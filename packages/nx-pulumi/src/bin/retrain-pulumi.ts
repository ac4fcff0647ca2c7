#!/usr/bin/env node
/**
 * `retrain-pulumi <pulumi args...>`: the command every Pulumi target of the Nx plugin runs. In CI the
 * policy pack may be replaced by the base branch's (see policy-pack-override.ts).
 */
import { runPulumi } from "../pulumi-cli.js";
import { overridePolicyPack } from "./policy-pack-override.js";

try {
  process.exitCode = await runPulumi(overridePolicyPack(process.argv.slice(2), process.env));
} catch (error) {
  console.error(`retrain-pulumi: ${(error as Error).message}`);
  process.exitCode = 2;
}
