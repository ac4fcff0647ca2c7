#!/usr/bin/env node
/** Prints the affected stacks per dependency level for deploy.yml's matrix jobs; see deploy-matrix.ts. */
import { main } from "../deploy-matrix.js";

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`deploy-matrix: ${(error as Error).message}`);
  process.exitCode = 2;
}
