/**
 * The one table of what the deployed system asks AWS to do: every flow (who calls, to do what),
 * each request it makes or must never be able to make, and the AWS documentation page the row
 * comes from. `simulate.ts` evaluates every row against the policies the plan's own iam stack
 * creates; a needed request denied, or a forbidden one allowed, is a mandatory finding.
 */

/** What one environment's stacks produced that the requests are built from. */
export interface EnvironmentFacts {
  environment: string;
  partition: string;
  region: string;
  account: string;
  /** Role ARNs, from the iam stack's outputs. */
  windowRole: string;
  instanceRole: string;
  teamRoles: Record<string, string>;
  startStopRoles: Record<string, string>;
  bucket: string;
  logGroup: string;
  /** Value of `retrain:fleet` on this environment's instances. */
  fleetTag: string;
  /** Pools with one instance id each (fleet outputs, or a stand-in when the fleet did not plan). */
  pools: Record<string, string>;
  /** The training document name of each team (its scheduling stack, or the naming convention). */
  documents: Record<string, string>;
  /**
   * Where each team's tasks and associations have the agent write output (their scheduling stacks'
   * `outputS3Bucket`/`outputS3KeyPrefix`, `outputLocation`); a stand-in per team when none planned.
   */
  outputs: { team: string; where: string; bucket: string; prefix: string }[];
}

/** Who makes a request. */
export type Caller =
  /** A session of the flow's role, with the role's identity policies. */
  | { kind: "role" }
  /** An AWS service principal: only the resource policy (a trust policy) decides. */
  | { kind: "service"; service: string }
  /** Another principal of the account granted the action by its own policy: only trust stops it. */
  | { kind: "other-principal"; arn: string };

export interface PermissionRequest {
  action: string;
  resource: string;
  /** Request context (resource tags as `aws:ResourceTag/...`, `s3:prefix`, `iam:PassedToService`...). */
  context?: Record<string, string | string[]>;
  expect: "allow" | "deny";
  /** Why the request is needed, or why it must be denied. */
  why: string;
  caller?: Caller;
  /** The role whose trust policy is the resource policy (sts:AssumeRole on a role). */
  trustOf?: string;
  /**
   * The team whose scheduling stack the request comes from (its document, its output location): a
   * finding on it is that team's too (the plan's --gate counts it for a change to that team).
   */
  team?: string;
}

export interface Flow {
  /** Stable id, e.g. `team-run/vision`. */
  id: string;
  title: string;
  /** The role whose policies decide (the caller's, or the assumed role's for `service` callers). */
  role: string;
  /** AWS documentation page the flow and its requests come from. */
  doc: string;
  requests: PermissionRequest[];
}

const DOCS = {
  ssmActions:
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html",
  automationPolicies:
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-identity-based-policies.html",
  passRole: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
  confusedDeputy:
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/cross-service-confused-deputy-prevention.html",
  changeState:
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-changestate.html",
  instancePermissions:
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html",
  instanceCore:
    "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html",
  roleChaining:
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining",
  s3Actions: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html",
} as const;

const RUNBOOKS = ["AWS-StartEC2Instance", "AWS-StopEC2Instance"] as const;

/** A name that is not one of `taken`, for must-deny requests on "someone else's" resources. */
function other(taken: readonly string[], base: string): string {
  // The first other name (find stops there): asked once per team, a filtered copy of every team's
  // name per team would be quadratic in the teams of an environment.
  return taken.find((t) => t !== base) ?? `not-${base}`;
}

/** Every flow of one environment, with its requests. */
export function flowsOf(f: EnvironmentFacts): Flow[] {
  const arn = (service: string, region: string, account: string, resource: string) =>
    `arn:${f.partition}:${service}:${region}:${account}:${resource}`;
  const ssm = (resource: string) => arn("ssm", f.region, f.account, resource);
  const awsOwned = (resource: string) => arn("ssm", f.region, "", resource);
  const instance = (id: string) => arn("ec2", f.region, f.account, `instance/${id}`);
  const bucketArn = `arn:${f.partition}:s3:::${f.bucket}`;
  const object = (key: string) => `${bucketArn}/${key}`;
  const logGroupArn = arn("logs", f.region, f.account, `log-group:${f.logGroup}`);
  const stream = (name: string) => `${logGroupArn}:log-stream:${name}`;
  const roleArn = (name: string) => `arn:${f.partition}:iam::${f.account}:role/${name}`;
  const teams = Object.keys(f.teamRoles).sort();
  const pools = Object.keys(f.pools).sort();
  const fleetTags = (pool: string, fleet = f.fleetTag) => ({
    "aws:ResourceTag/retrain:fleet": fleet,
    "aws:ResourceTag/retrain:pool": pool,
  });
  const otherFleet = `${f.fleetTag}-other`;
  const commandId = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
  const flows: Flow[] = [];

  flows.push({
    id: "window/send-command",
    title: "A window's RUN_COMMAND task sends the team's training document to the pool's instances",
    role: f.windowRole,
    doc: DOCS.ssmActions,
    requests: [
      ...teams.map((team) => ({
        action: "ssm:SendCommand",
        resource: ssm(`document/${f.documents[team] ?? ""}`),
        expect: "allow" as const,
        why: `the training document of team ${team}`,
        team,
      })),
      ...pools.map((pool) => ({
        action: "ssm:SendCommand",
        resource: instance(f.pools[pool] ?? ""),
        context: { "ssm:resourceTag/retrain:fleet": f.fleetTag, "ssm:resourceTag/retrain:pool": pool },
        expect: "allow" as const,
        why: `an instance of pool ${pool}`,
      })),
      {
        action: "ssm:SendCommand",
        resource: bucketArn,
        expect: "allow",
        why: "the output bucket (outputS3BucketName)",
      },
      {
        action: "ssm:SendCommand",
        resource: awsOwned("document/AWS-RunShellScript"),
        expect: "deny",
        why: "an AWS-owned shell document would run any text as root",
      },
      {
        action: "ssm:SendCommand",
        resource: instance("i-0ffffffffffffffff"),
        context: { "ssm:resourceTag/retrain:fleet": otherFleet },
        expect: "deny",
        why: "an instance outside this environment's fleet",
      },
      {
        // AmazonSSMMaintenanceWindowRole grants it for {{ssm:...}} task parameters; ours are literals.
        action: "ssm:GetParameters",
        resource: ssm("parameter/retrain/any-secret"),
        expect: "deny",
        why: "the window role reads no Parameter Store: task parameters are literals",
      },
    ],
  });

  const startStop = Object.keys(f.startStopRoles).sort();
  if (startStop.length > 0) {
    flows.push({
      id: "window/start-stop-runbooks",
      title: "A window's AUTOMATION tasks start the AWS-owned start/stop runbooks",
      role: f.windowRole,
      doc: DOCS.automationPolicies,
      requests: [
        ...RUNBOOKS.flatMap((runbook) => [
          {
            action: "ssm:StartAutomationExecution",
            resource: awsOwned(`automation-definition/${runbook}:$DEFAULT`),
            expect: "allow" as const,
            why: `the ${runbook} definition (AWS-owned: no account in the ARN)`,
          },
          {
            action: "ssm:StartAutomationExecution",
            resource: awsOwned(`document/${runbook}`),
            expect: "allow" as const,
            why: `the ${runbook} document (required resource of StartAutomationExecution)`,
          },
        ]),
        {
          action: "ssm:StartAutomationExecution",
          resource: ssm(`automation-execution/${commandId}`),
          expect: "allow",
          why: "the execution the call creates (required resource)",
        },
        {
          action: "ssm:GetAutomationExecution",
          resource: ssm(`automation-execution/${commandId}`),
          expect: "allow",
          why: "the window follows the execution it started",
        },
        {
          action: "ssm:StartAutomationExecution",
          resource: awsOwned("automation-definition/AWS-TerminateEC2Instance:$DEFAULT"),
          expect: "deny",
          why: "any other runbook",
        },
        ...pools.flatMap((pool) =>
          (["ec2:StartInstances", "ec2:StopInstances"] as const).map((action) => ({
            action,
            resource: instance(f.pools[pool] ?? ""),
            context: fleetTags(pool),
            expect: "deny" as const,
            why: "the window role itself never starts or stops instances: the pool's start/stop role does",
          })),
        ),
      ],
    });
    flows.push({
      id: "window/pass-role",
      title: "A window's AUTOMATION task passes the pool's start/stop role as AutomationAssumeRole",
      role: f.windowRole,
      doc: DOCS.passRole,
      requests: [
        ...startStop.map((pool) => ({
          action: "iam:PassRole",
          resource: f.startStopRoles[pool] ?? "",
          context: { "iam:PassedToService": "ssm.amazonaws.com" },
          expect: "allow" as const,
          why: `the start/stop role of pool ${pool}, to Systems Manager`,
        })),
        ...startStop.slice(0, 1).map((pool) => ({
          action: "iam:PassRole",
          resource: f.startStopRoles[pool] ?? "",
          context: { "iam:PassedToService": "ec2.amazonaws.com" },
          expect: "deny" as const,
          why: "passing a role to any service but Systems Manager",
        })),
        ...teams.map((team) => ({
          action: "iam:PassRole",
          resource: f.teamRoles[team] ?? "",
          context: { "iam:PassedToService": "ssm.amazonaws.com" },
          expect: "deny" as const,
          why: `team ${team}'s training role`,
        })),
        {
          action: "iam:PassRole",
          resource: f.instanceRole,
          context: { "iam:PassedToService": "ssm.amazonaws.com" },
          expect: "deny",
          why: "the instance role",
        },
      ],
    });
  }

  for (const [role, source] of [
    [f.windowRole, ssm("maintenancewindow/mw-0123456789abcdef0")],
    ...startStop.map(
      (pool) => [f.startStopRoles[pool] ?? "", ssm(`automation-execution/${commandId}`)] as const,
    ),
  ] as const) {
    flows.push({
      id: `ssm-trust/${role.split("/").pop()}`,
      title: "Systems Manager assumes the role for this account's windows and automations only",
      role,
      doc: DOCS.confusedDeputy,
      requests: [
        {
          action: "sts:AssumeRole",
          resource: role,
          caller: { kind: "service", service: "ssm.amazonaws.com" },
          trustOf: role,
          context: { "aws:SourceAccount": f.account, "aws:SourceArn": source },
          expect: "allow",
          why: "on behalf of this account and region",
        },
        {
          action: "sts:AssumeRole",
          resource: role,
          caller: { kind: "service", service: "ssm.amazonaws.com" },
          trustOf: role,
          context: {
            "aws:SourceAccount": "999999999999",
            "aws:SourceArn": arn("ssm", f.region, "999999999999", `automation-execution/${commandId}`),
          },
          expect: "deny",
          why: "on behalf of another account (confused deputy)",
        },
      ],
    });
  }

  for (const pool of startStop) {
    const id = f.pools[pool] ?? "i-0aaaaaaaaaaaaaaaa";
    const otherPool = other([...pools, ...startStop], pool);
    flows.push({
      id: `automation/start-stop/${pool}`,
      title: `AWS-StartEC2Instance / AWS-StopEC2Instance change the state of pool ${pool}'s instances`,
      role: f.startStopRoles[pool] ?? "",
      doc: DOCS.changeState,
      requests: [
        ...(["ec2:StartInstances", "ec2:StopInstances"] as const).flatMap((action) => [
          {
            action,
            resource: instance(id),
            context: fleetTags(pool),
            expect: "allow" as const,
            why: `an instance of pool ${pool}`,
          },
          {
            action,
            resource: instance("i-0bbbbbbbbbbbbbbbb"),
            context: fleetTags(otherPool),
            expect: "deny" as const,
            why: `an instance of pool ${otherPool} (another team's job may run there)`,
          },
          {
            action,
            resource: instance("i-0cccccccccccccccc"),
            context: fleetTags(pool, otherFleet),
            expect: "deny" as const,
            why: "a same-named pool of another fleet",
          },
        ]),
        {
          action: "ec2:DescribeInstanceStatus",
          resource: "*",
          expect: "allow",
          why: "the step waits for the desired state",
        },
      ],
    });
  }

  const sampleInstance = f.pools[pools[0] ?? ""] ?? "i-0aaaaaaaaaaaaaaaa";
  flows.push({
    id: "agent/core",
    title: "The SSM agent registers the instance and receives commands (root side)",
    role: f.instanceRole,
    doc: DOCS.instanceCore,
    requests: [
      {
        action: "ssm:UpdateInstanceInformation",
        resource: instance(sampleInstance),
        expect: "allow",
        why: "the agent's heartbeat",
      },
      { action: "ec2messages:GetMessages", resource: "*", expect: "allow", why: "Run Command delivery" },
      {
        action: "ssmmessages:CreateControlChannel",
        resource: "*",
        expect: "allow",
        why: "the agent's control channel",
      },
      ...teams.map((team) => ({
        action: "ssm:GetDocument",
        resource: ssm(`document/${f.documents[team] ?? ""}`),
        expect: "allow" as const,
        why: `an association of team ${team} runs its document`,
        team,
      })),
      ...(["ssm:GetParameter", "ssm:GetParameters"] as const).map((action) => ({
        action,
        resource: ssm("parameter/retrain/any-secret"),
        expect: "deny" as const,
        why: "Parameter Store is nobody's business on the instance",
      })),
    ],
  });

  flows.push({
    id: "agent/command-output",
    title: "The SSM agent writes each task's output to S3 (runs/<team>/...) and CloudWatch Logs",
    role: f.instanceRole,
    doc: DOCS.instancePermissions,
    requests: [
      ...f.outputs.map((o) => ({
        action: "s3:PutObject",
        resource: `arn:${f.partition}:s3:::${o.bucket}/${o.prefix}/${commandId}/${sampleInstance}/awsrunShellScript/run/stdout`,
        expect: "allow" as const,
        why: `output of ${o.where} (prefix ${o.prefix})`,
        team: o.team,
      })),
      {
        action: "s3:GetEncryptionConfiguration",
        resource: bucketArn,
        expect: "allow",
        why: "checked before uploading",
      },
      {
        action: "logs:CreateLogStream",
        resource: stream(`${commandId}/${sampleInstance}/aws-runShellScript/stdout`),
        expect: "allow",
        why: "one stream per command, instance and plugin",
      },
      {
        action: "logs:PutLogEvents",
        resource: stream(`${commandId}/${sampleInstance}/aws-runShellScript/stdout`),
        expect: "allow",
        why: "the command's output",
      },
      { action: "logs:DescribeLogGroups", resource: "*", expect: "allow", why: "finds the group first" },
      {
        action: "logs:DescribeLogStreams",
        resource: logGroupArn,
        expect: "allow",
        why: "finds the stream first",
      },
      ...teams.flatMap((team) => [
        {
          action: "s3:GetObject",
          resource: object(`runs/${team}/weekly/train/result.json`),
          expect: "deny" as const,
          why: "the root side reads no team data",
        },
        {
          action: "s3:PutObject",
          resource: object(`models/${team}/model.pt`),
          expect: "deny" as const,
          why: "models are written by the team's own role only",
        },
      ]),
    ],
  });

  flows.push({
    id: "agent/team-handoff",
    title: "The document's root side assumes the team's training role for the run",
    role: f.instanceRole,
    doc: DOCS.roleChaining,
    requests: [
      ...teams.map((team) => ({
        action: "sts:AssumeRole",
        resource: f.teamRoles[team] ?? "",
        trustOf: f.teamRoles[team] ?? "",
        expect: "allow" as const,
        why: `team ${team}'s run`,
      })),
      {
        action: "sts:AssumeRole",
        resource: f.windowRole,
        trustOf: f.windowRole,
        expect: "deny",
        why: "any role that is not a team training role",
      },
      ...teams.slice(0, 1).map((team) => ({
        action: "sts:AssumeRole",
        resource: f.teamRoles[team] ?? "",
        trustOf: f.teamRoles[team] ?? "",
        caller: { kind: "other-principal", arn: roleArn(`retrain-${f.environment}-someone-else`) } as const,
        expect: "deny" as const,
        why: "another principal of the account, even one allowed sts:AssumeRole: the team role trusts the instance role only",
      })),
    ],
  });

  for (const team of teams) {
    const o = other(teams, team);
    flows.push({
      id: `team-run/${team}`,
      title: `Team ${team}'s run works with its session of retrain-${f.environment}-team-${team}`,
      role: f.teamRoles[team] ?? "",
      doc: DOCS.s3Actions,
      requests: [
        {
          action: "s3:PutObject",
          resource: object(`runs/${team}/weekly/metrics.json`),
          expect: "allow",
          why: "its run outputs",
        },
        {
          action: "s3:PutObject",
          resource: object(`models/${team}/model.pt`),
          expect: "allow",
          why: "its models",
        },
        {
          action: "s3:GetObject",
          resource: object(`models/${team}/model.pt`),
          expect: "allow",
          why: "its previous models",
        },
        {
          action: "s3:GetObject",
          resource: object(`datasets/${team}/train.parquet`),
          expect: "allow",
          why: "its datasets",
        },
        {
          action: "s3:ListBucket",
          resource: bucketArn,
          context: { "s3:prefix": `datasets/${team}/` },
          expect: "allow",
          why: "listing its own prefix",
        },
        {
          action: "logs:PutLogEvents",
          resource: stream(`teams/${team}/${commandId}`),
          expect: "allow",
          why: "its own log streams",
        },
        {
          action: "s3:PutObject",
          resource: object(`runs/${o}/weekly/metrics.json`),
          expect: "deny",
          why: `team ${o}'s runs`,
        },
        {
          action: "s3:PutObject",
          resource: object(`models/${o}/model.pt`),
          expect: "deny",
          why: `team ${o}'s models`,
        },
        {
          action: "s3:GetObject",
          resource: object(`datasets/${o}/train.parquet`),
          expect: "deny",
          why: `team ${o}'s datasets`,
        },
        {
          action: "s3:PutObject",
          resource: object(`datasets/${team}/train.parquet`),
          expect: "deny",
          why: "datasets are read-only",
        },
        {
          action: "s3:ListBucket",
          resource: bucketArn,
          context: { "s3:prefix": "runs/" },
          expect: "deny",
          why: "listing every team's runs",
        },
        {
          action: "logs:PutLogEvents",
          resource: stream(`teams/${o}/${commandId}`),
          expect: "deny",
          why: `team ${o}'s log streams`,
        },
        {
          action: "ssm:GetParameter",
          resource: ssm("parameter/retrain/any-secret"),
          expect: "deny",
          why: "Parameter Store",
        },
        ...(f.teamRoles[o]
          ? [
              {
                action: "sts:AssumeRole",
                resource: f.teamRoles[o] ?? "",
                trustOf: f.teamRoles[o] ?? "",
                expect: "deny" as const,
                why: `team ${o}'s role`,
              },
            ]
          : []),
      ],
    });
  }
  return flows;
}
