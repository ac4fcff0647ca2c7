/**
 * The one place that knows how @pulumi/policy (1.21) and the Pulumi runtime hand resource
 * properties to a policy. All three facts are `@internal` there, with no public API: a policy gets
 * its properties through an unknown-checking proxy that throws on touching an unknown value (see
 * values.ts for why the pack reads past it), the unknowns are sentinel strings, and a secret the
 * server did not unwrap is an envelope keyed by the runtime's signature key.
 * test/policy-internals.canary.test.ts checks each one against the installed @pulumi/policy and
 * @pulumi/pulumi.
 */
import { UNKNOWN } from "@retrain/config/unknown";

/** Key @pulumi/policy's proxies answer with the object they wrap (`proxy.ts#getSpecialProxyTarget`). */
const PROXY_TARGET_KEY = "__getSpecialProxyTarget";

/** The object behind @pulumi/policy's proxy; undefined when `props` is not one of its proxies. */
export function proxyTarget(props: Record<string, unknown>): unknown {
  return props[PROXY_TARGET_KEY];
}

/** `rpc.ts#specialSigKey` of @pulumi/pulumi: the key of every signed value (secret, asset, ...). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** True for a signed envelope `{ [sigKey]: <sig>, value }` (a secret the server did not unwrap). */
export function isSignedEnvelope(value: Record<string, unknown>): boolean {
  return SIG_KEY in value;
}

/** @pulumi/policy's `unknown*Value` sentinels (the Go engine sends the string one for every kind). */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  UNKNOWN, // string (the engine's UnknownStringValue)
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);
