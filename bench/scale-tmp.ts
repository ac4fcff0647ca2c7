import { execFileSync, spawnSync } from "node:child_process";
import { generateWorkspace } from "./lib/workspace.js";
const bin = "/work/main/packages/cli/dist/bin.js";
for (const teams of process.argv.slice(2).map(Number)) {
  const ws = generateWorkspace(teams);
  const up0 = execFileSync("uptime").toString().trim();
  const t = process.hrtime.bigint();
  const res = spawnSync("/usr/bin/time", ["-f", "%e s wall %U+%S cpu %M KB", "node", bin, "plan", "--workspace", ws.root, "--no-cache", "--quiet", "--from", "2026-12-07T00:00:00Z"], { encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(`${teams} teams: ${(ms / 1000).toFixed(1)} s (${(ms / teams).toFixed(1)} ms/team); ${res.stderr.trim().split("\n").slice(-1)[0]}; exit ${res.status}; ${res.stdout.trim().split("\n").slice(-1)[0]}; ${up0} -> ${execFileSync("uptime").toString().trim()}`);
  ws.cleanup();
}
