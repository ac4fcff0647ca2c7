/** New stacks created by CI's `init` get the environment's KMS secrets provider, never a passphrase. */
import { describe, expect, it } from "vitest";
import { withSecretsProvider } from "../src/bin/secrets-provider.js";

const KMS = "awskms://alias/retrain-prod-state?region=eu-west-1";
const env = { RETRAIN_SECRETS_PROVIDER: KMS };

describe("withSecretsProvider", () => {
  it.each([
    [
      "the init target's stack select --create",
      ["stack", "select", "--create", "vision"],
      ["stack", "select", "--create", "vision", "--secrets-provider", KMS],
    ],
    ["stack init", ["stack", "init", "dev"], ["stack", "init", "dev", "--secrets-provider", KMS]],
    ["a plain stack select (creates nothing)", ["stack", "select", "vision"], ["stack", "select", "vision"]],
    ["a preview", ["preview", "--stack", "vision"], ["preview", "--stack", "vision"]],
    [
      "a creation that names its provider already",
      ["stack", "init", "dev", "--secrets-provider=awskms://alias/x"],
      ["stack", "init", "dev", "--secrets-provider=awskms://alias/x"],
    ],
  ])("%s", (_label, args, expected) => {
    expect(withSecretsProvider(args, env)).toEqual(expected);
  });

  it("changes nothing without the variable", () => {
    expect(withSecretsProvider(["stack", "select", "--create", "dev"], {})).toEqual([
      "stack",
      "select",
      "--create",
      "dev",
    ]);
  });

  it.each(["passphrase", "default", "alias/retrain-prod-state", "awskms://"])(
    "refuses %j: not a cloud key",
    (value) => {
      expect(() =>
        withSecretsProvider(["stack", "init", "dev"], { RETRAIN_SECRETS_PROVIDER: value }),
      ).toThrow(/must be a cloud secrets provider URL/);
    },
  );
});
