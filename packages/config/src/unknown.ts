/**
 * The string the Pulumi engine sends for a value unknown during preview (the Go engine's
 * UnknownStringValue, @pulumi/pulumi's `runtime.unknownValue`): what the policy pack must not judge,
 * what the analyzer host and the provider constraints pass through. Defined here once, without
 * loading @pulumi/pulumi, so the pack's checks and the harness import it cheaply;
 * test/unknown.test.ts pins it to the installed SDK's value.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
