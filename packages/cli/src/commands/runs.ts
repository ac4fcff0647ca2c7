/**
 * `retrain runs`: did it run? The last executions of a team's windows and associations, with status,
 * start, duration, per-instance result and where the logs are, straight from Systems Manager.
 */
import { SSMClient } from "@aws-sdk/client-ssm";
import { describeProblem, discoverStacks, STACK_LAYOUT } from "@retrain/config/workspace";
import { type Command, InvalidArgumentError, Option } from "commander";
import { type CliContext, EXIT, fail, ownExitCodesHelp, UsageError } from "../context.js";
import { refuseMissingName } from "../flags.js";
import { renderRuns } from "../runs/render.js";
import { fetchRuns, type RunsQuery, type RunsResult } from "../runs/ssm-runs.js";
import { resolveWorkspace, workspaceOption } from "../workspace-root.js";

/** SSM keeps maintenance-window and association execution history for 30 days. */
export const MAX_SINCE_DAYS = 30;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function sinceDuration(value: string): number {
  const m = /^([1-9]\d*)([mhd])$/.exec(value);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : Number.NaN;
  if (!m || ms > MAX_SINCE_DAYS * UNIT_MS.d) {
    throw new InvalidArgumentError(
      `--since must be a duration such as 30m, 12h or 7d, at most ${MAX_SINCE_DAYS}d (SSM keeps ${MAX_SINCE_DAYS} days of history).`,
    );
  }
  return ms;
}

function endpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("--endpoint must be an http(s) URL such as http://127.0.0.1:4566.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InvalidArgumentError("--endpoint must be an http(s) URL such as http://127.0.0.1:4566.");
  return value;
}

/** A CloudWatch Logs group name: 1-512 of `.-_/#`, letters and digits (CreateLogGroup's pattern). */
export function logGroupName(value: string): string {
  const allowed = "1-512 characters of letters, digits and . - _ / # (CloudWatch Logs' log group names)";
  refuseMissingName("--log-group", "log group", value, { empty: `: ${allowed}.`, option: `: ${allowed}.` });
  if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(value))
    throw new InvalidArgumentError(`--log-group must be ${allowed} (found "${value}").`);
  return value;
}

interface RunsFlags {
  team?: string;
  window?: string;
  since: number;
  json?: boolean;
  region?: string;
  endpoint?: string;
  logGroup?: string;
  workspace?: string;
}

const HOW_TO_CREDENTIALS =
  "no AWS credentials found. Provide them the standard way: `aws sso login --profile <p>` and `export AWS_PROFILE=<p>`, " +
  "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or run where an instance or container role is available. " +
  "The caller needs ssm:DescribeMaintenanceWindows, ssm:DescribeMaintenanceWindowExecutions, ssm:DescribeMaintenanceWindowExecutionTasks, " +
  "ssm:DescribeMaintenanceWindowExecutionTaskInvocations, ssm:ListAssociations, ssm:DescribeAssociationExecutions and ssm:DescribeAssociationExecutionTargets " +
  "(and ssm:ListCommands to name each training task).";

/** A team config left out because it is invalid: its file and first problem. */
export interface InvalidTeamConfig {
  file: string;
  problem: string;
}

/**
 * The teams (and windows) to ask about, from the workspace's scheduling configs, and (without
 * `--team`) the team configs left out because they are invalid.
 */
function queries(
  workspace: string,
  flags: RunsFlags,
  since: Date,
): { queries: RunsQuery[]; invalid: InvalidTeamConfig[] } {
  const { stacks, problems } = discoverStacks(workspace);
  const teams = stacks.flatMap((s) => (s.config.kind === "scheduling" ? [s.config] : []));
  if (flags.team !== undefined && !teams.some((t) => t.stack === flags.team)) {
    const broken = problems.some((p) => p.file.startsWith(`${STACK_LAYOUT.scheduling}/${flags.team}/`));
    throw new UsageError(
      broken
        ? `--team ${flags.team}: its config is invalid; run \`retrain config check\``
        : `--team must be one of the workspace's teams: ${teams.map((t) => t.stack).join(", ") || "none"} (found "${flags.team}")`,
    );
  }
  const chosen = teams.filter((t) => flags.team === undefined || t.stack === flags.team);
  const out = chosen.map((t) => ({
    team: t.config.team,
    environment: t.config.environment,
    region: flags.region ?? t.region,
    logGroupName: flags.logGroup ?? `/retrain/${t.config.environment}/runs`,
    windows: t.config.windows
      .filter((w) => flags.window === undefined || w.name === flags.window)
      .map((w) => ({ name: w.name, mode: w.mode })),
    since,
  }));
  if (flags.window !== undefined && out.every((q) => q.windows.length === 0)) {
    const names = chosen.flatMap((t) => t.config.windows.map((w) => `${t.stack}/${w.name}`));
    throw new UsageError(
      `--window must be a window of ${flags.team ?? "a team"}: ${names.join(", ") || "none"} (found "${flags.window}")`,
    );
  }
  const invalid: InvalidTeamConfig[] = [];
  if (flags.team === undefined)
    for (const p of problems)
      if (p.file.startsWith(`${STACK_LAYOUT.scheduling}/`) && !invalid.some((i) => i.file === p.file))
        invalid.push({ file: p.file, problem: describeProblem(p, { withFile: false }) });
  return { queries: out.filter((q) => q.windows.length > 0), invalid };
}

export function registerRuns(program: Command, ctx: CliContext): void {
  program
    .command("runs")
    .description(
      "Did it run? The last executions of the teams' windows and associations from Systems Manager: status, start, " +
        "duration, the result on each instance and where its logs are. Uses the standard AWS credential chain.",
    )
    .option("--team <name>", "only this team (default: every team of the workspace)")
    .option("--window <name>", "only this window or association")
    .addOption(
      new Option("--since <duration>", `how far back: 30m, 12h, 7d (at most ${MAX_SINCE_DAYS}d)`)
        .default(7 * UNIT_MS.d, "7d")
        .argParser(sinceDuration),
    )
    .option("--json", "print the runs as JSON (see docs/cli.md)")
    .option("--region <region>", "AWS region (default: each team's aws:region)")
    .addOption(
      new Option(
        "--endpoint <url>",
        "SSM endpoint URL (default: the SDK's, or AWS_ENDPOINT_URL_SSM)",
      ).argParser(endpointUrl),
    )
    .addOption(
      new Option(
        "--log-group <name>",
        "training log group (default: /retrain/<environment>/runs, the iam stack's)",
      ).argParser(logGroupName),
    )
    .addOption(workspaceOption())
    .addHelpText(
      "after",
      ownExitCodesHelp(
        "0 runs listed (whatever their status), 1 an SSM call failed, 2 invalid input or no AWS credentials.",
      ),
    )
    .action(async (flags: RunsFlags) => {
      if (flags.region !== undefined && !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(flags.region))
        throw new UsageError(`--region must be an AWS region such as eu-west-1 (found "${flags.region}")`);
      const workspace = resolveWorkspace(ctx.cwd, flags.workspace);
      const since = new Date(ctx.now().getTime() - flags.since);
      const clients = new Map<string, SSMClient>();
      const result: RunsResult = { runs: [], notFound: [] };
      const asked = queries(workspace, flags, since);
      // Left out, not fatal: the other teams' runs are still listed (exit code unchanged).
      for (const i of asked.invalid)
        ctx.stderr.write(
          `warning: ${i.file}: left out, its config is invalid: ${i.problem} (run \`retrain config check\`)\n`,
        );
      try {
        for (const q of asked.queries) {
          let ssm = clients.get(q.region);
          if (!ssm) {
            ssm = new SSMClient({
              region: q.region,
              ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
            });
            clients.set(q.region, ssm);
          }
          const r = await fetchRuns(ssm, q);
          result.runs.push(...r.runs);
          result.notFound.push(...r.notFound);
        }
      } catch (e) {
        if (e instanceof UsageError) throw e;
        const err = e as Error;
        if (err.name === "CredentialsProviderError") throw new UsageError(HOW_TO_CREDENTIALS);
        ctx.stderr.write(`error: Systems Manager call failed: ${err.name}: ${err.message}\n`);
        fail(ctx, EXIT.failure);
        return;
      } finally {
        for (const c of clients.values()) c.destroy();
      }
      result.runs.sort((a, b) => (b.start ?? "").localeCompare(a.start ?? ""));
      if (flags.json) {
        ctx.stdout.write(
          `${JSON.stringify({ since: since.toISOString(), ...result, invalid: asked.invalid }, null, 2)}\n`,
        );
        return;
      }
      ctx.stdout.write(renderRuns(result, since));
    });
}
