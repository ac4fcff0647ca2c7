/**
 * A resource monitor standing in for the Pulumi engine, like the SDK's `MockMonitor` but recording
 * every registration with what the engine would know (URN, parent, options, dependencies), so the
 * plan can replay resources to the policy pack exactly as `pulumi preview` sends them.
 */
import * as pulumi from "@pulumi/pulumi";
import type { MockCloud } from "./mock-cloud.js";
import { plainWireValue } from "./plain-wire.js";
import {
  decodedStruct,
  InvokeResponse,
  ReadResourceResponse,
  RegisterPackageResponse,
  RegisterResourceResponse,
  Struct,
} from "./pulumi-internals.js";
import { RepeatedValueMemo, STACK_REFERENCE_TYPE } from "./repeated-value.js";

/**
 * A StackReference's answer as the SDK reads it, built once per upstream value: every team stack
 * reads the iam stack's outputs, whose `teamRoleArns` holds every team, and encoding, decoding and
 * serialising them per read made each team stack's cost grow with the number of teams.
 */
const stackReferenceAnswers = new RepeatedValueMemo<Record<string, unknown> | undefined>();

/** One resource the program registered, in registration order. */
export interface RecordedResource {
  urn: string;
  /** Type token, e.g. `aws:iam/role:Role`, `retrain:iam:MaintenanceWindowServiceRole`. */
  type: string;
  /** Logical (Pulumi) name. */
  name: string;
  /** URN of the parent; undefined only for the root `pulumi:pulumi:Stack`. */
  parent?: string;
  /** false for component resources (and the stack), true for provider resources. */
  custom: boolean;
  /** Physical id the mocks assigned (custom resources), or the read id (StackReference). */
  id?: string;
  /** Provider reference (`urn::id`) when the program set one explicitly. */
  provider?: string;
  /** The inputs as the program passed them (Output values resolved, unknowns undefined). */
  inputs: Record<string, unknown>;
  /** Mocked state (inputs plus computed attributes); for components, what they registered as outputs. */
  outputs: Record<string, unknown>;
  /** URNs this resource depends on (explicit dependsOn and inputs from other resources). */
  dependencies: string[];
  /** Per input property, the URNs it came from. */
  propertyDependencies: Record<string, string[]>;
  options: {
    protect: boolean;
    ignoreChanges: string[];
    deleteBeforeReplace: boolean;
    retainOnDelete: boolean;
    additionalSecretOutputs: string[];
    /** Set when the resource was read (`get`/StackReference) rather than created. */
    read: boolean;
  };
}

type Callback = (err: Error | null, response?: unknown) => void;
/** A protobuf Struct as Pulumi's (de)serializers take it. */
type WireStruct = Parameters<typeof pulumi.runtime.deserializeProperties>[0];

/** The getters of RegisterResourceRequest / ReadResourceRequest the monitor reads. */
interface ResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getCustom?(): boolean;
  getObject?(): WireStruct;
  getProperties?(): WireStruct;
  getImportid?(): string;
  getId?(): string;
  getProtect?(): boolean;
  getIgnorechangesList?(): string[];
  getDeletebeforereplace?(): boolean;
  getRetainondelete?(): boolean;
  getPropertydependenciesMap?(): {
    forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void;
  };
}
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): WireStruct | undefined;
}
interface InvokeRequest {
  getTok(): string;
  getArgs(): WireStruct;
}
interface FeatureRequest {
  getId(): string;
}

/** An error as a gRPC failure: the SDK reports invoke failures by the status `details`. */
function rpcError(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  return Object.assign(e, { details: e.message });
}

/** Features this monitor supports (`outputValues` off like the SDK's mocks; no callback server). */
const FEATURES = new Set([
  "secrets",
  "resourceReferences",
  "deletedWith",
  "replaceWith",
  "aliasSpecs",
  "parameterization",
]);

export class RecordingMonitor {
  readonly resources: RecordedResource[] = [];
  private readonly byUrn = new Map<string, RecordedResource>();

  constructor(
    private readonly cloud: MockCloud,
    /** Upstream stack outputs by StackReference name. */
    private readonly upstream: Record<string, Record<string, unknown>>,
  ) {}

  private newUrn(parent: string, type: string, name: string): string {
    let qualified = type;
    if (parent) {
      const parentType = (parent.split("::")[2] ?? "").split("$").pop();
      qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
  }

  private record(
    req: ResourceRequest,
    urn: string,
    id: string | undefined,
    inputs: Record<string, unknown>,
    state: Record<string, unknown>,
    read: boolean,
  ) {
    const propDeps: Record<string, string[]> = {};
    req.getPropertydependenciesMap?.().forEach((deps, key) => {
      propDeps[key] = deps.getUrnsList();
    });
    const parent = req.getParent();
    const provider = req.getProvider();
    const rec: RecordedResource = {
      urn,
      type: req.getType(),
      name: req.getName(),
      ...(parent ? { parent } : {}),
      custom: read || req.getCustom?.() === true,
      ...(id ? { id } : {}),
      ...(provider ? { provider } : {}),
      inputs,
      outputs: state,
      dependencies: req.getDependenciesList(),
      propertyDependencies: propDeps,
      options: {
        protect: req.getProtect?.() === true,
        ignoreChanges: req.getIgnorechangesList?.() ?? [],
        deleteBeforeReplace: req.getDeletebeforereplace?.() === true,
        retainOnDelete: req.getRetainondelete?.() === true,
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        read,
      },
    };
    this.resources.push(rec);
    this.byUrn.set(urn, rec);
  }

  private newState(
    type: string,
    name: string,
    urn: string,
    inputs: Record<string, unknown>,
    custom: boolean,
    readId?: string,
  ) {
    if (type === STACK_REFERENCE_TYPE) {
      const refName = String(inputs.name ?? readId ?? "");
      const outputs = this.upstream[refName];
      if (outputs === undefined) {
        const known = Object.keys(this.upstream);
        throw new Error(
          `unknown stack "${refName}" (StackReference "${name}"): no upstream outputs were given for it` +
            (known.length > 0 ? `; known stacks: ${known.join(", ")}` : ""),
        );
      }
      return { id: refName, state: { name: refName, outputs, secretOutputNames: [] } };
    }
    if (!custom) return { id: "", state: {} };
    return this.cloud.newResource({ type, name, urn, inputs });
  }

  /**
   * Pulumi refuses a second registration of a URN ("Duplicate resource URN"): two resources of one
   * type and name under parents of one type would be one resource in the state.
   */
  private refuseDuplicate(urn: string, req: ResourceRequest): void {
    const first = this.byUrn.get(urn);
    if (!first) return;
    const describe = (parent: string | undefined, inputs: Record<string, unknown>) => {
      const hint = ["name", "taskArn", "taskType"]
        .filter((k) => typeof inputs[k] === "string")
        .map((k) => `${k}=${String(inputs[k])}`)
        .join(", ");
      return `parent ${parent || "(stack)"}${hint ? `, ${hint}` : ""}`;
    };
    const object = req.getObject?.();
    const inputs = (object ? pulumi.runtime.deserializeProperties(object) : {}) as Record<string, unknown>;
    throw new Error(
      `Duplicate resource URN '${urn}': resource "${req.getName()}" is registered twice ` +
        `(first: ${describe(first.parent, first.inputs)}; second: ${describe(req.getParent(), inputs)}); give one of them a unique name`,
    );
  }

  async registerResource(req: ResourceRequest, callback: Callback): Promise<void> {
    try {
      const type = req.getType();
      const name = req.getName();
      const urn = this.newUrn(req.getParent(), type, name);
      this.refuseDuplicate(urn, req);
      const object = req.getObject?.();
      const inputs = (object ? pulumi.runtime.deserializeProperties(object) : {}) as Record<string, unknown>;
      const custom = req.getCustom?.() === true;
      const { id, state } = this.newState(type, name, urn, inputs, custom, req.getImportid?.() || undefined);
      this.record(req, urn, custom ? id : undefined, inputs, state, false);
      const serialized = await pulumi.runtime.serializeProperties("", state);
      const resp = new RegisterResourceResponse();
      resp.setUrn(urn);
      resp.setId(id);
      resp.setObject(Struct.fromJavaScript(serialized));
      callback(null, resp);
    } catch (err) {
      callback(rpcError(err));
    }
  }

  async readResource(req: ResourceRequest, callback: Callback): Promise<void> {
    try {
      const type = req.getType();
      const name = req.getName();
      const urn = this.newUrn(req.getParent(), type, name);
      const properties = req.getProperties?.();
      const inputs = (properties ? pulumi.runtime.deserializeProperties(properties) : {}) as Record<
        string,
        unknown
      >;
      const readId = req.getId?.() ?? "";
      const { state } = this.newState(type, name, urn, inputs, true, readId);
      this.record(req, urn, readId, inputs, state, true);
      // Plain data (what the plan's upstream outputs are) is answered synchronously, a repeated
      // upstream from the memo: first and later reads take the same turns, so the order in which a
      // program's registrations reach the monitor (the report's) does not depend on which stack read
      // an upstream first. Anything else goes through the SDK's own serialiser.
      const wire =
        type === STACK_REFERENCE_TYPE
          ? stackReferenceAnswers.get(readId, state, () => plainWireValue(state))
          : plainWireValue(state);
      if (wire !== undefined) {
        callback(null, { getUrn: () => urn, getProperties: () => decodedStruct(wire) });
        return;
      }
      const serialized = await pulumi.runtime.serializeProperties("", state);
      const resp = new ReadResourceResponse();
      resp.setUrn(urn);
      resp.setProperties(Struct.fromJavaScript(serialized));
      callback(null, resp);
    } catch (err) {
      callback(rpcError(err));
    }
  }

  registerResourceOutputs(req: OutputsRequest, callback: Callback): void {
    const rec = this.byUrn.get(req.getUrn());
    if (!rec) {
      callback(new Error(`unknown resource ${req.getUrn()}`));
      return;
    }
    const outputs = req.getOutputs();
    rec.outputs = outputs ? (pulumi.runtime.deserializeProperties(outputs) as Record<string, unknown>) : {};
    callback(null, {});
  }

  async invoke(req: InvokeRequest, callback: Callback): Promise<void> {
    try {
      const token = req.getTok();
      const inputs = pulumi.runtime.deserializeProperties(req.getArgs()) as Record<string, unknown>;
      let result: Record<string, unknown>;
      if (token === "pulumi:pulumi:getResource") {
        const rec = this.byUrn.get(String(inputs.urn));
        if (!rec) throw new Error(`unknown resource ${String(inputs.urn)}`);
        result = { urn: rec.urn, id: rec.id ?? null, state: rec.outputs };
      } else {
        result = this.cloud.call(token, inputs);
      }
      const resp = new InvokeResponse();
      resp.setReturn(Struct.fromJavaScript(await pulumi.runtime.serializeProperties("", result)));
      callback(null, resp);
    } catch (err) {
      callback(rpcError(err));
    }
  }

  supportsFeature(req: FeatureRequest, callback: Callback): void {
    const has = FEATURES.has(req.getId());
    callback(null, { getHassupport: () => has });
  }

  registerPackage(_req: unknown, callback: Callback): void {
    const resp = new RegisterPackageResponse();
    resp.setRef("mock-package");
    callback(null, resp);
  }
}
