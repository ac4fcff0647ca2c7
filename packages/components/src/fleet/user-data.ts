/**
 * Cloud-init user data of the GPU instances (a shell script, run once as root at first boot). Kept as
 * a function of its few inputs so tests read exactly what an instance will run.
 */

export interface UserDataOptions {
  /** Unprivileged user the training commands run as. */
  trainingUser: string;
  /** Stop the instance after this many idle minutes (no GPU use, no command running); 0 = never. */
  stopWhenIdleMinutes: number;
  /** Host lock the retraining document holds while a command runs. */
  lockFile: string;
}

/** The systemd units and check script that stop an idle instance (written only when enabled). */
function idleStopper(minutes: number, lockFile: string): string {
  return `
# --- stop when idle: every minute, a timer checks GPU use and running SSM commands; after
# ${minutes} idle minutes in a row the instance powers off (shutdown behaviour "stop": EBS stays).
install -d -m 0755 /var/lib/retrain
cat > /usr/local/sbin/retrain-idle-check <<'IDLE'
#!/bin/bash
set -u
state=/var/lib/retrain/idle-minutes
busy() {
  # A command holds the host lock while it runs.
  if ! flock -n ${lockFile} true; then return 0; fi
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
OnBootSec=10min
OnUnitActiveSec=1min
[Install]
WantedBy=timers.target
UNIT
systemctl daemon-reload
systemctl enable --now retrain-idle-check.timer
`;
}

/** The user data script (plain text; the launch template takes it base64-encoded). */
export function renderUserData(o: UserDataOptions): string {
  return `#!/bin/bash
# retrain GPU instance bootstrap (cloud-init, first boot, as root).
set -euxo pipefail
exec > >(tee -a /var/log/retrain-bootstrap.log) 2>&1

# --- SSM agent: every task reaches the instance through it. The Deep Learning AMI (Ubuntu) ships it
# as a snap; install it when missing, then make sure it runs now and after every boot.
if command -v snap >/dev/null 2>&1; then
  snap list amazon-ssm-agent >/dev/null 2>&1 || snap install amazon-ssm-agent --classic
  systemctl enable --now snap.amazon-ssm-agent.amazon-ssm-agent.service
elif command -v dnf >/dev/null 2>&1 || command -v yum >/dev/null 2>&1; then
  rpm -q amazon-ssm-agent >/dev/null 2>&1 || "$(command -v dnf || command -v yum)" install -y amazon-ssm-agent
  systemctl enable --now amazon-ssm-agent
fi

# --- the unprivileged user training commands run as (no sudo, no login shell password).
id -u ${o.trainingUser} >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ${o.trainingUser}
getent group video >/dev/null && usermod -aG video ${o.trainingUser}
install -d -o ${o.trainingUser} -g ${o.trainingUser} -m 0750 /opt/retrain /var/lib/retrain-runs

# --- GPU check: the driver must answer; the result lands in the bootstrap log and the console.
if nvidia-smi; then
  logger -t retrain-bootstrap "GPU ready: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | paste -sd';')"
else
  logger -t retrain-bootstrap "nvidia-smi failed: GPU driver not working"
fi
${o.stopWhenIdleMinutes > 0 ? idleStopper(o.stopWhenIdleMinutes, o.lockFile) : ""}`;
}
