/**
 * Cloud-init user data of the GPU instances (a shell script, run once as root at first boot). Kept as
 * a function of its few inputs so tests read, shellcheck and measure exactly what an instance runs
 * (EC2 takes at most 16 KB of user data before base64:
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html).
 *
 * Order matters under `set -e`: what protects tenants from each other (the metadata-service guard, the
 * root-only state directory, the runs directory) comes first; the SSM agent install, which needs a
 * network, comes last and cannot abort the script.
 */
import { IDLE_STOPPER_BOOT_DELAY_MINUTES } from "@retrain/config";
import { HOST_STATE_DIR, IMDS_ADDRESSES, IMDS_GUARD_UNIT, RUN_UNIT_PREFIX, RUNS_DIR } from "../host.js";

export interface UserDataOptions {
  /** Group of the per-team users (`<group>-<team>`, created on demand by the training document). */
  trainingUser: string;
  /** Stop the instance after this many idle minutes (no GPU use, no command running); 0 = never. */
  stopWhenIdleMinutes: number;
  /** Host lock the training document holds while a run is active. */
  lockFile: string;
}

/** Size EC2 accepts for user data, before base64. */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

/**
 * The rules that keep the instance metadata service (and so the instance role's credentials) root's
 * only: every other uid's packets to it are rejected. iptables' owner match, with nftables' `meta skuid`
 * where only nft exists; IPv6 only where the kernel has it.
 */
function imdsGuard(): string {
  const { ipv4, ipv6 } = IMDS_ADDRESSES;
  return `# --- the metadata service answers root only: a team process must not reach the instance role.
cat > /usr/local/sbin/retrain-imds-guard <<'GUARD'
#!/bin/bash
set -eu
if command -v iptables >/dev/null 2>&1; then
  iptables -w -C OUTPUT -d ${ipv4}/32 -m owner ! --uid-owner 0 -j REJECT 2>/dev/null \\
    || iptables -w -I OUTPUT 1 -d ${ipv4}/32 -m owner ! --uid-owner 0 -j REJECT
  if [ -e /proc/net/if_inet6 ] && command -v ip6tables >/dev/null 2>&1; then
    ip6tables -w -C OUTPUT -d ${ipv6}/128 -m owner ! --uid-owner 0 -j REJECT 2>/dev/null \\
      || ip6tables -w -I OUTPUT 1 -d ${ipv6}/128 -m owner ! --uid-owner 0 -j REJECT
  fi
else
  nft -f - <<'NFT'
table inet retrain_imds {
  chain output {
    type filter hook output priority 0; policy accept;
    ip daddr ${ipv4} meta skuid != 0 reject
    ip6 daddr ${ipv6} meta skuid != 0 reject
  }
}
NFT
fi
GUARD
chmod 0755 /usr/local/sbin/retrain-imds-guard
cat > /etc/systemd/system/${IMDS_GUARD_UNIT} <<'UNIT'
[Unit]
Description=Keep the instance metadata service root-only
DefaultDependencies=no
Wants=network-pre.target
Before=network-pre.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/retrain-imds-guard
[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now ${IMDS_GUARD_UNIT}
`;
}

/** The systemd units and check script that stop an idle instance (written only when enabled). */
function idleStopper(minutes: number, lockFile: string): string {
  return `
# --- stop when idle: every minute, a timer checks GPU use, runs and SSM commands; after ${minutes} idle
# minutes in a row the instance powers off (shutdown behaviour "stop": EBS stays).
install -d -m 0755 /var/lib/retrain
cat > /usr/local/sbin/retrain-idle-check <<'IDLE'
#!/bin/bash
set -u
state=/var/lib/retrain/idle-minutes
busy() {
  # A run holds the host lock while it is active (the lock file exists once a run has started).
  if [ -e ${lockFile} ] && ! flock -n ${lockFile} true; then return 0; fi
  if [ -n "$(systemctl list-units --no-legend --state=active '${RUN_UNIT_PREFIX}*')" ]; then return 0; fi
  # Any SSM document worker means a command or session is being handled.
  if pgrep -f ssm-document-worker >/dev/null; then return 0; fi
  # Any GPU above 5 % utilisation.
  nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits 2>/dev/null | awk '$1 > 5 { found = 1 } END { exit !found }'
}
if busy; then echo 0 > "$state"; exit 0; fi
idle=$(( $(cat "$state" 2>/dev/null || echo 0) + 1 ))
echo "$idle" > "$state"
if [ "$idle" -ge ${minutes} ]; then
  logger -t retrain-idle "idle for $idle minutes: stopping the instance"
  echo 0 > "$state"
  systemctl poweroff
fi
IDLE
chmod 0755 /usr/local/sbin/retrain-idle-check
cat > /etc/systemd/system/retrain-idle-check.service <<'UNIT'
[Unit]
Description=Stop this training instance when idle
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/retrain-idle-check
UNIT
cat > /etc/systemd/system/retrain-idle-check.timer <<'UNIT'
[Unit]
Description=Check every minute whether this training instance is idle
[Timer]
OnBootSec=${IDLE_STOPPER_BOOT_DELAY_MINUTES}min
OnUnitActiveSec=1min
[Install]
WantedBy=timers.target
UNIT
systemctl daemon-reload
systemctl enable --now retrain-idle-check.timer
`;
}

/**
 * The SSM agent, whichever way the image ships it (snap on Ubuntu's Deep Learning AMI, a .deb or an
 * rpm elsewhere): installed only when none exists, then enabled. Without a network the install fails;
 * the script logs it and goes on.
 */
function ssmAgent(): string {
  return `
# --- SSM agent: every task reaches the instance through it.
agent_unit=
if command -v snap >/dev/null 2>&1 && snap list amazon-ssm-agent >/dev/null 2>&1; then
  agent_unit=snap.amazon-ssm-agent.amazon-ssm-agent.service
elif dpkg-query -W -f='\${Status}' amazon-ssm-agent 2>/dev/null | grep -q 'install ok installed' \\
  || rpm -q amazon-ssm-agent >/dev/null 2>&1; then
  agent_unit=amazon-ssm-agent.service
elif command -v snap >/dev/null 2>&1; then
  if snap install amazon-ssm-agent --classic; then agent_unit=snap.amazon-ssm-agent.amazon-ssm-agent.service; fi
elif command -v dnf >/dev/null 2>&1; then
  if dnf install -y amazon-ssm-agent; then agent_unit=amazon-ssm-agent.service; fi
elif command -v yum >/dev/null 2>&1; then
  if yum install -y amazon-ssm-agent; then agent_unit=amazon-ssm-agent.service; fi
fi
if [ -n "$agent_unit" ]; then
  systemctl enable --now "$agent_unit" || logger -t retrain-bootstrap "could not start $agent_unit"
else
  logger -t retrain-bootstrap "no SSM agent on this image and none could be installed"
fi
`;
}

/** The user data script (plain text; the launch template takes it base64-encoded). */
export function renderUserData(o: UserDataOptions): string {
  const group = o.trainingUser;
  return `#!/bin/bash
# retrain GPU instance bootstrap (cloud-init, first boot, as root).
set -euo pipefail
exec > >(tee -a /var/log/retrain-bootstrap.log) 2>&1

${imdsGuard()}
# --- tenants: each team's user (${group}-<team>) is created on demand by the training document; they
# share the group ${group}, which may only traverse the runs directory. The state directory holding the
# host lock is root's and recreated at every boot (it lives on tmpfs).
getent group ${group} >/dev/null || groupadd --system ${group}
install -d -m 0710 -o root -g ${group} ${RUNS_DIR}
echo 'd ${HOST_STATE_DIR} 0700 root root -' > /etc/tmpfiles.d/retrain.conf
systemd-tmpfiles --create /etc/tmpfiles.d/retrain.conf

# --- GPU check: the driver must answer; the result lands in the bootstrap log and the console.
if nvidia-smi; then
  logger -t retrain-bootstrap "GPU ready: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | paste -sd';')"
else
  logger -t retrain-bootstrap "nvidia-smi failed: GPU driver not working"
fi
${o.stopWhenIdleMinutes > 0 ? idleStopper(o.stopWhenIdleMinutes, o.lockFile) : ""}${ssmAgent()}`;
}
