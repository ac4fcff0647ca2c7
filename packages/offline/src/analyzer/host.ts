/**
 * A policy pack driven over the Analyzer gRPC protocol in the order the Pulumi CLI uses:
 * Handshake (optional), GetPluginInfo, GetAnalyzerInfo, ConfigureStack, Configure, then Analyze per
 * resource and AnalyzeStack once per stack.
 */
import * as grpc from "@grpc/grpc-js";
import type { AnalyzerPb } from "../pulumi-internals.js";
import { reconcileConfig } from "./config.js";
import { PolicyConfigError, PolicyPackError } from "./errors.js";
import { startPackProcess } from "./process.js";
import {
  analyzeResponseDiagnostics,
  analyzerGrpc,
  analyzerPb,
  levelFromProto,
  levelToProto,
  newEmpty,
  toStruct,
} from "./proto.js";
import { analyzeStackRequest } from "./stack-request.js";
import { structField } from "./struct-wire.js";
import type {
  AnalyzerInfo,
  AnalyzerResource,
  PolicyDiagnostic,
  PolicyInfo,
  PolicyPackConfig,
  PolicyPackHost,
  ResolvedPolicyConfig,
  StartPolicyPackOptions,
} from "./types.js";

type Callback<T> = (err: grpc.ServiceError | null, value?: T) => void;
type Unary<Req, Res> = (
  req: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  cb: Callback<Res>,
) => grpc.ClientUnaryCall;

/** Analyze's and AnalyzeStack's replies decoded to the diagnostics the host reads (proto.ts). */
const service = {
  ...analyzerGrpc.AnalyzerService,
  analyze: { ...analyzerGrpc.AnalyzerService.analyze, responseDeserialize: analyzeResponseDiagnostics },
  analyzeStack: {
    ...analyzerGrpc.AnalyzerService.analyzeStack,
    responseDeserialize: analyzeResponseDiagnostics,
  },
};

/** The client class over our @grpc/grpc-js (the stubs' own client would use another copy's credentials). */
const AnalyzerClient = grpc.makeGenericClientConstructor(service, "Analyzer");

export async function startPolicyPack(options: StartPolicyPackOptions): Promise<PolicyPackHost> {
  const proc = await startPackProcess(options.packDir, options.startTimeoutMs ?? 30_000, options.env);
  const client = new AnalyzerClient(`127.0.0.1:${proc.port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  }) as unknown as grpc.Client & Record<string, Unary<unknown, unknown>>;
  const callTimeoutMs = options.callTimeoutMs ?? 120_000;
  let deathReason: string | undefined;
  const pending = new Set<(e: Error) => void>();
  void proc.exited.then((how) => {
    deathReason = `policy pack ${options.packDir} ${how}${proc.stderr() ? `; stderr:\n${proc.stderr()}` : ""}`;
    for (const reject of pending) reject(new PolicyPackError(deathReason));
    pending.clear();
    client.close();
  });

  function call<Req, Res>(method: string, req: Req): Promise<Res> {
    if (deathReason) return Promise.reject(new PolicyPackError(deathReason));
    return new Promise<Res>((ok, fail) => {
      const reject = (e: Error) => fail(e);
      pending.add(reject);
      const fn = client[method] as unknown as Unary<Req, Res>;
      fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + callTimeoutMs }, (err, res) => {
        pending.delete(reject);
        if (!err) return ok(res as Res);
        if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.CANCELLED) {
          // The connection broke: if the process is exiting, say so rather than "UNAVAILABLE".
          void Promise.race([proc.exited, new Promise((r) => setTimeout(r, 500))]).then(() =>
            fail(
              new PolicyPackError(deathReason ?? `${method} failed: ${err.details || err.message}`, {
                cause: err,
              }),
            ),
          );
          return;
        }
        fail(new PolicyPackError(`${method} failed: ${err.details || err.message}`, { cause: err }));
      });
    });
  }

  const host = new Host(call, proc.port, proc.child.pid ?? 0, proc.stderr, async () => {
    client.close();
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGTERM");
    await proc.exited;
  });
  try {
    await host.handshake(options.packDir);
    await call("getPluginInfo", newEmpty());
    await host.info();
    await host.configureStack(options.stack);
    await host.configure(options.config ?? {});
  } catch (e) {
    await host.close();
    throw e;
  }
  return host;
}

type Call = <Req, Res>(method: string, req: Req) => Promise<Res>;

/** `google.protobuf.Struct properties = 2` of AnalyzeRequest (analyzer.proto). */
const PROPERTIES_FIELD = 2;

class Host implements PolicyPackHost {
  private cachedInfo: Promise<AnalyzerInfo> | undefined;

  constructor(
    private readonly call: Call,
    readonly port: number,
    readonly pid: number,
    readonly stderr: () => string,
    private readonly shutdown: () => Promise<void>,
  ) {}

  async handshake(packDir: string): Promise<void> {
    const req = new analyzerPb.AnalyzerHandshakeRequest();
    req.setEngineAddress("127.0.0.1:0");
    req.setRootDirectory(packDir);
    req.setProgramDirectory(packDir);
    try {
      await this.call("handshake", req);
    } catch (e) {
      // @pulumi/policy does not implement Handshake; the CLI falls back the same way.
      const cause = (e as { cause?: grpc.ServiceError }).cause;
      if (cause?.code !== grpc.status.UNIMPLEMENTED) throw e;
    }
  }

  async configureStack(stack: StartPolicyPackOptions["stack"]): Promise<void> {
    const req = new analyzerPb.AnalyzerStackConfigureRequest();
    req.setStack(stack?.stack ?? "plan");
    req.setProject(stack?.project ?? "retrain");
    req.setOrganization(stack?.organization ?? "organization");
    req.setDryRun(stack?.dryRun ?? true);
    for (const [k, v] of Object.entries(stack?.config ?? {})) req.getConfigMap().set(k, v);
    for (const [k, v] of Object.entries(stack?.tags ?? {})) req.getTagsMap().set(k, v);
    await this.call("configureStack", req);
  }

  info(): Promise<AnalyzerInfo> {
    this.cachedInfo ??= this.call<unknown, AnalyzerPb.AnalyzerInfo>("getAnalyzerInfo", newEmpty()).then(
      infoFromProto,
    );
    return this.cachedInfo;
  }

  async configure(
    config: PolicyPackConfig,
    options: { asPulumiCli?: boolean } = {},
  ): Promise<ResolvedPolicyConfig> {
    const resolved = reconcileConfig(await this.info(), config, options);
    const req = new analyzerPb.ConfigureAnalyzerRequest();
    for (const [name, c] of Object.entries(resolved)) {
      const pc = new analyzerPb.PolicyConfig();
      pc.setEnforcementlevel(levelToProto(c.enforcementLevel));
      pc.setProperties(toStruct(c.properties));
      req.getPolicyconfigMap().set(name, pc);
    }
    await this.call("configure", req);
    return resolved;
  }

  async analyze(resource: AnalyzerResource): Promise<PolicyDiagnostic[]> {
    const req = new analyzerPb.AnalyzeRequest();
    req.setUrn(resource.urn);
    req.setType(resource.type);
    req.setName(resource.name);
    req.setOptions(optionsOf(resource));
    if (resource.provider) req.setProvider(providerOf(resource.provider));
    // The properties encoded straight from the value, after the other fields (struct-wire.ts).
    const wire = Buffer.concat([req.serializeBinary(), structField(PROPERTIES_FIELD, resource.properties)]);
    req.serializeBinary = () => wire;
    const res = await this.call<AnalyzerPb.AnalyzeRequest, AnalyzerPb.AnalyzeResponse>("analyze", req);
    return diagnosticsOf(res, resource.urn);
  }

  async analyzeStack(resources: readonly AnalyzerResource[]): Promise<PolicyDiagnostic[]> {
    const req = analyzeStackRequest(
      resources.map((r) => {
        const m = new analyzerPb.AnalyzerResource();
        m.setUrn(r.urn);
        m.setType(r.type);
        m.setName(r.name);
        m.setOptions(optionsOf(r));
        if (r.provider) m.setProvider(providerOf(r.provider));
        if (r.parent) m.setParent(r.parent);
        m.setDependenciesList(r.dependencies ?? []);
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
          if (urns.length === 0) continue; // the CLI skips properties without dependencies
          const deps = new analyzerPb.AnalyzerPropertyDependencies();
          deps.setUrnsList(urns);
          m.getPropertydependenciesMap().set(k, deps);
        }
        return { message: m, type: r.type, name: r.name, properties: r.properties };
      }),
    );
    const res = await this.call<AnalyzerPb.AnalyzeStackRequest, AnalyzerPb.AnalyzeResponse>(
      "analyzeStack",
      req,
    );
    return diagnosticsOf(res, "");
  }

  close(): Promise<void> {
    return this.shutdown();
  }
}

function optionsOf(r: AnalyzerResource): AnalyzerPb.AnalyzerResourceOptions {
  const o = new analyzerPb.AnalyzerResourceOptions();
  o.setProtect(r.protect ?? false);
  if (r.parent) o.setParent(r.parent);
  return o;
}

function providerOf(p: NonNullable<AnalyzerResource["provider"]>): AnalyzerPb.AnalyzerProviderResource {
  const m = new analyzerPb.AnalyzerProviderResource();
  m.setType(p.type);
  m.setUrn(p.urn);
  m.setName(p.name);
  m.setProperties(toStruct(p.properties));
  return m;
}

function diagnosticsOf(res: AnalyzerPb.AnalyzeResponse, defaultUrn: string): PolicyDiagnostic[] {
  return res.getDiagnosticsList().map((d) => {
    const description = d.getDescription();
    const raw = d.getMessage();
    // @pulumi/policy sends "<description>\n<message>" for string violations.
    const message =
      description && raw.startsWith(`${description}\n`) ? raw.slice(description.length + 1) : raw;
    return {
      policyName: d.getPolicyname(),
      policyPackName: d.getPolicypackname(),
      policyPackVersion: d.getPolicypackversion(),
      enforcementLevel: levelFromProto(d.getEnforcementlevel()),
      message,
      description,
      urn: d.getUrn() || defaultUrn,
    };
  });
}

function infoFromProto(ai: AnalyzerPb.AnalyzerInfo): AnalyzerInfo {
  const initialConfig: PolicyPackConfig = {};
  ai.getInitialconfigMap().forEach((c, name) => {
    initialConfig[name] = {
      enforcementLevel: levelFromProto(c.getEnforcementlevel()),
      ...(c.getProperties()?.toJavaScript() ?? {}),
    };
  });
  const types: Record<number, PolicyInfo["policyType"]> = {
    [analyzerPb.PolicyType.POLICY_TYPE_RESOURCE]: "resource",
    [analyzerPb.PolicyType.POLICY_TYPE_STACK]: "stack",
  };
  return {
    name: ai.getName(),
    version: ai.getVersion(),
    displayName: ai.getDisplayname(),
    description: ai.getDescription(),
    supportsConfig: ai.getSupportsconfig(),
    initialConfig,
    policies: ai.getPoliciesList().map((p) => {
      const info: PolicyInfo = {
        name: p.getName(),
        displayName: p.getDisplayname(),
        description: p.getDescription(),
        enforcementLevel: levelFromProto(p.getEnforcementlevel()),
        remediationSteps: p.getRemediationSteps(),
        policyType: types[p.getPolicyType()] ?? "unknown",
      };
      const schema = p.getConfigschema();
      if (schema)
        info.configSchema = {
          properties: schema.getProperties()?.toJavaScript() ?? {},
          required: schema.getRequiredList(),
        };
      return info;
    }),
  };
}

export { PolicyConfigError, PolicyPackError };
