/**
 * The `plan` target's executor: `retrain plan --stack <id> --json`, the stack's entry of the report
 * written as the target's output (what Nx caches and restores). In Nx batch mode
 * (`nx run-many -t plan --batch`) the batch implementation plans every stack of the batch in ONE
 * `retrain plan` process (one pack, one program import), then writes each stack's output.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface PlanExecutorOptions {
  /** `<kind>/<stack>`. */
  stack: string;
  /** Workspace-relative output file. */
  output: string;
}

/** What this executor reads from Nx's context (a subset of `ExecutorContext`). */
export interface PlanExecutorContext {
  root: string;
}

export interface PlanTaskResult {
  success: boolean;
  terminalOutput: string;
}

interface ReportStack {
  id: string;
  configFile: string;
  status: string;
  violations: { enforcementLevel: string }[];
}
interface Report {
  horizon: { from: string; to: string; weeks: number };
  stacks: ReportStack[];
  errors: { file: string; message: string }[];
}

/** The CLI the target runs, workspace-relative (as `pnpm plan` runs it). */
export const PLAN_CLI = "packages/cli/dist/bin.js";

/** Plans `tasks` in one process; each task's output file and result. */
export function planTasks(
  root: string,
  tasks: Record<string, PlanExecutorOptions>,
): Record<string, PlanTaskResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "nx-plan-"));
  try {
    const json = path.join(dir, "plan.json");
    const stacks = Object.values(tasks).flatMap((t) => ["--stack", t.stack]);
    const run = spawnSync(
      process.execPath,
      [
        path.join(root, PLAN_CLI),
        "plan",
        "--workspace",
        root,
        "--quiet",
        "--no-color",
        "--json",
        json,
        ...stacks,
      ],
      { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
    );
    const terminalOutput = `${run.stdout ?? ""}${run.stderr ?? ""}`;
    let report: Report | undefined;
    try {
      report = JSON.parse(readFileSync(json, "utf8")) as Report;
    } catch {
      report = undefined; // the plan did not finish: every task fails with its output
    }
    const results: Record<string, PlanTaskResult> = {};
    for (const [id, t] of Object.entries(tasks)) {
      const stack = report?.stacks.find((s) => s.id === t.stack);
      if (!report || !stack) {
        results[id] = { success: false, terminalOutput: `${terminalOutput}\nno result for ${t.stack}\n` };
        continue;
      }
      const errors = report.errors.filter((e) => e.file === stack.configFile);
      const target = path.resolve(root, t.output);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, `${JSON.stringify({ horizon: report.horizon, stack, errors }, null, 2)}\n`);
      const success =
        stack.status === "planned" &&
        errors.length === 0 &&
        !stack.violations.some((v) => v.enforcementLevel === "mandatory");
      results[id] = { success, terminalOutput };
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function planExecutor(
  options: PlanExecutorOptions,
  context: PlanExecutorContext,
): Promise<{ success: boolean }> {
  const result = planTasks(context.root, { task: options }).task!;
  process.stdout.write(result.terminalOutput);
  return { success: result.success };
}

/** Nx's batch implementation (`TaskGraphExecutor`): one process for every task of the batch. */
export async function batch(
  _taskGraph: unknown,
  inputs: Record<string, PlanExecutorOptions>,
  _overrides: unknown,
  context: PlanExecutorContext,
): Promise<Record<string, PlanTaskResult>> {
  return planTasks(context.root, inputs);
}
