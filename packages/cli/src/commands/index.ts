/**
 * Every `retrain` command, one module each. Adding a command is one line here: its module exports a
 * `register(program, ctx)` that adds the command (and its subcommands) to the program.
 */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { registerCalendar } from "./calendar.js";
import { registerConfig } from "./config.js";
import { registerPlan } from "./plan.js";
import { registerRuns } from "./runs.js";
import { registerSchedule } from "./schedule.js";
import { registerTeam } from "./team.js";

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: RegisterCommand[] = [
  registerPlan,
  registerSchedule,
  registerCalendar,
  registerConfig,
  registerTeam,
  registerRuns,
];
