/**
 * CI runs a pull request's previews with the policy pack of the base branch, built in a job that ran
 * no pull request code (pr.yml `base-pack`), instead of the pack and pack config in the pull
 * request's own tree. The Nx targets name the workspace's pack; `RETRAIN_POLICY_PACK` and
 * `RETRAIN_POLICY_PACK_CONFIG` replace both, so a pull request that weakens `policies/` is still
 * judged by the reviewed pack. Fails closed: a pack without its config is an error, never the base
 * pack with the pull request's config.
 */

export const POLICY_PACK_ENV = "RETRAIN_POLICY_PACK";
export const POLICY_PACK_CONFIG_ENV = "RETRAIN_POLICY_PACK_CONFIG";

const FLAGS = { pack: "--policy-pack", config: "--policy-pack-config" } as const;

/** Pulumi commands that run the pack (and so must run the override's pack). */
const RUNS_PACK = new Set(["preview", "up", "update"]);

/**
 * `args` with every `--policy-pack` / `--policy-pack-config` value (`--flag v` or `--flag=v`)
 * replaced by the environment's; unchanged when `RETRAIN_POLICY_PACK` is unset. A preview or up
 * without the flags gets them appended, so the override cannot be skipped by leaving them out.
 */
export function overridePolicyPack(args: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const pack = env[POLICY_PACK_ENV];
  const config = env[POLICY_PACK_CONFIG_ENV];
  if (pack === undefined || pack === "") {
    if (config) throw new Error(`${POLICY_PACK_CONFIG_ENV} is set without ${POLICY_PACK_ENV}`);
    return [...args];
  }
  if (config === undefined || config === "") {
    throw new Error(
      `${POLICY_PACK_ENV} is set without ${POLICY_PACK_CONFIG_ENV}: the pack must run with its own config, not the workspace's`,
    );
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === FLAGS.pack || arg === FLAGS.config) {
      out.push(arg, arg === FLAGS.pack ? pack : config);
      i++;
    } else if (arg.startsWith(`${FLAGS.pack}=`)) out.push(`${FLAGS.pack}=${pack}`);
    else if (arg.startsWith(`${FLAGS.config}=`)) out.push(`${FLAGS.config}=${config}`);
    else out.push(arg);
  }
  const has = (flag: string) => out.some((a) => a === flag || a.startsWith(`${flag}=`));
  // The Pulumi command: the first word that is neither a flag nor the wrapper's `--confirm-name` value.
  const command = out.find((a, i) => !a.startsWith("-") && out[i - 1] !== "--confirm-name");
  if (RUNS_PACK.has(command ?? "")) {
    if (!has(FLAGS.pack)) out.push(FLAGS.pack, pack);
    if (!has(FLAGS.config)) out.push(FLAGS.config, config);
  }
  return out;
}
