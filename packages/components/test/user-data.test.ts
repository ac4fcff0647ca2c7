// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are bash, not JavaScript templates.
/**
 * The instance bootstrap as rendered: the metadata-service rule, what survives a failed agent install,
 * how the agent is detected, the size EC2 accepts, and shellcheck on it and on the scripts it writes.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderUserData, USER_DATA_LIMIT_BYTES } from "../src/fleet/user-data.js";
import { HOST_LOCK_FILE, IMDS_GUARD_UNIT, TRAINING_USER } from "../src/host.js";

const render = (stopWhenIdleMinutes = 60) =>
  renderUserData({ trainingUser: TRAINING_USER, stopWhenIdleMinutes, lockFile: HOST_LOCK_FILE });

/** The body of the heredoc `<<'NAME'` … `NAME` inside `script`. */
function heredoc(script: string, name: string): string {
  const m = new RegExp(`<<'${name}'\\n([\\s\\S]*?)\\n${name}\\n`).exec(script);
  if (!m?.[1]) throw new Error(`no heredoc ${name}`);
  return m[1];
}

describe("user data", () => {
  it("rejects every uid but root on the way to the metadata service, IPv4 and IPv6", () => {
    const guard = heredoc(render(), "GUARD");
    const rules = guard.split("\n").filter((l) => /-I OUTPUT 1 /.test(l));
    expect(rules.map((l) => l.trim())).toEqual([
      "|| iptables -w -I OUTPUT 1 -d 169.254.169.254/32 -m owner ! --uid-owner 0 -j REJECT",
      "|| ip6tables -w -I OUTPUT 1 -d fd00:ec2::254/128 -m owner ! --uid-owner 0 -j REJECT",
    ]);
    // Where only nftables exists, the same rule in its syntax.
    expect(guard).toContain("ip daddr 169.254.169.254 meta skuid != 0 reject");
    expect(guard).toContain("ip6 daddr fd00:ec2::254 meta skuid != 0 reject");
  });

  it("re-applies the rule at every boot before the network, through an enabled unit", () => {
    const script = render();
    const unit = heredoc(script, "UNIT");
    expect(unit).toContain("ExecStart=/usr/local/sbin/retrain-imds-guard");
    expect(unit).toContain("Before=network-pre.target");
    expect(unit).toContain("WantedBy=multi-user.target");
    expect(script).toContain(`systemctl enable --now ${IMDS_GUARD_UNIT}`);
  });

  it("creates no shared training user; the runs directory only the team group may traverse", () => {
    const script = render();
    expect(script).not.toMatch(/useradd/);
    expect(script).toContain("install -d -m 0710 -o root -g retrain /var/lib/retrain/runs");
    expect(script).toContain("d /run/retrain 0700 root root -");
  });

  it("keeps the idle stopper working with the root-only lock", () => {
    const idle = heredoc(render(45), "IDLE");
    expect(idle).toContain(
      `if [ -e ${HOST_LOCK_FILE} ] && ! flock -n ${HOST_LOCK_FILE} true; then return 0; fi`,
    );
    expect(idle).toContain("'retrain-run-*'");
    expect(idle).toContain('if [ "$idle" -ge 45 ]');
    expect(render(0)).not.toContain("retrain-idle-check");
  });

  it("fits EC2's 16 KB user data limit", () => {
    expect(Buffer.byteLength(render(), "utf8")).toBeLessThan(USER_DATA_LIMIT_BYTES);
  });
});

/** Stubs that do more than log: no group exists yet, tee swallows the log, grep is the real one. */
const STUB_BODIES: Record<string, string> = {
  getent: "exit 2",
  tee: "cat >/dev/null",
  grep: 'exec /bin/grep "$@"',
};

describe("user data on a host without network", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "retrain-ud-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Runs the script with every host command stubbed (logging its call): `installs` lists the package
   * managers present, `has` how the agent already ships ("snap", "deb", "rpm" or nothing).
   */
  function boot(installs: string[], has?: "snap" | "deb" | "rpm") {
    const bin = path.join(dir, `bin-${installs.join("-")}-${has ?? "none"}`);
    mkdirSync(bin, { recursive: true });
    const log = path.join(bin, "calls.log");
    const stub = (name: string, body = "exit 0") => {
      writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${log}\n${body}\n`);
      chmodSync(path.join(bin, name), 0o755);
    };
    for (const n of [
      "systemctl",
      "iptables",
      "ip6tables",
      "getent",
      "groupadd",
      "install",
      "systemd-tmpfiles",
      "logger",
      "tee",
      "chmod",
      "nvidia-smi",
      "paste",
      "grep",
    ])
      stub(n, STUB_BODIES[n] ?? "exit 0");
    // No network: every install fails.
    for (const m of installs) stub(m, 'case "$1" in list) exit 1 ;; install) exit 1 ;; esac');
    if (has === "snap") stub("snap", 'case "$1" in list) exit 0 ;; *) exit 1 ;; esac');
    stub("dpkg-query", has === "deb" ? "echo 'install ok installed'" : "exit 1");
    stub("rpm", has === "rpm" ? "exit 0" : "exit 1");
    // Files the script writes go to the sandbox, not /etc or /usr.
    const script = render()
      .replaceAll("/usr/local/sbin/", `${dir}/`)
      .replaceAll("/etc/systemd/system/", `${dir}/`)
      .replaceAll("/etc/tmpfiles.d/", `${dir}/`)
      .replaceAll("/var/log/", `${dir}/`)
      .replace("install -d -m 0755 /var/lib/retrain", `mkdir -p ${dir}`);
    const file = path.join(dir, "user-data.sh");
    writeFileSync(file, script);
    const r = spawnSync("bash", [file], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: "utf8" });
    const calls = spawnSync("cat", [log], { encoding: "utf8" }).stdout.split("\n");
    return { status: r.status, calls };
  }

  it("creates the guard, the group and the directories before a failing agent install, and finishes", () => {
    const { status, calls } = boot(["snap"]);
    expect(status).toBe(0);
    const at = (prefix: string) => calls.findIndex((c) => c.startsWith(prefix));
    expect(at(`systemctl enable --now ${IMDS_GUARD_UNIT}`)).toBeGreaterThanOrEqual(0);
    expect(at("groupadd --system retrain")).toBeGreaterThanOrEqual(0);
    expect(at("snap install amazon-ssm-agent")).toBeGreaterThan(at("groupadd --system retrain"));
    expect(calls).toContain(
      "logger -t retrain-bootstrap no SSM agent on this image and none could be installed",
    );
  });

  it.each([
    ["snap", "snap.amazon-ssm-agent.amazon-ssm-agent.service"],
    ["deb", "amazon-ssm-agent.service"],
    ["rpm", "amazon-ssm-agent.service"],
  ] as const)("detects an agent shipped as %s and installs no second one", (has, unit) => {
    const { status, calls } = boot(["snap", "dnf"], has);
    expect(status).toBe(0);
    expect(calls.filter((c) => / install /.test(` ${c} `) && /amazon-ssm-agent/.test(c))).toEqual([]);
    expect(calls).toContain(`systemctl enable --now ${unit}`);
  });
});

const analyze = spawnSync("systemd-analyze", ["--version"]).status === 0;
if (!analyze) console.log("skipping the user data's unit check: systemd-analyze is not installed");
describe.runIf(analyze)("the systemd units the user data writes", () => {
  it("are all keys and values systemd parses (systemd-analyze verify)", () => {
    const units = [
      ...render(60).matchAll(/cat > \/etc\/systemd\/system\/(\S+) <<'UNIT'\n([\s\S]*?)\nUNIT\n/g),
    ];
    expect(units.map((u) => u[1]).sort()).toEqual(
      [IMDS_GUARD_UNIT, "retrain-idle-check.service", "retrain-idle-check.timer"].sort(),
    );
    const dir = mkdtempSync(path.join(tmpdir(), "retrain-units-"));
    try {
      const files = units.map(([, name, body]) => {
        const file = path.join(dir, name as string);
        writeFileSync(file, `${(body as string).replace(/^ExecStart=.*$/m, "ExecStart=/bin/true")}\n`);
        return file;
      });
      const r = spawnSync("systemd-analyze", ["verify", ...files], { encoding: "utf8" });
      expect(r.stderr).not.toMatch(/Unknown key|Failed to parse|Invalid|ignoring/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The guard applied for real, in a network namespace of its own: a server on 169.254.169.254 answers
 * root and nobody else. Needs root, unshare, iptables and nft, the system python3 and setpriv.
 */
const can = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
const netns =
  process.getuid?.() === 0 &&
  can("unshare", "-n", "true") &&
  can("iptables", "--version") &&
  can("nft", "--version") &&
  can("/usr/bin/python3", "--version") &&
  can("setpriv", "--version");
if (!netns)
  console.log(
    "skipping the metadata-guard namespace test: needs root, unshare -n, iptables, nft, /usr/bin/python3, setpriv",
  );
describe.runIf(netns)("the metadata-service guard in a network namespace", () => {
  const probe = `import urllib.request
try:
    urllib.request.urlopen("http://169.254.169.254/", timeout=2)
    print("answered")
except OSError:
    print("blocked")`;
  function guarded(firewall: "iptables" | "nft") {
    const dir = mkdtempSync(path.join(tmpdir(), "retrain-guard-"));
    try {
      writeFileSync(path.join(dir, "guard.sh"), heredoc(render(), "GUARD"));
      writeFileSync(path.join(dir, "probe.py"), probe);
      chmodSync(dir, 0o755); // nobody reads the probe too
      // Without iptables on PATH the guard falls back to nft.
      mkdirSync(path.join(dir, "bin"));
      for (const tool of ["nft", "ip"])
        spawnSync("ln", ["-s", `/usr/sbin/${tool}`, path.join(dir, "bin", tool)]);
      const pathFor = firewall === "nft" ? `${dir}/bin:/usr/bin:/bin` : "/usr/sbin:/usr/bin:/sbin:/bin";
      const py = '"$(readlink -f /usr/bin/python3)"';
      const script = [
        "set -e",
        "ip link set lo up",
        "ip addr add 169.254.169.254/32 dev lo",
        `${py} -m http.server --bind 169.254.169.254 80 >/dev/null 2>&1 &`,
        "sleep 1",
        `PATH=${pathFor} bash guard.sh`,
        `PATH=${pathFor} bash guard.sh`,
        `echo "root $(${py} probe.py)"`,
        `echo "nobody $(setpriv --reuid 65534 --regid 65534 --clear-groups ${py} probe.py)"`,
        "kill %1",
      ].join("\n");
      const r = spawnSync("unshare", ["-n", "bash", "-c", script], {
        cwd: dir,
        encoding: "utf8",
        timeout: 30_000,
      });
      return r.stdout.trim().split("\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each(["iptables", "nft"] as const)("with %s: root reaches it, another uid does not", (firewall) => {
    expect(guarded(firewall)).toEqual(["root answered", "nobody blocked"]);
  });
});

const shellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
if (!shellcheck)
  console.log(
    "skipping shellcheck of the user data: shellcheck is not installed (apt-get install shellcheck)",
  );
describe.runIf(shellcheck)("shellcheck", () => {
  const check = (text: string) =>
    spawnSync("shellcheck", ["-s", "bash", "-"], { input: text, encoding: "utf8" });

  it.each([0, 60])("finds nothing in the user data (stopWhenIdleMinutes %i)", (minutes) => {
    const r = check(render(minutes));
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });

  it.each(["GUARD", "IDLE"])("finds nothing in the %s script the user data installs", (name) => {
    const r = check(heredoc(render(), name));
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });
});
