/** `retrain team add <name>`: onboard an ML team (the same onboarding as `nx g @retrain/nx-pulumi:team`). */
import { ConfigError } from "@retrain/config/workspace";
import { addTeam, TeamError } from "@retrain/workspace-tools";
import type { Command } from "commander";
import { type CliContext, UsageError } from "../context.js";
import { resolveWorkspace, workspaceOption } from "../workspace-root.js";

interface TeamAddOptions {
  environment?: string;
  pool?: string;
  pools?: string[];
  owners?: string[];
  region?: string;
  root?: string;
}

export function registerTeam(program: Command, ctx: CliContext): void {
  const team = program.command("team").description("Onboard ML teams to their own scheduling stack.");
  team
    .command("add")
    .description(
      "Create stacks/scheduling/teams/<name>/Pulumi.<name>.yaml from a template, grant the team its environment and pools in the tenant registry (policies/tenants.yaml, which security reviews), validate both, and make the team own its folder in CODEOWNERS.",
    )
    .argument(
      "<name>",
      "team name: lowercase letters, digits and '-', 2-24 characters; also the Pulumi stack name",
    )
    .option(
      "--environment <env>",
      "environment (iam and fleet stacks) the team is granted and runs in",
      "dev",
    )
    .option("--pools <pools...>", "pools of that environment the registry grants the team; default: --pool")
    .option(
      "--pool <pool>",
      "the starter window's pool; default: the first granted pool, else the fleet's first",
    )
    .option("--owners <owners...>", "CODEOWNERS owners; default: @<org>/<name> with the org CODEOWNERS uses")
    .option("--region <region>", "AWS region; default: the fleet environment's aws:region")
    .addOption(workspaceOption("--root"))
    .action((name: string, opts: TeamAddOptions) => {
      const workspaceRoot = resolveWorkspace(ctx.cwd, opts.root);
      let result: ReturnType<typeof addTeam>;
      try {
        result = addTeam({
          workspaceRoot,
          team: name,
          ...(opts.environment !== undefined ? { environment: opts.environment } : {}),
          ...(opts.pool !== undefined ? { pool: opts.pool } : {}),
          ...(opts.pools !== undefined
            ? { pools: opts.pools.flatMap((p) => p.split(",")).filter(Boolean) }
            : {}),
          ...(opts.owners !== undefined
            ? { owners: opts.owners.flatMap((o) => o.split(",")).filter(Boolean) }
            : {}),
          ...(opts.region !== undefined ? { region: opts.region } : {}),
        });
      } catch (e) {
        if (e instanceof TeamError || e instanceof ConfigError) throw new UsageError(e.message);
        throw e;
      }
      ctx.stdout.write(`created  ${result.configFile}\n`);
      ctx.stdout.write(
        `updated  ${result.registry} (${name} granted ${result.grant.environment}: ${result.grant.pools.join(", ")})\n`,
      );
      ctx.stdout.write(`updated  ${result.codeowners} (${result.owners.join(" ")} own the folder)\n\n`);
      ctx.stdout.write(`Team ${name} onboarded as Nx project ${result.project}. Next steps:\n`);
      for (const [i, step] of result.nextSteps.entries()) ctx.stdout.write(`  ${i + 1}. ${step}\n`);
    });
}
