/**
 * Account-wide quotas beyond maintenance windows and EventBridge rules (cross-stack.ts), which every
 * stack of one environment (one account and region, as the plan assumes) consumes per team, so that a
 * workspace of many teams plans clean while `pulumi up` of the last stack fails:
 *   - Systems Manager documents per account and Region (500): one training document per team stack;
 *   - State Manager associations per account and Region (2,000): every team's associations;
 *   - IAM roles per account (1,000 by default, at most 5,000): one training role per team the
 *     tenant registry grants the environment, created by the iam stack.
 * Every count comes from configs (event-rules.ts of @retrain/config: teamDocumentCount,
 * teamAssociationCount, iamRoleCount, checked against the programs by tests), so the plan and
 * `retrain config check` agree. One finding per environment over a quota.
 *
 * Judged unreachable, and so not checked (AWS's defaults; docs/operations.md lists them): KMS keys
 * (100,000 per account and Region; one per team), SNS standard topics (100,000; one per team),
 * CloudWatch Logs log groups (1,000,000; one per team), CloudWatch alarms (no limit), IAM customer
 * managed policies and instance profiles (the stacks create none, and one per environment), S3
 * buckets (one per environment).
 */
import {
  IAM_ROLES_PER_ACCOUNT,
  IAM_ROLES_PER_ACCOUNT_MAX,
  type Problem,
  SSM_ASSOCIATIONS_PER_ACCOUNT_REGION,
  SSM_DOCUMENTS_PER_ACCOUNT_REGION,
  teamAssociationCount,
  teamDocumentCount,
} from "@retrain/config/workspace";
import type { FleetFacts, TeamFacts } from "./cross-stack.js";

/** A team of an environment with its count; `id` and `n` as {@link countsOf} lists them. */
export interface EnvironmentUser {
  t: TeamFacts;
  id: string;
  n: number;
}

/**
 * The teams of each fleet (environment) with what `count` gives each, teams counting 0 left out, the
 * largest first (then by id): the account-wide quota checks sum these and name the first.
 */
export function perEnvironment(
  teams: readonly TeamFacts[],
  count: (t: TeamFacts) => number,
): { fleet: FleetFacts; users: EnvironmentUser[]; total: number }[] {
  const byFleet = new Map<string, { fleet: FleetFacts; users: EnvironmentUser[] }>();
  for (const t of teams) {
    if (!t.fleet) continue;
    const n = count(t);
    if (n === 0) continue;
    const entry = byFleet.get(t.fleet.id) ?? { fleet: t.fleet, users: [] };
    entry.users.push({ t, id: t.id, n });
    byFleet.set(t.fleet.id, entry);
  }
  return [...byFleet.values()].map(({ fleet, users }) => ({
    fleet,
    users: users.sort((a, b) => b.n - a.n || (a.t.id < b.t.id ? -1 : 1)),
    total: users.reduce((n, u) => n + u.n, 0),
  }));
}

/** At most this many stacks are named with their counts in a finding; the rest are summed. */
const NAMED = 10;

/** `a 3, b 2, … and 4,998 more stacks (4,998)`: the largest first, as perEnvironment sorts them. */
export function countsOf(entries: readonly { id: string; n: number }[]): string {
  const shown = entries.slice(0, NAMED).map((e) => `${e.id} ${e.n}`);
  const rest = entries.slice(NAMED);
  if (rest.length > 0)
    shown.push(
      `and ${rest.length.toLocaleString("en-US")} more stacks (${rest.reduce((n, e) => n + e.n, 0).toLocaleString("en-US")})`,
    );
  return shown.join(", ");
}

const n = (x: number) => x.toLocaleString("en-US");

/**
 * The SSM documents of every stack of one environment (its fleet: one account and region) together
 * within {@link SSM_DOCUMENTS_PER_ACCOUNT_REGION}: each team's stack creates its training document
 * ({@link teamDocumentCount}), the fleet and iam stacks their `platformDocuments` (none). The limit
 * is the fleet's `documentQuota` (CreateDocument's stated limit unless the account's was raised).
 * One finding per environment over it, on the first team by id
 * (every team has one). Documents the account holds outside these stacks are not known to the plan.
 */
export function checkAccountDocuments(
  teams: readonly TeamFacts[],
  limit = SSM_DOCUMENTS_PER_ACCOUNT_REGION,
): Problem[] {
  const problems: Problem[] = [];
  for (const { fleet, users, total: teamDocuments } of perEnvironment(teams, (t) =>
    teamDocumentCount(t.config),
  )) {
    const platform = (fleet.platformDocuments ?? []).filter((p) => p.documents > 0);
    const total = platform.reduce((m, p) => m + p.documents, teamDocuments);
    const quota = fleet.documentQuota ?? limit;
    if (total <= quota) continue;
    const top = users[0]!;
    const counts = countsOf([...users, ...platform.map((p) => ({ id: p.id, n: p.documents }))]);
    problems.push({
      file: top.t.file,
      key: "scheduling:environment",
      message: `the ${n(users.length)} team stacks on ${fleet.id} create ${n(total)} Systems Manager documents together (${counts}): each team's stack creates its own training document (retrain-<environment>-<team>-train), and the account allows ${n(quota)} documents in its region (fleet:documentQuota in ${fleet.file}; ${n(limit)} is CreateDocument's stated limit, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html), so the last team stack deployed would fail with DocumentLimitExceeded. Move teams to another environment (another account or region) or remove the teams' stacks that no longer run (documents the account holds outside these stacks count too)`,
    });
  }
  return problems;
}

/**
 * The State Manager associations of every team of one environment together within
 * {@link SSM_ASSOCIATIONS_PER_ACCOUNT_REGION} ({@link teamAssociationCount}: one per `mode:
 * association` window), within the fleet's `associationQuota` (CreateAssociation's stated limit
 * unless the account's was raised). One finding per environment over it, on the team
 * with the most associations. Associations the account holds outside these stacks (Quick Setup's,
 * say) are not known to the plan.
 */
export function checkAccountAssociations(
  teams: readonly TeamFacts[],
  limit = SSM_ASSOCIATIONS_PER_ACCOUNT_REGION,
): Problem[] {
  const problems: Problem[] = [];
  for (const { fleet, users, total } of perEnvironment(teams, (t) => teamAssociationCount(t.config))) {
    const quota = fleet.associationQuota ?? limit;
    if (total <= quota) continue;
    const top = users[0]!;
    problems.push({
      file: top.t.file,
      key: "scheduling:windows",
      message: `the teams on ${fleet.id} declare ${n(total)} associations together (${countsOf(users)}), more than the account's ${n(quota)} active associations in its region (fleet:associationQuota in ${fleet.file}; ${n(limit)} is CreateAssociation's stated limit, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateAssociation.html): the last stack deployed would fail with AssociationLimitExceeded. Merge associations, move some to maintenance windows, lower the teams' maxWindows in the tenant registry, or move teams to another environment (associations the account holds outside these stacks count too)`,
    });
  }
  return problems;
}

/** What the role check reads of an environment's iam stack (its config and the tenant registry). */
export interface IamRoleFacts {
  /** `iam/<env>`. */
  id: string;
  /** Its config file, workspace-relative. */
  file: string;
  /** `iam:roleQuota`: the account's IAM roles quota (default {@link IAM_ROLES_PER_ACCOUNT}). */
  roleQuota?: number;
  /** The roles it creates (`iamRoleCount` of its config and the registry's grants). */
  roles: number;
  /** Of those, one training role per team the registry grants the environment. */
  teamRoles: number;
  /** Of those, one start/stop automation role per granted pool (with `iam:allowStartStop`). */
  startStopRoles: number;
  /** The tenant registry that decides the team roles, workspace-relative. */
  registry: string;
}

/**
 * The IAM roles an environment's iam stack creates within the account's `iam:roleQuota` (default
 * {@link IAM_ROLES_PER_ACCOUNT}, adjustable up to {@link IAM_ROLES_PER_ACCOUNT_MAX}). What decides
 * them is the tenant registry (a training role per team granted the environment, whether or not its
 * scheduling stack exists) and the iam config (`allowStartStop`: a role per granted pool), not the
 * teams' files: the finding is on the iam stack's file, whose `pulumi up` would fail. IAM is global:
 * environments sharing an account are not summed together (the plan does not know the accounts),
 * nor are the roles the account holds outside this stack.
 */
export function checkAccountRoles(iams: readonly IamRoleFacts[]): Problem[] {
  const problems: Problem[] = [];
  for (const iam of iams) {
    const limit = iam.roleQuota ?? IAM_ROLES_PER_ACCOUNT;
    if (iam.roles <= limit) continue;
    const own = iam.roles - iam.teamRoles - iam.startStopRoles;
    const parts = [
      `${n(iam.teamRoles)} team training roles, one per team ${iam.registry} grants the environment`,
      ...(iam.startStopRoles > 0 ? [`${n(iam.startStopRoles)} start/stop roles, one per granted pool`] : []),
      `${own} of its own`,
    ];
    const raise =
      limit < IAM_ROLES_PER_ACCOUNT_MAX
        ? `, or raise the quota in Service Quotas (at most ${n(IAM_ROLES_PER_ACCOUNT_MAX)}) first and then iam:roleQuota`
        : "";
    problems.push({
      file: iam.file,
      key: "iam:roleQuota",
      message: `${iam.id} creates ${n(iam.roles)} IAM roles (${parts.join(", ")}), more than the account's quota of ${n(limit)} roles (iam:roleQuota in ${iam.file}; ${n(IAM_ROLES_PER_ACCOUNT)} is IAM's default, ${n(IAM_ROLES_PER_ACCOUNT_MAX)} its maximum, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): its \`pulumi up\` would fail with LimitExceeded from CreateRole, and the teams without a role could not run. Move teams to an environment in another account (their grants in ${iam.registry})${raise}`,
    });
  }
  return problems;
}
