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

/** The stack with its window found by id (a deployed window's `id`), not by dependency. */
const byId = (stack: ExampleResource[], windowId: string): ExampleResource[] =>
  stack.map((r) =>
    r.type === WINDOW
      ? { ...r, props: { ...r.props, id: windowId } }
      : r.type === TARGET || r.type === TASK
        ? { ...r, props: { ...r.props, windowId }, propertyDependencies: {} }
        : r,
  );

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
    title: "instance ids unknown during preview still escape the pool's tag: the key is known",
    resources: teamStack("vision", "prod", "a10g", {
      targets: [
        ...poolTargets("prod", "a10g"),
        { key: "InstanceIds", values: UNKNOWN as unknown as string[] },
      ],
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
    // A stack policy runs after the update at `up`: an unknown entry fails closed at preview.
    title: "a task's target entry unknown during preview fails closed (a stack policy)",
    resources: teamStack("vision", "prod", "a10g", { taskTargets: [UNKNOWN] as unknown as Targets }),
    violations: [
      /MaintenanceWindowTask "weekly-retrain": its targets use key undefined instead of WindowTargetIds/,
    ],
  },
  {
    title: "the rest of a name is no second team: vision's window retrain-prod-vision-nlp-weekly is vision's",
    resources: teamStack("vision", "prod", "a10g").map((r) =>
      r.type === WINDOW ? { ...r, props: { ...r.props, name: "retrain-prod-vision-nlp-weekly" } } : r,
    ),
    violations: [],
  },
  {
    title: "an unregistered team whose name extends a registered one (vision-ml) is not taken for vision",
    resources: [
      {
        type: ASSOCIATION,
        name: "daily",
        props: {
          name: "retrain-prod-vision-ml-train",
          associationName: "retrain-prod-vision-ml-daily",
          tags: { "retrain:team": "vision-ml" },
          targets: poolTargets("prod", "a10g"),
        },
      },
    ],
    violations: [/team "vision-ml" is not registered in policies\/tenants\.yaml/],
  },
  {
    title: "an untagged association named for its team, running its document by ARN",
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
          name: "arn:aws:ssm:eu-west-1:123456789012:document/retrain-dev-recsys-train",
          associationName: "retrain-dev-recsys-daily",
          targets: poolTargets("dev", "a10g"),
        },
      },
    ],
    violations: [],
  },
  {
    title: "other tag keys only narrow a target (tag:Name, tag-key)",
    resources: teamStack("vision", "prod", "a10g", {
      targets: [
        ...poolTargets("prod", "a10g"),
        { key: "tag:Name", values: ["trainer-1"] },
        { key: "tag-key", values: ["retrain:team"] },
      ],
    }),
    violations: [],
  },
  {
    title: "a target entry whose key is unknown during preview is not judged (at up it is)",
    resources: teamStack("vision", "prod", "a10g", {
      targets: [...poolTargets("prod", "a10g"), { key: UNKNOWN, values: ["trainer-1"] }],
    }),
    violations: [],
  },
  {
    title: "a fleet tag value that is no fleet (prod instead of retrain-prod) fails closed",
    resources: teamStack("vision", "prod", "a10g", {
      targets: [
        { key: "tag:retrain:pool", values: ["a10g"] },
        { key: "tag:retrain:fleet", values: ["prod"] },
      ],
    }),
    violations: [
      /MaintenanceWindowTarget "weekly-pool": targets tag:retrain:fleet=prod, which is no fleet \(retrain-<environment>\)/,
    ],
  },
  {
    title: "two fleets in one target are refused",
    resources: teamStack("vision", "prod", "a10g", {
      targets: [
        { key: "tag:retrain:pool", values: ["a10g"] },
        { key: "tag:retrain:fleet", values: ["retrain-prod", "retrain-dev"] },
      ],
    }),
    violations: [
      /MaintenanceWindowTarget "weekly-pool": targets several fleets \(tag:retrain:fleet=retrain-prod, retrain-dev\)/,
    ],
  },
  {
    title: "a target naming the fleet of another environment is refused",
    resources: teamStack("vision", "prod", "a10g", { targets: poolTargets("dev", "a10g") }),
    violations: [
      /name more than one environment: .*MaintenanceWindowTarget "weekly-pool" target tag:retrain:fleet=retrain-dev → "dev"/,
    ],
  },
  {
    title: "a target and a task naming their window by id (after deployment), among two windows",
    resources: [
      ...byId(teamStack("vision", "prod", "a10g"), "mw-0123456789abcdef0"),
      {
        type: WINDOW,
        name: "nightly",
        props: {
          id: "mw-0fedcba9876543210",
          name: "retrain-prod-vision-nightly",
          tags: { "retrain:team": "vision" },
        },
      },
    ],
    violations: [],
  },
  {
    title: "a target and a task under the window's own component",
    resources: teamStack("vision", "prod", "a10g").map((r) =>
      r.type === DOCUMENT ? r : { ...r, parent: "weekly-window", propertyDependencies: {} },
    ),
    violations: [],
  },
  {
    title: "a target whose windowId names no window of this stack fails closed",
    resources: byId(teamStack("vision", "prod", "a10g"), "mw-0123456789abcdef0").map((r) =>
      r.type === TARGET ? { ...r, props: { ...r.props, windowId: "mw-0fedcba9876543210" } } : r,
    ),
    violations: [
      /MaintenanceWindowTarget "weekly-pool": it belongs to no maintenance window of the stack, so the pack cannot tell/,
    ],
  },
  {
    title: "a stack without schedule resources reaches no pool and is not judged",
    resources: [
      { type: "aws:iam/role:Role", name: "maintenance-window", props: { name: "retrain-prod-mw" } },
    ],
    violations: [],
  },
];
