#!/usr/bin/env node
/** Renders the PR comment of the offline plan; see plan-comment.ts. */
import { main } from "../plan-comment.js";

process.exitCode = main(process.argv.slice(2));
