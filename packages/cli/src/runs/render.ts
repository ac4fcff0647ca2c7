/** `retrain runs` as text: per window its executions, newest first, and per instance the result. */

import { counted } from "@retrain/windows";
import type { RunsResult } from "./ssm-runs.js";

export function formatDuration(s: number | null): string {
  if (s === null) return "-";
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}h ${String(m).padStart(2, "0")}m`
    : m > 0
      ? `${m}m ${String(sec).padStart(2, "0")}s`
      : `${sec}s`;
}

const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "-");

export function renderRuns(result: RunsResult, since: Date): string {
  const out: string[] = [];
  const groups = new Map<string, RunsResult["runs"]>();
  for (const r of result.runs) {
    const key = `${r.team}/${r.window}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, runs] of groups) {
    out.push(`${key} (${runs[0]?.mode === "association" ? "association" : "maintenance window"})`);
    for (const r of runs) {
      out.push(
        `  ${when(r.start)}  ${r.status.padEnd(11)} ${formatDuration(r.durationSeconds).padStart(8)}  execution ${r.executionId}`,
      );
      for (const i of r.instances) {
        const detail =
          i.statusDetails && i.statusDetails.toLowerCase() !== i.status.toLowerCase()
            ? ` (${i.statusDetails})`
            : "";
        out.push(
          `    ${i.task.padEnd(16)} ${(i.instanceId ?? "no instance").padEnd(20)} ${i.status}${detail}  ${formatDuration(i.durationSeconds)}`,
        );
        if (i.logs)
          out.push(`      logs: ${i.logs.logGroup} stream ${i.logs.streamPrefix}*  ${i.logs.console}`);
      }
    }
    out.push("");
  }
  for (const n of result.notFound)
    out.push(
      `${n.team}/${n.window}: no window or association named ${n.name} in SSM (not deployed yet, or another region/account)`,
    );
  const count = result.runs.length;
  const failed = result.runs.filter((r) => !/^(SUCCESS|Success)$/.test(r.status)).length;
  out.push(
    `${counted(count, "run")} since ${since.toISOString()}${failed ? `, ${failed} not successful` : ""}`,
  );
  return `${out.join("\n")}\n`;
}
