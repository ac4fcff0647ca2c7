/**
 * AWS managed policies that amount to administrator access. One list, kept here:
 * - AdministratorAccess: Action "*" on Resource "*".
 * - PowerUserAccess: every action except IAM/Organizations/Account management, on "*".
 * - IAMFullAccess: iam:* lets the holder attach AdministratorAccess to itself (privilege escalation).
 * - AWSOrganizationsFullAccess: organizations:* controls every member account.
 * - AdministratorAccess-Amplify, AdministratorAccess-AWSElasticBeanstalk: AWS itself names these
 *   administrator access; they create and pass IAM roles across many services.
 * - job-function/SystemAdministrator: broad write access to compute, network and IAM PassRole.
 * Teams extend the list through the policy's `additionalAdminPolicies` config.
 */
export const ADMIN_MANAGED_POLICIES: readonly string[] = [
  "AdministratorAccess",
  "PowerUserAccess",
  "IAMFullAccess",
  "AWSOrganizationsFullAccess",
  "AdministratorAccess-Amplify",
  "AdministratorAccess-AWSElasticBeanstalk",
  "job-function/SystemAdministrator",
];

/** `arn:<aws|aws-cn|aws-us-gov|...>:iam::aws:policy/<path/>Name` → "<path/>Name"; else undefined. */
export function awsManagedPolicyName(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/i.exec(arn.trim());
  return m?.[1];
}

/** The admin-like policy an ARN names (matched case-insensitively), if any. */
export function adminPolicyIn(arn: string, additional: readonly string[] = []): string | undefined {
  const name = awsManagedPolicyName(arn);
  if (!name) return undefined;
  const lower = name.toLowerCase();
  return [...ADMIN_MANAGED_POLICIES, ...additional].find((p) => p.toLowerCase() === lower);
}
