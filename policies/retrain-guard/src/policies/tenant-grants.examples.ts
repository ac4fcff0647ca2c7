/**
 * tenant-grants against the repository's own registry (policies/tenants.yaml): vision → prod/a10g,
 * nlp → prod/l4, recsys → dev/a10g.
 */
import { UNKNOWN } from "@retrain/config/unknown";
import type { ExampleResource, PolicyExample } from "../examples.js";

const WINDOW = "aws:ssm/maintenanceWindow:MaintenanceWindow";
const TARGET = "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget";
const TASK = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";
const DOCUMENT = "aws:ssm/document:Document";
const ASSOCIATION = "aws:ssm/association:Association";

type Targets = { key: string; values: string[] }[];
const poolTargets = (env: string, pool: string): Targets => [
  { key: "tag:retrain:pool", values: [pool] },
  { key: "tag:retrain:fleet", values: [`retrain-${env}`] },
];

/** A team's stack as the scheduling program builds it: document, window, pool target, one task. */
function teamStack(
  team: string,
  env: string,
  pool: string,
  over: { windowTags?: Record<string, string>; targets?: Targets; taskTargets?: Targets } = {},
): ExampleResource[] {
  const tags = over.windowTags ?? { "retrain:team": team };
  return [
    {
      type: DOCUMENT,
      name: "train",
      props: { name: `retrain-${env}-${team}-train`, tags: { "retrain:team": team } },
    },
    { type: WINDOW, name: "weekly", props: { name: `retrain-${env}-${team}-weekly`, tags } },
    {
      type: TARGET,
      name: "weekly-pool",
      props: { windowId: UNKNOWN, resourceType: "INSTANCE", targets: over.targets ?? poolTargets(env, pool) },
      propertyDependencies: { windowId: ["weekly"] },
    },
    {
      type: TASK,
      name: "weekly-retrain",
      props: {
        windowId: UNKNOWN,
        taskType: "RUN_COMMAND",
        taskArn: `retrain-${env}-${team}-train`,
        targets: over.taskTargets ?? [{ key: "WindowTargetIds", values: [UNKNOWN] }],
      },
      propertyDependencies: { windowId: ["weekly"], targets: ["weekly-pool"] },
    },
  ];
}

export const examples: PolicyExample[] = [
  {
    title: "vision on prod/a10g, as granted",
    resources: teamStack("vision", "prod", "a10g"),
    violations: [],
  },
  {
    title: "recsys in association mode on dev/a10g (team and environment from the names)",
    resources: [
      {
        type: DOCUMENT,
        name: "train",
        props: { name: "retrain-dev-recsys-train", tags: { "retrain:team": "recsys" } },
      },
      {
        type: ASSOCIATION,
        name: "daily",
        props: {
          name: "retrain-dev-recsys-train",
          associationName: "retrain-dev-recsys-daily",
          targets: poolTargets("dev", "a10g"),
        },
      },
    ],
    violations: [],
  },
  {
    title: "vision on the l4 pool it is not granted",
    resources: teamStack("vision", "prod", "l4"),
    violations: [
      /MaintenanceWindowTarget "weekly-pool" target tag:retrain:pool=l4: team "vision" may not use pool "l4" of prod; it is granted prod \(pool a10g\) in policies\/tenants\.yaml/,
    ],
  },
  {
    title: "recsys (a dev team) scheduling on prod",
    resources: teamStack("recsys", "prod", "a10g"),
    violations: [/team "recsys" may not use environment "prod"; it is granted dev \(pool a10g\)/],
  },
  {
    title: "a team the registry does not know",
    resources: teamStack("ads", "prod", "a10g"),
    violations: [/team "ads" is not registered in policies\/tenants\.yaml/],
  },
  {
    title: "a window without the retrain:team tag fails closed",
    resources: teamStack("vision", "prod", "a10g", { windowTags: {} }),
    violations: [/MaintenanceWindow "weekly": it has no retrain:team tag, so the pack cannot tell/],
  },
  {
    title: "a target without a pool reaches every pool of the fleet",
    resources: teamStack("vision", "prod", "a10g", {
      targets: [{ key: "tag:retrain:fleet", values: ["retrain-prod"] }],
    }),
    violations: [/MaintenanceWindowTarget "weekly-pool": has no tag:retrain:pool target/],
  },
  {
    title: "a target without a fleet reaches the pool of every environment",
    resources: teamStack("vision", "prod", "a10g", {
      targets: [{ key: "tag:retrain:pool", values: ["a10g"] }],
    }),
    violations: [/MaintenanceWindowTarget "weekly-pool": has no tag:retrain:fleet target/],
  },
  {
    title: "targets by instance id escape the pool's tag",
    resources: teamStack("vision", "prod", "a10g", {
      targets: [...poolTargets("prod", "a10g"), { key: "InstanceIds", values: ["i-0123456789abcdef0"] }],
    }),
    violations: [/MaintenanceWindowTarget "weekly-pool": targets key "InstanceIds"/],
  },
  {
    title: "a task naming instances itself bypasses the window's pool target",
    resources: teamStack("vision", "prod", "a10g", {
      taskTargets: [{ key: "InstanceIds", values: ["i-0123456789abcdef0"] }],
    }),
    violations: [
      /MaintenanceWindowTask "weekly-retrain": its targets use key "InstanceIds" instead of WindowTargetIds/,
    ],
  },
  {
    title: "resources of two teams in one stack",
    resources: teamStack("vision", "prod", "a10g", { windowTags: { "retrain:team": "nlp" } }),
    violations: [/the resources of stack "[^"]+" name more than one team: .*"vision".*"nlp"/],
  },
  {
    title: "a task running another team's document names a second team",
    resources: teamStack("vision", "prod", "a10g").map((r) =>
      r.type === TASK ? { ...r, props: { ...r.props, taskArn: "retrain-prod-nlp-train" } } : r,
    ),
    violations: [
      /more than one team: .*"vision".*MaintenanceWindowTask "weekly-retrain" taskArn "retrain-prod-nlp-train" → "nlp"/,
    ],
  },
  {
    title: "a document tagged for one team but named for another",
    resources: teamStack("vision", "prod", "a10g").map((r) =>
      r.type === DOCUMENT ? { ...r, props: { ...r.props, name: "retrain-prod-nlp-train" } } : r,
    ),
    violations: [/name more than one team: .*Document "train" name "retrain-prod-nlp-train" → "nlp"/],
  },
  {
    title: "a task writing its output under another team's prefix names a second team",
    resources: teamStack("vision", "prod", "a10g").map((r) =>
      r.type === TASK
        ? {
            ...r,
            props: {
              ...r.props,
              taskInvocationParameters: {
                runCommandParameters: { outputS3KeyPrefix: "runs/nlp/weekly/retrain" },
              },
            },
          }
        : r,
    ),
    violations: [/name more than one team: .*outputS3KeyPrefix "runs\/nlp\/weekly\/retrain" → "nlp"/],
  },
  {
    title: "a dev stack whose task runs with prod's window role names a second environment",
    resources: teamStack("recsys", "dev", "a10g").map((r) =>
      r.type === TASK
        ? {
            ...r,
            props: {
              ...r.props,
              serviceRoleArn: "arn:aws:iam::123456789012:role/retrain-prod-maintenance-window",
            },
          }
        : r,
    ),
    violations: [
      /name more than one environment: .*serviceRoleArn role "retrain-prod-maintenance-window" → "prod"/,
    ],
  },
  {
    title: "a start/stop role of a pool the team is not granted",
    resources: teamStack("vision", "prod", "a10g").map((r) =>
      r.type === TASK
        ? {
            ...r,
            props: {
              ...r.props,
              taskInvocationParameters: {
                automationParameters: {
                  parameters: [
                    {
                      name: "AutomationAssumeRole",
                      values: ["arn:aws:iam::123456789012:role/retrain-prod-startstop-l4"],
                    },
                  ],
                },
              },
            },
          }
        : r,
    ),
    violations: [
      /AutomationAssumeRole role "retrain-prod-startstop-l4": team "vision" may not use pool "l4" of prod/,
    ],
  },
  {
    title: "an association whose names name no registered team fails closed",
    resources: [
      {
        type: ASSOCIATION,
        name: "shell",
        props: { name: "AWS-RunShellScript", targets: poolTargets("dev", "a10g") },
      },
    ],
    violations: [
      /Association "shell": neither a retrain:team tag nor its names \(associationName null, document "AWS-RunShellScript"\) name a registered team/,
      /the team of stack "retrain-example\/dev" cannot be determined from its resources/,
    ],
  },
  {
    title: "pool and fleet values unknown during preview are not judged",
    resources: teamStack("vision", "prod", "a10g", {
      targets: [
        { key: "tag:retrain:pool", values: [UNKNOWN] },
        { key: "tag:retrain:fleet", values: ["retrain-prod"] },
      ],
    }),
    violations: [],
  },
  {
    title: "a task's targets unknown during preview are not judged (at up they are)",
    resources: teamStack("vision", "prod", "a10g", { taskTargets: [UNKNOWN] as unknown as Targets }),
    violations: [],
  },
  {
    title: "a stack without schedule resources reaches no pool and is not judged",
    resources: [
      { type: "aws:iam/role:Role", name: "maintenance-window", props: { name: "retrain-prod-mw" } },
    ],
    violations: [],
  },
];
