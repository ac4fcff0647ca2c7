/**
 * Workspace-level settings owned by platform: `retrain.json` at the workspace root. Today it holds
 * the Pulumi organisation every StackReference names (`<organization>/<project>/<stack>`), so no stack
 * file, least of all a team's, decides which stacks another stack reads. Pulumi-free: the plan, the
 * Nx plugin, the CLI and the stack programs (under Pulumi, from their working directory) read it.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ConfigError, problemsFromZod } from "./errors.js";

/** Workspace-relative path of the settings file. */
export const WORKSPACE_SETTINGS_FILE = "retrain.json";

/**
 * The organisation of Pulumi's DIY backends (local file, S3): every stack there lives in it
 * (https://www.pulumi.com/docs/iac/operations/stack-management/using-a-diy-backend/); a fully
 * qualified stack name is `orgName/projectName/stackName` (https://www.pulumi.com/docs/iac/concepts/stacks/).
 */
export const DEFAULT_ORGANIZATION = "organization";

export const workspaceSettingsSchema = z.strictObject({
  $schema: z.string().optional(),
  pulumi: z
    .strictObject({
      /**
       * Pulumi organisation of every stack of the workspace: `organization` on a DIY backend, the
       * Pulumi Cloud organisation otherwise.
       */
      organization: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must be a Pulumi organisation name such as acme")
        .default(DEFAULT_ORGANIZATION),
    })
    .default({ organization: DEFAULT_ORGANIZATION }),
});
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;

/** The nearest folder at or above `from` holding pnpm-workspace.yaml; `from` itself when none does. */
export function findWorkspaceRoot(from: string): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from);
    dir = parent;
  }
}

/** The nearest `retrain.json` at or above `dir`; undefined when there is none. */
export function findWorkspaceSettings(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    const candidate = path.join(current, WORKSPACE_SETTINGS_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

const cache = new Map<string, { text: string; settings: WorkspaceSettings }>();

/** Reads and validates a settings file; throws a {@link ConfigError} naming the file and each key. */
export function loadWorkspaceSettings(file: string): WorkspaceSettings {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (e) {
    throw new ConfigError(file, [{ key: "", message: `cannot read the file: ${(e as Error).message}` }]);
  }
  const hit = cache.get(absolute);
  if (hit && hit.text === text) return hit.settings;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [{ key: "", message: `invalid JSON: ${(e as Error).message}` }]);
  }
  const parsed = workspaceSettingsSchema.safeParse(value);
  if (!parsed.success) {
    throw new ConfigError(
      file,
      problemsFromZod("", parsed.error, value, workspaceSettingsSchema).map((p) => ({
        ...p,
        key: p.key.replace(/^:/, ""),
      })),
    );
  }
  cache.set(absolute, { text, settings: parsed.data });
  return parsed.data;
}

/**
 * The Pulumi organisation of the workspace at or above `dir` (default: the working directory, which
 * Pulumi sets to the program's folder): `pulumi.organization` of the nearest `retrain.json`, else
 * {@link DEFAULT_ORGANIZATION}. An invalid file throws rather than silently meaning the default.
 */
export function workspaceOrganization(dir: string = process.cwd()): string {
  const file = findWorkspaceSettings(dir);
  return file === undefined ? DEFAULT_ORGANIZATION : loadWorkspaceSettings(file).pulumi.organization;
}
