/** `retrain plan` (and `pnpm plan`): the offline plan of every stack, with the real policy pack. */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
// The engine (and with it the Pulumi SDK, seconds to load) only when `plan` runs, not for every command.
import { colorEnabled, createStyle, DEFAULT_WEEKS, MAX_WEEKS } from "@retrain/windows";
import type { Command } from "commander";
import { type CliContext, fail, ownExitCodesHelp, UsageError } from "../context.js";
import { atLeast, collect, collectList, filePath, instant, wholeNumber } from "../flags.js";
import { resolveWorkspace, workspaceOption } from "../workspace-root.js";

interface PlanFlags {
  stack: string[];
  team: string[];
  /** `--gate`: the stacks whose findings decide the exit code; undefined: every stack. */
  gate?: string[];
  weeks: number;
  from?: Date;
  json?: string;
  html?: string;
  prices?: string;
  policyConfig?: string;
  workspace?: string;
  color: boolean;
  quiet?: boolean;
  /** False with --no-cache. */
  cache: boolean;
  jobs?: number;
}

export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command("plan")
    .description(
      "Plan every stack offline: run each program under Pulumi mocks with its real config and its upstream stacks' outputs, " +
        "check every resource with the retrain-guard policy pack, find windows of different teams clashing on a pool, " +
        "estimate GPU hours and on-demand cost. Needs no cloud account and no Pulumi CLI.",
    )
    .option(
      "--stack <id>",
      "plan only this stack: <kind>/<stack> such as scheduling/vision, a unique stack name, <project>/<stack> or the Nx project name (repeatable; upstream stacks still run)",
      collect,
      [],
    )
    .option("--team <name>", "plan only this team's scheduling stack (repeatable)", collect, [])
    .option(
      "--gate <ids>",
      "only findings on these stacks decide the exit code, comma-separated, each named as --stack takes it (repeatable; an empty value gates none). " +
        "Findings on other stacks are still reported, marked not gating. Default: every stack gates",
      collectList,
    )
    .option(
      "--weeks <n>",
      `weeks ahead for clashes, calendar and cost (1-${MAX_WEEKS})`,
      wholeNumber("--weeks", 1, MAX_WEEKS),
      DEFAULT_WEEKS,
    )
    .option(
      "--from <instant>",
      "start of the horizon, ISO 8601 with offset (default: now)",
      instant("--from"),
    )
    .option("--json <file>", "also write the plan as JSON (schema in docs/plan.md)", filePath("--json"))
    .option(
      "--html <file>",
      "also write a self-contained HTML calendar of the windows with cost",
      filePath("--html"),
    )
    .option(
      "--prices <file>",
      "on-demand price table overlaid on the checked-in one and plan.prices.json",
      filePath("--prices"),
    )
    .option(
      "--policy-config <file>",
      "policy pack config (default: policies/retrain-guard/policy-config.json)",
      filePath("--policy-config"),
    )
    .addOption(workspaceOption())
    .option("--no-color", "no colours (also: NO_COLOR, or output that is not a terminal)")
    .option("--quiet", "print only problems and the summary line; no progress")
    .option(
      "--no-cache",
      "plan every stack afresh: neither read nor write the per-stack cache (also: RETRAIN_PLAN_CACHE=0; directory: RETRAIN_PLAN_CACHE_DIR)",
    )
    .option(
      "--jobs <n>",
      // The env var's name as PLAN_JOBS_ENV in @retrain/plan, which is loaded only when `plan` runs.
      "stacks of one dependency level planned at once, on n worker threads; 1 plans one after another (default: RETRAIN_PLAN_JOBS, else 2 for levels of 100+ stacks on 2+ cores, else 1)",
      atLeast("--jobs", 1),
    )
    .addHelpText(
      "after",
      ownExitCodesHelp(
        "0 clean (advisory violations allowed), 1 mandatory violations or clashes (with --gate: on a gated stack; a clash when either side is), 2 invalid input (config, schedule, unknown stack or --gate id, broken reference).",
      ),
    )
    .action(async (flags: PlanFlags) => {
      const workspace = resolveWorkspace(ctx.cwd, flags.workspace);
      const resolve = (file: string) => path.resolve(ctx.cwd, file);
      const {
        boundHeapGrowth,
        createProgress,
        PlanCacheSettingError,
        planCacheSettings,
        renderHtml,
        renderJsonChunks,
        renderTerminal,
        runPlan,
      } = await import("@retrain/plan");
      let cache: ReturnType<typeof planCacheSettings>;
      try {
        cache = planCacheSettings({ workspace, noCache: !flags.cache, env: process.env });
      } catch (e) {
        if (e instanceof PlanCacheSettingError) throw new UsageError(e.message);
        throw e;
      }
      // This process runs nothing but the plan: its heap follows the live set (see heap.ts).
      boundHeapGrowth();
      let report: Awaited<ReturnType<typeof runPlan>>;
      try {
        report = await runPlan({
          workspace,
          stacks: flags.stack,
          teams: flags.team,
          ...(flags.gate !== undefined ? { gate: flags.gate } : {}),
          weeks: flags.weeks,
          from: flags.from ?? ctx.now(),
          ...(flags.prices ? { pricesFile: resolve(flags.prices) } : {}),
          ...(flags.policyConfig ? { policyConfigFile: resolve(flags.policyConfig) } : {}),
          onProgress: createProgress(ctx.stderr, { quiet: flags.quiet ?? false }),
          ...(cache ? { cache } : {}),
          ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
        });
      } catch (e) {
        if (e instanceof RangeError) throw new UsageError(e.message);
        throw e;
      }
      const style = createStyle(colorEnabled(ctx.stdout, process.env, flags.color));
      ctx.stdout.write(renderTerminal(report, { style, quiet: flags.quiet ?? false }));
      // Written piece by piece: the JSON of thousands of teams is never one string in memory.
      const write = (file: string, text: string | Iterable<string>) => {
        const target = resolve(file);
        mkdirSync(path.dirname(target), { recursive: true });
        if (typeof text === "string") writeFileSync(target, text);
        else {
          const fd = openSync(target, "w");
          try {
            for (const piece of text) {
              const bytes = Buffer.from(piece, "utf8");
              for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
            }
          } finally {
            closeSync(fd);
          }
        }
        if (!flags.quiet) ctx.stderr.write(`wrote ${path.relative(ctx.cwd, target) || target}\n`);
      };
      if (flags.json) write(flags.json, renderJsonChunks(report));
      if (flags.html) write(flags.html, renderHtml(report));
      fail(ctx, report.summary.exitCode);
    });
}
