/**
 * Who may receive a team's alerts. The schema checks the shape of `scheduling:notify`; these checks
 * need what the schema cannot see: the tenant registry (which e-mail domains security allows a team)
 * and the stack's own account and region (a topic elsewhere is not the team's to publish to).
 */
import type { ConfigProblem } from "./errors.js";
import { type NotifyConfig, SNS_TOPIC_ARN } from "./schemas.js";
import { dashPrefixes, TENANT_REGISTRY_PATH, type TenantRegistry } from "./tenants.js";

/**
 * Problems of a team's alert destinations against the registry: e-mail addresses outside its
 * `alertEmailDomains`, and a topic named `<team>-...` that is in fact another team's (team `vision`
 * may not take `vision-x-oncall` when `vision-x` is a registered team).
 */
export function checkAlertDestinations(
  registry: TenantRegistry,
  team: string,
  notify: NotifyConfig | undefined,
  registryFile = TENANT_REGISTRY_PATH,
): ConfigProblem[] {
  const problems = checkAlertEmails(registry, team, notify, registryFile);
  const topic = notify?.topicArn ? SNS_TOPIC_ARN.exec(notify.topicArn)?.[5] : undefined;
  // The longest registered team `<team>-…` the topic is named for (`<that team>-…`): only the
  // topic's own '-'-ended prefixes can be, so look those up instead of scanning every team.
  const owner = topic
    ? dashPrefixes(topic)
        .filter((t) => t !== team && t.startsWith(`${team}-`) && Object.hasOwn(registry.teams, t))
        .at(-1)
    : undefined;
  if (owner)
    problems.push({
      key: "scheduling:notify.topicArn",
      message: `topic "${topic}" is named for team "${owner}" (${registryFile}), not for team "${team}"`,
    });
  return problems;
}

/** Problems of a team's e-mail addresses against its `alertEmailDomains` in the registry. */
export function checkAlertEmails(
  registry: TenantRegistry,
  team: string,
  notify: NotifyConfig | undefined,
  registryFile = TENANT_REGISTRY_PATH,
): ConfigProblem[] {
  if (!notify || notify.emails.length === 0) return [];
  const tenant = Object.hasOwn(registry.teams, team) ? registry.teams[team] : undefined;
  const domains = tenant?.alertEmailDomains ?? [];
  const allowed = (email: string) => {
    const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
    return domains.includes(domain);
  };
  return notify.emails.flatMap((email, i) =>
    allowed(email)
      ? []
      : [
          {
            key: `scheduling:notify.emails[${i}]`,
            message:
              domains.length === 0
                ? `team "${team}" may not send alerts by e-mail: ${registryFile} lists no alertEmailDomains for it`
                : `"${email}" is not in a domain team "${team}" may alert (${domains.join(", ")} in ${registryFile})`,
          },
        ],
  );
}

/** Why a topic of `region` cannot take a stack's alerts when the stack is in `stackRegion`. */
function otherRegion(topicArn: string, region: string, stackRegion: string): string {
  return `topic ${topicArn} is in region ${region}, not this stack's region ${stackRegion} (aws:region; EventBridge targets a topic of the rule's own region)`;
}

/**
 * The team's topic against the stack's `aws:region`, which the file itself sets: checked with the
 * config, so `retrain config check` and the plan name the key. (The account is known only to the
 * program: {@link checkTopicScope}.)
 */
export function checkTopicRegion(notify: NotifyConfig | undefined, stackRegion: string): ConfigProblem[] {
  const topicArn = notify?.topicArn;
  const region = topicArn ? SNS_TOPIC_ARN.exec(topicArn)?.[2] : undefined;
  if (!topicArn || region === undefined || region === stackRegion) return [];
  return [{ key: "scheduling:notify.topicArn", message: otherRegion(topicArn, region, stackRegion) }];
}

/** Why a topic ARN is outside the stack's account and region; undefined when it is inside. */
export function checkTopicScope(
  topicArn: string,
  scope: { accountId: string; region: string },
): string | undefined {
  const m = SNS_TOPIC_ARN.exec(topicArn);
  if (!m) return `"${topicArn}" is not an SNS topic ARN`;
  const [, , region, , account] = m;
  if (account !== scope.accountId)
    return `topic ${topicArn} is in account ${account}, not this stack's account ${scope.accountId}`;
  if (region !== scope.region) return otherRegion(topicArn, region!, scope.region);
  return undefined;
}
