#!/usr/bin/env node
/** `retrain-pulumi <pulumi args...>`: the command every Pulumi target of the Nx plugin runs. */
import { runPulumi } from "../pulumi-cli.js";

process.exitCode = await runPulumi(process.argv.slice(2));
