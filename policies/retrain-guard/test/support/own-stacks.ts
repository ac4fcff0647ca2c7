/**
 * The project's own stacks, run under the mocks harness with their real config files, in upstream
 * order (iam, then fleet, which reads iam, then the teams, which read both): each stack's outputs are
 * fed to the StackReferences of the stacks after it. One walk shared by the tests that hold the pack
 * to the project's own stacks (through the pack process, or a policy in process from source).
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { defaultStackRef, type LoadedStackConfig, loadStackConfig, type StackKind } from "@retrain/config";
import { type RecordedResource, runStackProgram } from "@retrain/offline";

export const REPO_ROOT = fileURLToPath(new URL("../../../..", import.meta.url));

const KINDS: { kind: StackKind; configs: string }[] = [
  { kind: "iam", configs: "envs" },
  { kind: "fleet", configs: "envs" },
  { kind: "scheduling", configs: "teams" },
];

function configFiles(kind: StackKind, dir: string): string[] {
  const base = path.join(REPO_ROOT, "stacks", kind, dir);
  if (!existsSync(base)) return [];
  return readdirSync(base).flatMap((sub) =>
    readdirSync(path.join(base, sub))
      .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
      .map((f) => path.join(base, sub, f)),
  );
}

export interface OwnStackRun {
  kind: StackKind;
  /** The stack's config file (absolute). */
  file: string;
  loaded: LoadedStackConfig;
  errors: readonly unknown[];
  /** Every registered resource but the stack and the providers, as the engine sends them. */
  resources: RecordedResource[];
}

/** Each stack of the repository with its run; kinds whose program does not exist yet are skipped. */
export async function* ownStackRuns(): AsyncGenerator<OwnStackRun> {
  const outputs = new Map<string, Record<string, unknown>>();
  for (const { kind, configs } of KINDS) {
    const entry = path.join(REPO_ROOT, "stacks", kind, "src", "index.ts");
    if (!existsSync(entry)) {
      console.log(`skipping stacks/${kind}: no src/index.ts yet`);
      continue;
    }
    const program = (
      (await import(pathToFileURL(entry).href)) as { default: () => Promise<Record<string, unknown>> }
    ).default;
    for (const file of configFiles(kind, configs)) {
      const loaded = loadStackConfig(file);
      const env = loaded.kind === "scheduling" ? loaded.config.environment : loaded.stack;
      const upstream: Record<string, Record<string, unknown>> = {};
      for (const up of ["iam", "fleet"] as const) {
        const ref = defaultStackRef(up, env);
        const o = outputs.get(ref);
        if (o) upstream[ref] = o;
      }
      const result = await runStackProgram({
        project: loaded.project,
        stack: loaded.stack,
        program,
        config: loaded.raw,
        upstream,
      });
      outputs.set(defaultStackRef(kind, loaded.stack), result.outputs);
      yield {
        kind,
        file,
        loaded,
        errors: result.errors,
        resources: result.resources.filter(
          (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
        ),
      };
    }
  }
}
