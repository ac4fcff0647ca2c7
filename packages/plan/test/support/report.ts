/** A small, hand-made plan report for renderer tests: two teams clashing on one pool, violations. */
import { findClashes, isoUtc, runTime, type WindowRuns } from "@retrain/windows";
import { estimateCost } from "../../src/cost.js";
import type { PlanReport, ScheduleEntry, StackPlan } from "../../src/model.js";

const H = 3_600_000;
export const FROM = new Date("2026-11-30T00:00:00Z");

function weekly(dayOffset: number, hourUtc: number, duration: number) {
  return Array.from({ length: 4 }, (_, w) => {
    const start = new Date(FROM.getTime() + ((w * 7 + dayOffset) * 24 + hourUtc) * H);
    return { start, end: new Date(start.getTime() + duration * H) };
  });
}

const stack = (id: string, project: string, name: string, extra: Partial<StackPlan> = {}): StackPlan => ({
  id,
  kind: id.split("/")[0]!,
  project,
  stack: name,
  configFile: `stacks/${id}/Pulumi.${name}.yaml`,
  status: "planned",
  selected: true,
  resources: [],
  outputs: {},
  violations: [],
  ...extra,
});

export function sampleReport(teamName = "vision"): PlanReport {
  const stackUrn = `urn:pulumi:${teamName}::retrain-scheduling::pulumi:pulumi:Stack::retrain-scheduling-${teamName}`;
  const compUrn = `urn:pulumi:${teamName}::retrain-scheduling::retrain:scheduling:RetrainingWindow::weekly-retrain`;
  const mwUrn = `urn:pulumi:${teamName}::retrain-scheduling::retrain:scheduling:RetrainingWindow$aws:ssm/maintenanceWindow:MaintenanceWindow::weekly-retrain`;
  const taskUrn = `urn:pulumi:${teamName}::retrain-scheduling::retrain:scheduling:RetrainingWindow$aws:ssm/maintenanceWindowTask:MaintenanceWindowTask::weekly-retrain-retrain`;
  const windows: WindowRuns[] = [
    {
      team: teamName,
      stackId: `scheduling/${teamName}`,
      environment: "prod",
      window: "weekly-retrain",
      pool: "a10g",
      timezone: "Europe/Berlin",
      occurrences: weekly(6, 3, 3),
    },
    {
      team: "nlp",
      stackId: "scheduling/nlp",
      environment: "prod",
      window: "sunday-finetune",
      pool: "a10g",
      timezone: "America/New_York",
      occurrences: weekly(6, 5, 2),
    },
    {
      team: "recsys",
      stackId: "scheduling/recsys",
      environment: "prod",
      window: "hourly-refresh",
      pool: "l4",
      timezone: "UTC",
      occurrences: weekly(1, 12, 1),
    },
  ];
  const schedule: ScheduleEntry[] = windows.map((w) => ({
    team: w.team,
    stackId: w.stackId,
    environment: w.environment,
    window: w.window,
    mode: "maintenance-window",
    pool: w.pool,
    schedule: "cron(0 4 ? * SUN *)",
    timezone: w.timezone,
    description: "At 04:00 on Sunday",
    durationHours: (w.occurrences[0]!.end.getTime() - w.occurrences[0]!.start.getTime()) / H,
    enabled: true,
    startStopInstances: true,
    nextRuns: w.occurrences.map((o) => runTime(o.start, w.timezone)),
    occurrences: w.occurrences.map((o) => ({ start: isoUtc(o.start), end: isoUtc(o.end) })),
  }));
  const clashes = findClashes(windows);
  const cost = estimateCost({
    pools: [
      {
        environment: "prod",
        pool: "a10g",
        region: "eu-west-1",
        instanceType: "g5.xlarge",
        instanceCount: 2,
        stopsWhenIdle: false,
      },
      {
        environment: "prod",
        pool: "l4",
        region: "eu-west-1",
        instanceType: "g6.xlarge",
        instanceCount: 1,
        stopsWhenIdle: false,
      },
    ],
    windows: schedule.map((s) => ({
      team: s.team,
      environment: s.environment,
      pool: s.pool,
      hoursInHorizon: s.occurrences.length * s.durationHours,
      startStopInstances: s.startStopInstances,
      enabled: s.enabled,
    })),
    horizonHours: 4 * 7 * 24,
    prices: {
      source: "test (2026-11-25)",
      date: "2026-11-25",
      files: ["test"],
      prices: new Map([["eu-west-1", new Map([["g5.xlarge", 1.123]])]]),
    },
  });
  const stacks: StackPlan[] = [
    stack("iam/prod", "retrain-iam", "prod", { selected: false }),
    stack(`scheduling/${teamName}`, "retrain-scheduling", teamName, {
      resources: [
        { urn: stackUrn, type: "pulumi:pulumi:Stack", name: `retrain-scheduling-${teamName}`, inputs: {} },
        {
          urn: compUrn,
          type: "retrain:scheduling:RetrainingWindow",
          name: "weekly-retrain",
          parent: stackUrn,
          inputs: {},
        },
        {
          urn: mwUrn,
          type: "aws:ssm/maintenanceWindow:MaintenanceWindow",
          name: "weekly-retrain",
          parent: compUrn,
          id: "mw-0123456789abcdef0",
          inputs: {
            schedule: "cron(0 4 ? * SUN *)",
            scheduleTimezone: "Europe/Berlin",
            duration: 3,
            cutoff: 1,
          },
        },
        {
          urn: taskUrn,
          type: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
          name: "weekly-retrain-retrain",
          parent: compUrn,
          inputs: { taskType: "RUN_COMMAND", priority: 1, maxConcurrency: "1", maxErrors: "1" },
        },
      ],
      outputs: { windows: [{ name: "weekly-retrain" }] },
      violations: [
        {
          policy: "no-over-long-windows",
          policyPack: "retrain-guard",
          enforcementLevel: "mandatory",
          urn: mwUrn,
          message: "duration 3 h is fine but this is a test message\nsecond line",
        },
        {
          policy: "fleet-hygiene",
          policyPack: "retrain-guard",
          enforcementLevel: "advisory",
          urn: taskUrn,
          message: "an advisory finding",
        },
      ],
    }),
  ];
  return {
    from: isoUtc(FROM),
    to: isoUtc(new Date(FROM.getTime() + 28 * 24 * H)),
    weeks: 4,
    workspace: "/tmp/ws",
    stacks,
    clashes,
    schedule,
    cost,
    permissions: {
      checks: [
        {
          environment: "prod",
          flow: "team-run/vision",
          title: "Team vision's run works with its session of retrain-prod-team-vision",
          doc: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html",
          role: "arn:aws:iam::123456789012:role/retrain-prod-team-vision",
          caller: "its session",
          action: "s3:PutObject",
          resource: "arn:aws:s3:::retrain-artifacts-prod/runs/nlp/x",
          context: {},
          expect: "deny",
          decision: "Allowed",
          ok: false,
          why: "team nlp's runs",
          allowedBy: ["ReadWriteOwnRunsAndModels"],
        },
      ],
      findings: [
        {
          environment: "prod",
          flow: "team-run/vision",
          role: "arn:aws:iam::123456789012:role/retrain-prod-team-vision",
          file: "stacks/iam/envs/prod/Pulumi.prod.yaml",
          message:
            'flow "team-run/vision": role retrain-prod-team-vision is allowed s3:PutObject on <team nlp>, which must be denied',
        },
      ],
    },
    errors: [],
    summary: {
      stacks: 2,
      invalid: 0,
      planned: 1,
      failed: 0,
      skipped: 0,
      resources: 4,
      mandatory: 1,
      advisory: 1,
      clashes: clashes.length,
      permissionFindings: 1,
      exitCode: 1,
    },
  };
}
