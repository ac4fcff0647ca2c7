/**
 * What the training document (root side of a run) and the instance's user data agree on about the
 * host: users, paths, the metadata service. Pulumi-free, so the document renderer, the user data and
 * the policy pack's verifier read the same values.
 */

/** Prefix of the per-team Unix users (`retrain-<team>`) and name of the group they all join. */
export const TRAINING_USER = "retrain";

/** The Unix user a team's commands run as on every instance: `retrain-<team>`. */
export function teamUser(team: string): string {
  return `${TRAINING_USER}-${team}`;
}

/** Root-only (0700) state directory on tmpfs: the host lock and each run's credential files. */
export const HOST_STATE_DIR = "/run/retrain";

/** Host lock the training document holds while a run is active; the idle stopper treats a held lock as busy. */
export const HOST_LOCK_FILE = `${HOST_STATE_DIR}/host.lock`;

/** Parent of the per-run working directories (root:retrain 0710; each run's own directory is 0700, the team's). */
export const RUNS_DIR = "/var/lib/retrain/runs";

/** Prefix of the transient systemd units runs execute in (`retrain-run-<team>-<id>.service`). */
export const RUN_UNIT_PREFIX = "retrain-run-";

/**
 * The instance metadata service (IPv4, and the IPv6 address of Nitro instances when the IPv6 endpoint
 * is enabled): https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html.
 * Only root may reach it: a team process must not obtain the instance role's credentials.
 */
export const IMDS_ADDRESSES = { ipv4: "169.254.169.254", ipv6: "fd00:ec2::254" } as const;

/** Unit of the user data that (re)applies the metadata-service guard at every boot; runs require it active. */
export const IMDS_GUARD_UNIT = "retrain-imds-guard.service";
