/** `retrain config check [files...]`: validate stack configs with the stacks' own schemas. */
import { describeProblem, noStacksMessage, printable } from "@retrain/config/workspace";
import { counted } from "@retrain/windows";
import type { Command } from "commander";
import { checkStackConfigs } from "../config-check.js";
import { type CliContext, EXIT, fail, UsageError } from "../context.js";
import { resolveWorkspace, workspaceOption } from "../workspace-root.js";

export function registerConfig(program: Command, ctx: CliContext): void {
  const config = program.command("config").description("Work with stack config files (Pulumi.<stack>.yaml).");
  config
    .command("check")
    .description(
      "Validate stack configs: every key, value and schedule, the stack name against the file name, and (without files) every stack's StackReferences and each team's windows against its fleet's pools and quota.",
    )
    .argument("[files...]", "stack config files; default: every stack of the workspace")
    .addOption(workspaceOption("--root"))
    .option("--json", "print the result as JSON")
    .action((files: string[], opts: { root?: string; json?: boolean }) => {
      const root = resolveWorkspace(ctx.cwd, opts.root);
      const report = checkStackConfigs({ cwd: ctx.cwd, root, files });
      if (report.files.length === 0) {
        throw new UsageError(noStacksMessage(root));
      }
      if (!report.ok) fail(ctx, EXIT.invalidInput);
      if (opts.json) {
        ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      for (const f of report.files) {
        ctx.stdout.write(f.ok ? `ok     ${f.file}  (${f.id})\n` : `error  ${f.file}\n`);
        for (const p of f.problems) ctx.stdout.write(`         ${describeProblem(p, { withFile: false })}\n`);
      }
      for (const r of report.references) ctx.stdout.write(`error  ${printable(r.message)}\n`);
      for (const p of report.crossStack) ctx.stdout.write(`error  ${describeProblem(p)}\n`);
      const invalid = report.files.filter((f) => !f.ok).length;
      const summary = `${counted(report.files.length, "stack config")} checked: ${report.files.length - invalid} ok, ${invalid} invalid`;
      const refs =
        report.references.length > 0 ? `, ${counted(report.references.length, "invalid reference")}` : "";
      const across =
        report.crossStack.length > 0 ? `, ${counted(report.crossStack.length, "problem")} across stacks` : "";
      ctx.stdout.write(`\n${summary}${refs}${across}\n`);
    });
}
