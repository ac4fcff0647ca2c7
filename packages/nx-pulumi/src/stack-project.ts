/**
 * One Nx project per Pulumi stack config folder, and the targets it runs. Pure functions of the
 * discovered stack, so createNodes stays a thin loop and the targets are unit-testable.
 */
import { posix } from "node:path";
import type { TargetConfiguration } from "@nx/devkit";
import { PLAN_TOOL_PACKAGES, projectNameOfId, stackProjectName, toPosix } from "@retrain/config/workspace";
import { planTargetInputs } from "./plan-target.js";

/** What the plugin needs from a discovered stack (a subset of `DiscoveredStack` in @retrain/config). */
export interface StackLike {
  /** `<kind>/<stack>`, the id the offline plan and `retrain plan --stack` use. */
  id: string;
  kind: string;
  /** Pulumi stack name: the environment for iam/fleet, the team for scheduling. */
  stack: string;
  /** Workspace-relative folder of the Pulumi program (holds Pulumi.yaml), e.g. `stacks/scheduling`. */
  programDir: string;
  /** The stack config file (absolute or workspace-relative). */
  configFile: string;
  /** Workspace-relative folder holding the config file: the Nx project root. */
  root: string;
  references: ReadonlyArray<{ name: string; targetId?: string | undefined }>;
}

/** Paths the target commands need, relative to the workspace root (or absolute when outside it). */
export interface ToolPaths {
  /** The compiled `retrain-pulumi` wrapper script. */
  wrapper: string;
  /** The CrossGuard policy pack folder. */
  policyPack: string;
  /** The pack config (`--policy-pack-config`) when the workspace has one; the offline plan reads the same file. */
  policyPackConfig?: string;
  /**
   * The code folders a stack's plan reads (plan-target.ts `planCodeDirs`), workspace-relative;
   * default: the program folder, the plan engine and the pack, without their imports.
   */
  planCodeDirs?: (programDir: string) => readonly string[];
}

/** Metadata the plugin attaches to each stack project; `createDependencies` and scripts read it. */
export interface StackMetadata {
  id: string;
  kind: string;
  stack: string;
  programDir: string;
  configFile: string;
  /** Nx project names of the upstream stacks this stack reads through StackReferences. */
  upstream: string[];
}

/** `p` relative to the program folder when it is inside the workspace, else absolute. */
function fromProgram(programDir: string, p: string): string {
  const normalized = toPosix(p);
  if (posix.isAbsolute(normalized)) return normalized;
  return posix.relative(toPosix(programDir), normalized);
}

/** The config file relative to the program folder, as `pulumi --config-file` reads it from there. */
export function configFileFromProgram(stack: StackLike): string {
  return posix.relative(
    toPosix(stack.programDir),
    posix.join(toPosix(stack.root), posix.basename(toPosix(stack.configFile))),
  );
}

/** Shell-quotes an argument only when needed (paths with spaces on some machines). */
function q(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function stackTargets(stack: StackLike, tools: ToolPaths): Record<string, TargetConfiguration> {
  const name = stackProjectName(stack);
  const wrapper = `node ${q(fromProgram(stack.programDir, tools.wrapper))}`;
  const stackArgs = `--stack ${q(stack.stack)} --config-file ${q(configFileFromProgram(stack))}`;
  const policyPack =
    `--policy-pack ${q(fromProgram(stack.programDir, tools.policyPack))}` +
    (tools.policyPackConfig === undefined
      ? ""
      : ` --policy-pack-config ${q(fromProgram(stack.programDir, tools.policyPackConfig))}`);
  const pulumi = (command: string, description: string, extra = ""): TargetConfiguration => ({
    executor: "nx:run-commands",
    // Never cached: the result depends on the cloud and the state backend, not only on files.
    cache: false,
    options: { command: `${wrapper} ${command} ${stackArgs}${extra}`, cwd: stack.programDir },
    metadata: { description, technologies: ["pulumi"] },
  });
  return {
    // Idempotent: creates the stack in the logged-in backend the first time, selects it afterwards.
    init: {
      ...pulumi("stack select --create", `Create ${stack.id} in the state backend if it does not exist yet`),
      options: { command: `${wrapper} stack select --create ${q(stack.stack)}`, cwd: stack.programDir },
    },
    preview: pulumi("preview", `Preview ${stack.id} with the retrain-guard policy pack`, ` ${policyPack}`),
    up: {
      ...pulumi("up --yes", `Deploy ${stack.id} (the pack runs in the update's preview)`, ` ${policyPack}`),
      // Upstream stacks deploy first; `--exclude-task-dependencies` deploys only the affected ones
      // (and skips `init` unless it is run too: `-t init,up`, as deploy.yml does).
      dependsOn: ["init", "^up"],
    },
    refresh: pulumi("refresh --yes", `Refresh ${stack.id}'s state from AWS`),
    destroy: {
      ...pulumi(
        "destroy --yes",
        `Destroy ${stack.id}: needs --confirm=${name} or RETRAIN_CONFIRM_DESTROY=${name}`,
      ),
      options: {
        command: `${wrapper} --confirm-name ${q(name)} destroy --yes ${stackArgs}`,
        cwd: stack.programDir,
      },
    },
    plan: {
      // One `retrain plan` process per task, or per batch with `nx run-many -t plan --batch`.
      executor: "@retrain/nx-pulumi:plan",
      cache: true,
      options: { stack: stack.id, output: `.plan/${name}.json` },
      // Every input of the stack's plan, from the one list the in-process cache hashes too.
      inputs: planTargetInputs(
        tools.planCodeDirs?.(stack.programDir) ?? [toPosix(stack.programDir), ...PLAN_TOOL_PACKAGES],
      ),
      outputs: [`{workspaceRoot}/.plan/${name}.json`],
      // The plan runs the compiled CLI and pack: build them (and their dependencies) first.
      dependsOn: [{ projects: ["@retrain/cli", "retrain-guard"], target: "build" }],
      metadata: {
        description: `Offline plan of ${stack.id} under Pulumi mocks with the policy pack`,
        technologies: ["pulumi"],
      },
    },
  };
}

export function stackMetadata(stack: StackLike): StackMetadata {
  return {
    id: stack.id,
    kind: stack.kind,
    stack: stack.stack,
    programDir: toPosix(stack.programDir),
    configFile: posix.join(toPosix(stack.root), posix.basename(toPosix(stack.configFile))),
    upstream: stack.references.flatMap((r) =>
      r.targetId === undefined ? [] : [projectNameOfId(r.targetId)],
    ),
  };
}
