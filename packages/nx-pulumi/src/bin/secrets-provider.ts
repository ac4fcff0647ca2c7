/**
 * New stacks get the environment's cloud secrets provider (docs/security.md: a KMS key per
 * environment, no passphrase in CI). The Nx `init` target runs `pulumi stack select --create`, which
 * on a DIY backend would create a passphrase stack; with `RETRAIN_SECRETS_PROVIDER` set (deploy.yml
 * sets it from the GitHub environment), the wrapper adds `--secrets-provider` to stack creation.
 * Pulumi applies the flag only when the stack is created (pulumi/pulumi#5650).
 */

export const SECRETS_PROVIDER_ENV = "RETRAIN_SECRETS_PROVIDER";

/** Cloud key services only: the point is that no passphrase is needed. */
const CLOUD_PROVIDER = /^(awskms|azurekeyvault|gcpkms|hashivault):\/\/\S+$/;

/** `args` with `--secrets-provider` added to `stack select --create` / `stack init` when the env names one. */
export function withSecretsProvider(args: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const provider = env[SECRETS_PROVIDER_ENV];
  if (provider === undefined || provider === "") return [...args];
  if (!CLOUD_PROVIDER.test(provider)) {
    throw new Error(
      `${SECRETS_PROVIDER_ENV} must be a cloud secrets provider URL such as awskms://alias/retrain-<env>-state?region=<region>, got ${JSON.stringify(provider)}`,
    );
  }
  const words = args.filter((a) => !a.startsWith("-"));
  const creates =
    words[0] === "stack" && (words[1] === "init" || (words[1] === "select" && args.includes("--create")));
  if (!creates || args.some((a) => a === "--secrets-provider" || a.startsWith("--secrets-provider="))) {
    return [...args];
  }
  return [...args, "--secrets-provider", provider];
}
