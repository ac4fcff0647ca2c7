/** Facts for the account-wide and per-pool cross-stack checks' tables: an environment's fleet, a task. */
import type { FleetFacts } from "../../src/checks/index.js";

/** The fleet of `env` (eu-west-1, no pools in its outputs), with `facts` over it (quotas, platform counts). */
export const fleetFacts = (env: string, facts: Partial<FleetFacts> = {}): FleetFacts => ({
  id: `fleet/${env}`,
  file: `stacks/fleet/envs/${env}/Pulumi.${env}.yaml`,
  outputs: { region: "eu-west-1", pools: [] },
  region: "eu-west-1",
  ...facts,
});

/** A task that fits any window the tables declare. */
export const shortTask = { name: "retrain", command: "./train.sh", timeoutSeconds: 600 };
