/**
 * Deterministic, plausible AWS values for resources and invokes under mocks: ids are hashes of the
 * URN (the same program and config always yield the same ids, so plans and reports are stable) and
 * ARNs have the shape AWS gives each resource type, so ARN-parsing code and policy checks see
 * realistic input.
 */
import { createHash } from "node:crypto";
import { NETWORK_INVOKES, NETWORK_SHAPES, networkInvoke } from "./mock-network.js";
import { buildPolicyDocument, type PolicyDocumentInput } from "./policy-document.js";
import {
  checkProviderConstraints,
  describeViolations,
  type RegisteredResource,
} from "./provider-constraints/index.js";

export interface MockCloudOptions {
  /** Account id in ARNs and getCallerIdentity; default 123456789012. */
  accountId?: string;
  /** Region for ARNs and getRegion; default the stack's `aws:region`, else us-east-1. */
  region?: string;
  /** SSM parameter values for `aws:ssm/getParameter` by name; unknown names get a hashed AMI id. */
  parameters?: Record<string, string>;
  /** Extra or replacement invoke handlers by token (e.g. `aws:ec2/getSubnets:getSubnets`). */
  invokes?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
  /**
   * Check every resource's inputs against what the AWS provider and API reject before creating
   * anything (./provider-constraints); default true. A violation fails the registration.
   */
  providerConstraints?: boolean;
}

/** Inputs the AWS provider or API would reject: the resource's registration fails with this. */
export class ProviderConstraintError extends Error {
  override readonly name = "ProviderConstraintError";
}

export const DEFAULT_ACCOUNT_ID = "123456789012";

/** `aws`, `aws-cn` or `aws-us-gov`, from the region. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** Hex digest of `seed`, `length` characters. */
export function hashHex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** A UUID-shaped id derived from `seed`. */
function hashUuid(seed: string): string {
  const h = hashHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

interface ResourceRequest {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
}

type Shape = (r: ResourceRequest, cloud: MockCloud) => { id: string; state: Record<string, unknown> };

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Pulumi's auto-name: the logical name plus a random suffix (here: hashed). */
const autoName = (r: ResourceRequest) => str(r.inputs.name) ?? `${r.name}-${hashHex(r.urn, 7)}`;

/** An IAM entity named by path and name (`<resource>/<path><name>`), with AWS's unique-id prefix. */
function iamPathEntity(resource: string, uniqueIdPrefix: string): Shape {
  return (r, c) => {
    const name = autoName(r);
    const path = str(r.inputs.path) ?? "/";
    return {
      id: name,
      state: {
        name,
        path,
        arn: c.arn("iam", "", `${resource}${path}${name}`),
        uniqueId: `${uniqueIdPrefix}${hashHex(r.urn, 17).toUpperCase()}`,
      },
    };
  };
}

/** Resource types whose id and ARN follow a known AWS pattern. */
const SHAPES: Record<string, Shape> = {
  "aws:iam/role:Role": iamPathEntity("role", "AROA"),
  "aws:iam/instanceProfile:InstanceProfile": iamPathEntity("instance-profile", "AIPA"),
  "aws:iam/policy:Policy": (r, c) => {
    const name = autoName(r);
    const arn = c.arn("iam", "", `policy${str(r.inputs.path) ?? "/"}${name}`);
    return { id: arn, state: { name, arn, policyId: `ANPA${hashHex(r.urn, 17).toUpperCase()}` } };
  },
  "aws:iam/rolePolicy:RolePolicy": (r) => {
    const name = autoName(r);
    return { id: `${str(r.inputs.role) ?? "role"}:${name}`, state: { name } };
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (r) => ({
    id: `${str(r.inputs.role) ?? "role"}-${hashHex(r.urn, 20)}`,
    state: {},
  }),
  "aws:s3/bucket:Bucket": (r, c) => {
    const bucket = str(r.inputs.bucket) ?? `${r.name}-${hashHex(r.urn, 7)}`;
    return {
      id: bucket,
      state: {
        bucket,
        arn: `arn:${c.partition}:s3:::${bucket}`,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${bucket}.s3.${c.region}.amazonaws.com`,
        region: c.region,
      },
    };
  },
  "aws:cloudwatch/logGroup:LogGroup": (r, c) => {
    const name = autoName(r);
    return { id: name, state: { name, arn: c.arn("logs", c.region, `log-group:${name}`) } };
  },
  "aws:ec2/securityGroup:SecurityGroup": (r, c) => {
    const id = `sg-${hashHex(r.urn, 17)}`;
    return {
      id,
      state: { name: autoName(r), arn: c.arn("ec2", c.region, `security-group/${id}`), ownerId: c.accountId },
    };
  },
  "aws:ec2/launchTemplate:LaunchTemplate": (r, c) => {
    const id = `lt-${hashHex(r.urn, 17)}`;
    return {
      id,
      state: {
        name: autoName(r),
        arn: c.arn("ec2", c.region, `launch-template/${id}`),
        latestVersion: 1,
        defaultVersion: 1,
      },
    };
  },
  "aws:ec2/instance:Instance": (r, c) => {
    const id = `i-${hashHex(r.urn, 17)}`;
    const n = Number.parseInt(hashHex(r.urn, 4), 16);
    return {
      id,
      state: {
        arn: c.arn("ec2", c.region, `instance/${id}`),
        privateIp: `172.31.${(n >> 8) % 256}.${(n % 254) + 1}`,
        instanceState: "running",
        primaryNetworkInterfaceId: `eni-${hashHex(`${r.urn}#eni`, 17)}`,
      },
    };
  },
  "aws:ssm/document:Document": (r, c) => {
    const name = autoName(r);
    return {
      id: name,
      state: {
        name,
        arn: c.arn("ssm", c.region, `document/${name}`),
        hash: hashHex(JSON.stringify(r.inputs.content ?? ""), 64),
        hashType: "Sha256",
        latestVersion: "1",
        defaultVersion: "1",
        owner: c.accountId,
        status: "Active",
      },
    };
  },
  "aws:ssm/maintenanceWindow:MaintenanceWindow": (r) => ({
    id: `mw-${hashHex(r.urn, 17)}`,
    state: { name: autoName(r) },
  }),
  "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": (r) => ({ id: hashUuid(r.urn), state: {} }),
  "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": (r, c) => {
    const id = hashUuid(r.urn);
    return {
      id,
      state: {
        windowTaskId: id,
        arn: c.arn("ssm", c.region, `windowtask/${id}`),
        name: str(r.inputs.name) ?? r.name,
      },
    };
  },
  "aws:sns/topic:Topic": (r, c) => {
    const name = autoName(r);
    const arn = c.arn("sns", c.region, name);
    return { id: arn, state: { name, arn, owner: c.accountId } };
  },
  "aws:sns/topicSubscription:TopicSubscription": (r, c) => ({
    id: `${str(r.inputs.topic) ?? c.arn("sns", c.region, "topic")}:${hashUuid(r.urn)}`,
    state: { arn: `${str(r.inputs.topic) ?? ""}:${hashUuid(r.urn)}`, pendingConfirmation: true },
  }),
  "aws:cloudwatch/eventRule:EventRule": (r, c) => {
    const name = autoName(r);
    return { id: name, state: { name, arn: c.arn("events", c.region, `rule/${name}`) } };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (r, c) => {
    const name = autoName(r);
    return { id: name, state: { name, arn: c.arn("cloudwatch", c.region, `alarm:${name}`) } };
  },
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": (r, c) => {
    const name = str(r.inputs.alarmName) ?? autoName(r);
    return { id: name, state: { alarmName: name, arn: c.arn("cloudwatch", c.region, `alarm:${name}`) } };
  },
  "aws:kms/key:Key": (r, c) => {
    const id = hashUuid(r.urn);
    return { id, state: { keyId: id, arn: c.arn("kms", c.region, `key/${id}`) } };
  },
  "aws:ssm/association:Association": (r, c) => {
    const id = hashUuid(r.urn);
    return { id, state: { associationId: id, arn: c.arn("ssm", c.region, `association/${id}`) } };
  },
};

/** The mocked account: resource shapes and invoke answers. */
export class MockCloud {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  private readonly options: MockCloudOptions;
  /** Resources created so far by physical id, for constraints that look across resources. */
  private readonly created = new Map<string, RegisteredResource>();
  private readonly createdByType = new Map<string, RegisteredResource[]>();

  constructor(options: MockCloudOptions & { region: string }) {
    this.options = options;
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    this.region = options.region;
    this.partition = partitionOf(this.region);
  }

  arn(service: string, region: string, resource: string): string {
    return `arn:${this.partition}:${service}:${region}:${service === "s3" ? "" : this.accountId}:${resource}`;
  }

  /** Physical id and state (inputs plus computed attributes) of a new custom resource. */
  newResource(r: ResourceRequest): { id: string; state: Record<string, unknown> } {
    if (this.options.providerConstraints !== false) {
      const violations = checkProviderConstraints(r.type, r.inputs, {
        byId: (id) => this.created.get(id),
        ofType: (type) => this.createdByType.get(type) ?? [],
      });
      if (violations.length > 0)
        throw new ProviderConstraintError(
          `${r.type} "${r.name}" (${r.urn}): ${describeViolations(violations)}`,
        );
    }
    const made = this.shapeOf(r);
    const registered = { type: r.type, name: r.name, urn: r.urn, inputs: r.inputs };
    this.created.set(made.id, registered);
    const sameType = this.createdByType.get(r.type);
    if (sameType) sameType.push(registered);
    else this.createdByType.set(r.type, [registered]);
    return made;
  }

  private shapeOf(r: ResourceRequest): { id: string; state: Record<string, unknown> } {
    const shape = SHAPES[r.type] ?? NETWORK_SHAPES[r.type];
    if (shape) {
      const { id, state } = shape(r, this);
      return { id, state: { ...r.inputs, ...state } };
    }
    // Any other AWS type: `<name>-<hash>` and an ARN in the type's service (`aws:<service>/...`).
    const id = `${r.name}-${hashHex(r.urn, 8)}`;
    const service = /^aws:([a-z0-9]+)\//.exec(r.type)?.[1];
    const state: Record<string, unknown> = { ...r.inputs };
    if (service && state.arn === undefined)
      state.arn = this.arn(service, this.region, `${r.type.split(":").pop()?.toLowerCase()}/${id}`);
    return { id, state };
  }

  /** Answers an invoke; throws for tokens it does not know so a missing mock is never silent. */
  call(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const custom = this.options.invokes?.[token];
    if (custom) return custom(inputs);
    const region = this.region;
    const network = networkInvoke(token, inputs, region);
    if (network) return network;
    switch (token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId: this.accountId,
          arn: `arn:${this.partition}:iam::${this.accountId}:role/retrain-plan`,
          id: this.accountId,
          userId: `AROA${hashHex(this.accountId, 17).toUpperCase()}:retrain-plan`,
        };
      case "aws:index/getPartition:getPartition":
        return {
          id: this.partition,
          partition: this.partition,
          dnsSuffix: this.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
          reverseDnsPrefix: this.partition === "aws-cn" ? "cn.com.amazonaws" : "com.amazonaws",
        };
      case "aws:index/getRegion:getRegion":
        return {
          id: region,
          name: region,
          region,
          endpoint: `ec2.${region}.amazonaws.com`,
          description: region,
        };
      case "aws:index/getAvailabilityZones:getAvailabilityZones": {
        const names = ["a", "b", "c"].map((s) => `${region}${s}`);
        return {
          id: region,
          names,
          zoneIds: names.map((_, i) => `${region.replace(/-/g, "")}-az${i + 1}`),
          state: "available",
        };
      }
      case "aws:ssm/getParameter:getParameter": {
        const name = String(inputs.name ?? "");
        const value = this.options.parameters?.[name] ?? `ami-${hashHex(`${region}${name}`, 17)}`;
        return {
          id: name,
          name,
          value,
          insecureValue: value,
          type: "String",
          version: 1,
          region,
          arn: `arn:${this.partition}:ssm:${region}::parameter${name}`,
        };
      }
      case "aws:iam/getPolicyDocument:getPolicyDocument":
        return { ...buildPolicyDocument(inputs as PolicyDocumentInput) };
      case "aws:ec2/getVpc:getVpc": {
        const id = `vpc-${hashHex(`${region}#default`, 17)}`;
        return {
          id,
          cidrBlock: "172.31.0.0/16",
          default: true,
          arn: this.arn("ec2", region, `vpc/${id}`),
          ownerId: this.accountId,
        };
      }
      case "aws:ec2/getSubnet:getSubnet": {
        const id = String(inputs.id ?? `subnet-${hashHex(`${region}a#default`, 17)}`);
        return {
          id,
          vpcId: `vpc-${hashHex(`${region}#default`, 17)}`,
          availabilityZone: `${region}${"abc"[Number.parseInt(hashHex(id, 2), 16) % 3]}`,
          arn: this.arn("ec2", region, `subnet/${id}`),
          ownerId: this.accountId,
        };
      }
      case "aws:ec2/getSubnets:getSubnets":
        return {
          id: region,
          ids: ["a", "b", "c"].map((az) => `subnet-${hashHex(`${region}${az}#default`, 17)}`),
        };
      default:
        throw new Error(
          `no mock answer for invoke "${token}": pass mocks.invokes["${token}"] to runStackProgram (known: ${KNOWN_INVOKES.join(", ")})`,
        );
    }
  }
}

const KNOWN_INVOKES = [
  "aws:index/getCallerIdentity:getCallerIdentity",
  "aws:index/getPartition:getPartition",
  "aws:index/getRegion:getRegion",
  "aws:index/getAvailabilityZones:getAvailabilityZones",
  "aws:ssm/getParameter:getParameter",
  "aws:iam/getPolicyDocument:getPolicyDocument",
  "aws:ec2/getVpc:getVpc",
  "aws:ec2/getSubnet:getSubnet",
  "aws:ec2/getSubnets:getSubnets",
  ...NETWORK_INVOKES,
];
