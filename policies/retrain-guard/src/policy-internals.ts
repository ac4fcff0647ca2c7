/**
 * The one place that knows @pulumi/policy's (1.21) and the Pulumi runtime's internals. All of it is
 * `@internal` there, with no public API:
 * - how resource properties reach a policy: through an unknown-checking proxy that throws on
 *   touching an unknown value (see values.ts for why the pack reads past it), the unknowns are
 *   sentinel strings, and a secret the server did not unwrap is an envelope keyed by the runtime's
 *   signature key;
 * - how the server analyses a resource (`server.ts#makeAnalyzeRpcFun`), so the pack can hand each
 *   resource type the server's own handler built for the policies that read that type
 *   (`withAnalyzeDispatch`), and the `__pulumiType` mark its fast path skips a policy by;
 * - the gRPC service definition's AnalyzeStack `requestDeserialize`, and that the server reads a
 *   resource's properties only through `toJavaScript()` (stack-request-decoder.ts); its Analyze
 *   `responseSerialize`, which writes the not-applicable list last (`withRememberedNotApplicable`);
 * - that the AnalyzeStack handler deserialises each resource's properties once per stack policy
 *   through `deserialize.ts#deserializeProperties`, called on the module object (`withSharedDeserialization`).
 * test/policy-internals.canary.test.ts checks each one against the installed @pulumi/policy and
 * @pulumi/pulumi.
 */
import { createRequire } from "node:module";
import type { PolicyPackArgs, ResourceValidation } from "@pulumi/policy";
import { deepFreeze } from "@retrain/config/frozen";
import { UNKNOWN } from "@retrain/config/unknown";
import {
  memoizingStackRequestDecoder,
  type StackRequestCodec,
  type StructLike,
} from "./stack-request-decoder.js";

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

/**
 * The policy list handed to the server's analyze handler. Same elements as PolicyPackArgs.policies;
 * kept opaque here, the kit builds the lists.
 */
export type ServedPolicies = NonNullable<PolicyPackArgs["policies"]>;

/** A gRPC unary handler as @pulumi/policy's server registers it for Analyze. */
type AnalyzeHandler = (call: { request: { getType(): string } }, callback: unknown) => unknown;

interface PolicyServerModule {
  serve(name: string, version: string, level: string, args: PolicyPackArgs, initialConfig?: unknown): void;
  makeAnalyzeRpcFun?(name: string, version: string, level: string, policies: ServedPolicies): AnalyzeHandler;
}

/** A method of a gRPC service definition (analyzer_grpc_pb), as grpc-js registers it. */
interface MethodDefinition {
  path?: string;
  requestDeserialize?: (bytes: Buffer) => unknown;
  responseSerialize?: (value: unknown) => Buffer;
}

interface GrpcServerClass {
  prototype: { addService(service: Record<string, MethodDefinition>, impl: Record<string, unknown>): void };
}

/** The messages the AnalyzeStack decoder builds: the generated classes @pulumi/policy's server reads. */
export interface StackRequestMessage {
  getResourcesList(): { getProperties(): StructLike | undefined }[];
}

/**
 * How the AnalyzeStack decoder reaches the library's messages: `decodeRequest` is the method's own
 * decoder, Structs are @pulumi/pulumi's google-protobuf ones (the server's), and a cut-out property
 * set is handed back through `getProperties()`, the only way the server reads it (the generated
 * setter would turn the Struct's map back into its array form, jspb toArray: a walk of every team).
 */
export function analyzeStackCodec(
  decodeRequest: (bytes: Uint8Array) => StackRequestMessage,
): StackRequestCodec<StackRequestMessage> {
  const pulumiRequire = createRequire(
    createRequire(requireHere.resolve(SERVER_MODULE)).resolve("@pulumi/pulumi"),
  );
  const { Struct } = pulumiRequire("google-protobuf/google/protobuf/struct_pb") as {
    Struct: { deserializeBinary(bytes: Uint8Array): StructLike };
  };
  return {
    decodeRequest,
    decodeStruct: (bytes) => {
      const struct = Struct.deserializeBinary(bytes);
      sharedSets.set(struct, undefined);
      return struct;
    },
    setProperties: (request, index, properties) => {
      const resource = request.getResourcesList()[index];
      if (resource) resource.getProperties = () => properties;
    },
  };
}

/**
 * Property sets the AnalyzeStack decoder hands to more than one request (identical bytes), each
 * with what the server deserialised from it once it has: frozen, as every reader of the set gets it.
 */
const sharedSets = new WeakMap<StructLike, Record<string, unknown> | undefined>();

interface DeserializeModule {
  deserializeProperties(struct: StructLike, proxySecrets: boolean): Record<string, unknown>;
}
const DESERIALIZE_MODULE = "@pulumi/policy/deserialize.js";
/** Set on the module once wrapped (a second pack in one process must not wrap the wrapper). */
const SHARED_MARK = Symbol.for("retrain-guard.sharedDeserialization");

/**
 * The server's AnalyzeStack handler deserialises every resource's properties afresh for each stack
 * policy (six here): for the StackReference every team stack carries (every team's role) that was
 * six copies of every team per team stack. A set the decoder shares between requests is
 * deserialised once; the frozen result serves every stack policy of every stack that sent the same
 * bytes, so no policy can change what another reads (a write throws: the policy fails, closed).
 * Frozen values pass the server's unknown-checking proxy unwrapped below the top level; the pack
 * reads past that proxy anyway (values.ts#rawProps). A secrets-preserving read (Analyze's
 * `proxySecrets`) and every other set go to the library as before. Installed once; false when the
 * installed @pulumi/policy has no such export to wrap (the canary test fails then).
 */
export function withSharedDeserialization(): boolean {
  const mod = requireHere(DESERIALIZE_MODULE) as Partial<DeserializeModule> & { [SHARED_MARK]?: true };
  const original = mod.deserializeProperties;
  if (typeof original !== "function") return false;
  if (mod[SHARED_MARK]) return true;
  mod.deserializeProperties = (struct, proxySecrets) => {
    if (proxySecrets || !sharedSets.has(struct)) return original(struct, proxySecrets);
    let props = sharedSets.get(struct);
    if (!props) {
      props = deepFreeze(original(struct, false));
      sharedSets.set(struct, props);
    }
    return props;
  };
  mod[SHARED_MARK] = true;
  return true;
}

/**
 * The service definition with AnalyzeStack's request decoder replaced by one that decodes repeated
 * large property sets once (stack-request-decoder.ts); unchanged when the definition lacks it.
 */
function withMemoizingStackDecoder(
  service: Record<string, MethodDefinition>,
): Record<string, MethodDefinition> {
  const method = service.analyzeStack;
  const decodeRequest = method?.requestDeserialize;
  if (!method || typeof decodeRequest !== "function") return service;
  withSharedDeserialization();
  const decode = memoizingStackRequestDecoder(
    analyzeStackCodec(
      (bytes) =>
        decodeRequest(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as StackRequestMessage,
    ),
  );
  return { ...service, analyzeStack: { ...method, requestDeserialize: decode } };
}

/** The parts of an AnalyzeResponse (analyzer_pb) its encoder below touches. */
interface NotApplicableEntry {
  getPolicyName(): string;
  getReason(): string;
}
interface AnalyzeResponseMessage {
  getNotApplicableList(): NotApplicableEntry[];
  setNotApplicableList(list: NotApplicableEntry[]): void;
  serializeBinary(): Uint8Array;
}

/** Encoded not-applicable lists kept at most (one per distinct list: about one per resource type). */
const MAX_NOT_APPLICABLE_LISTS = 256;

/**
 * Analyze's reply encoder, with the reply's not-applicable list (`repeated PolicyNotApplicable
 * not_applicable = 3`) encoded once per distinct list: it names every policy that does not read the
 * resource's type (seven of eight for most resources, each with its reason), the same list for
 * every resource of a type, and google-protobuf's encoding of it was most of what the pack's reply
 * cost. The bytes are the library's: the reply without the list, then the list (fields are written
 * in field order, and the list is the last field), so the engine receives what it did before
 * (test/pack-dispatch.test.ts compares the two packs' replies). Unchanged when the definition lacks
 * an encoder. Exported for its canary test.
 */
export function withRememberedNotApplicable(
  service: Record<string, MethodDefinition>,
): Record<string, MethodDefinition> {
  const method = service.analyze;
  const encode = method?.responseSerialize;
  if (!method || typeof encode !== "function") return service;
  // Each list's entries and bytes; found by comparing entries (no key string to build and hash).
  const lists: { names: string[]; reasons: string[]; bytes: Uint8Array }[] = [];
  const find = (names: readonly string[], reasons: readonly string[]) =>
    lists.find(
      (l) =>
        l.names.length === names.length &&
        l.names.every((n, i) => n === names[i]) &&
        l.reasons.every((r, i) => r === reasons[i]),
    );
  const responseSerialize = (value: unknown): Buffer => {
    const response = value as AnalyzeResponseMessage;
    const entries = response.getNotApplicableList();
    if (entries.length === 0) return encode(value);
    const names = entries.map((e) => e.getPolicyName());
    const reasons = entries.map((e) => e.getReason());
    let list = find(names, reasons);
    if (!list) {
      const only = new (response.constructor as new () => AnalyzeResponseMessage)();
      only.setNotApplicableList(entries);
      if (lists.length >= MAX_NOT_APPLICABLE_LISTS) lists.length = 0;
      list = { names, reasons, bytes: only.serializeBinary() };
      lists.push(list);
    }
    // The reply is encoded and dropped: taking the list out of it changes nothing anyone reads.
    response.setNotApplicableList([]);
    return Buffer.concat([encode(value), list.bytes]);
  };
  return { ...service, analyze: { ...method, responseSerialize } };
}

const requireHere = createRequire(import.meta.url);
const SERVER_MODULE = "@pulumi/policy/server.js";
/** The gRPC method the engine calls once per resource. */
const ANALYZE_PATH = "/pulumirpc.Analyzer/Analyze";
const CONFIGURE_PATH = "/pulumirpc.Analyzer/Configure";
/** grpc-js's status for a request the server refuses as malformed. */
const INVALID_ARGUMENT = 3;

/** Each policy's settings as Configure carries them (ConfigureAnalyzerRequest.policyConfig). */
export type ConfiguredPolicies = Record<string, Record<string, unknown>>;

interface ConfigureRequest {
  getPolicyconfigMap(): { entries(): Iterable<[string, { getProperties(): StructLike | undefined }]> };
}

/**
 * Configure's handler refusing, before the library stores it, a config `problemOf` finds wrong: the
 * Pulumi CLI validates each policy's settings against the schema's properties and required list
 * only (the Analyzer protocol does not carry `additionalProperties`), so a misspelt setting would
 * otherwise fail on the first resource analysed, from inside a policy.
 */
function refusingConfigure(
  configure: (call: { request: ConfigureRequest }, callback: GrpcCallback) => unknown,
  problemOf: (config: ConfiguredPolicies) => string | undefined,
) {
  return (call: { request: ConfigureRequest }, callback: GrpcCallback) => {
    let problem: string | undefined;
    try {
      const config: ConfiguredPolicies = {};
      for (const [name, pc] of call.request.getPolicyconfigMap().entries())
        config[name] = (pc.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>;
      problem = problemOf(config);
    } catch (e) {
      problem = `cannot read the policy pack config: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (problem !== undefined) {
      callback({ code: INVALID_ARGUMENT, details: problem, message: problem }, undefined);
      return;
    }
    return configure(call, callback);
  };
}

type GrpcCallback = (
  error: { code: number; details: string; message: string } | undefined,
  value: unknown,
) => void;

/**
 * Mark a resource validation as applying to `label` only: @pulumi/policy's analyze loop compares the
 * mark with the resource's type before it deserialises anything and reports the policy as not
 * applicable ("Policy only applies to resources of type '<label>'") when they differ
 * (`policy.ts#getPulumiType`, set by `validateResourceOfType`).
 */
export function markResourceType<F extends ResourceValidation>(validation: F, label: string): F {
  (validation as F & { __pulumiType?: string }).__pulumiType = label;
  return validation;
}

/**
 * Construct the PolicyPack (`construct` calls `new PolicyPack(...)`, which starts the server) with
 * its Analyze handler replaced by a per-type dispatch: for a resource of type T, the server's own
 * handler (`makeAnalyzeRpcFun`, the same code, enforcement levels, config and diagnostics) over
 * `policiesFor(T)`, and AnalyzeStack's request decoder by one that decodes a repeated large property
 * set once (`withMemoizingStackDecoder`). Everything else the server registers (GetAnalyzerInfo,
 * Configure, AnalyzeStack's handler, Remediate) is untouched. `policiesFor` is called once per type
 * the pack declares (and once for `undefined`: every other type) up front, so no per-request state
 * grows with what the engine sends.
 *
 * Returns false, having constructed the pack without the dispatch, when the installed
 * @pulumi/policy no longer has the pieces (the canary test fails then; the pack stays correct,
 * only slower, because each policy still checks the type itself).
 */
export function withAnalyzeDispatch(
  construct: () => void,
  declaredTypes: readonly string[],
  policiesFor: (type: string | undefined) => ServedPolicies,
  configProblem?: (config: ConfiguredPolicies) => string | undefined,
): boolean {
  const server = requireHere(SERVER_MODULE) as PolicyServerModule;
  const grpc = createRequire(requireHere.resolve(SERVER_MODULE))("@grpc/grpc-js") as {
    Server?: GrpcServerClass;
  };
  const makeAnalyze = server.makeAnalyzeRpcFun;
  const proto = grpc.Server?.prototype;
  if (typeof makeAnalyze !== "function" || typeof server.serve !== "function" || !proto) {
    construct();
    return false;
  }
  let installed = false;
  const originalServe = server.serve;
  server.serve = (name, version, level, args, initialConfig) => {
    const originalAdd = proto.addService;
    proto.addService = function (this: unknown, service, impl) {
      if (service.analyze?.path === ANALYZE_PATH && typeof impl.analyze === "function") {
        service = withRememberedNotApplicable(withMemoizingStackDecoder(service));
        const byType = new Map<string, AnalyzeHandler>();
        for (const type of declaredTypes)
          byType.set(type, makeAnalyze(name, version, level, policiesFor(type)));
        const others = makeAnalyze(name, version, level, policiesFor(undefined));
        const analyze: AnalyzeHandler = (call, callback) =>
          (byType.get(call.request.getType()) ?? others)(call, callback);
        impl = { ...impl, analyze };
        installed = true;
      }
      if (configProblem && service.configure?.path === CONFIGURE_PATH && typeof impl.configure === "function")
        impl = {
          ...impl,
          configure: refusingConfigure(
            impl.configure as Parameters<typeof refusingConfigure>[0],
            configProblem,
          ),
        };
      return originalAdd.call(this, service, impl);
    };
    try {
      originalServe(name, version, level, args, initialConfig);
    } finally {
      proto.addService = originalAdd;
    }
  };
  try {
    construct();
  } finally {
    server.serve = originalServe;
  }
  return installed;
}
