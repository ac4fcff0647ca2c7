/** Benchmark results: the JSON written under bench/results/ and the table printed on stdout. */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Comparison } from "./measure.js";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const RESULTS_DIR = path.join(REPO_ROOT, "bench/results");

export interface MachineInfo {
  date: string;
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  /** 1/5/15-minute load averages when the run started: a busy shared machine explains noise. */
  loadAverage: number[];
  commit: string;
  dirty: boolean;
}

export function machineInfo(): MachineInfo {
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  };
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    commit: git("rev-parse", "--short", "HEAD"),
    dirty: git("status", "--porcelain", "--untracked-files=no").length > 0,
  };
}

/** One line of the table: a subject, its baseline and their ratio. */
export interface Row {
  case: string;
  /** What the figure counts, e.g. "next-runs/s", "s/plan". */
  unit: string;
  subject: string;
  baseline: string;
  comparison: Comparison;
  /** Figure shown per side: throughput (units/s) or time (s per call). */
  show: "throughput" | "seconds";
  /** e.g. "< 1.5"; checked against the ratio when `target` is given. */
  target?: { ratioBelow?: number; secondsBelow?: number; peakMiBBelow?: number };
  /** The subject's peak resident memory, MiB (what `peakMiBBelow` checks). */
  peakMiB?: number;
  note?: string;
}

export interface SuiteResult {
  suite: string;
  machine: MachineInfo;
  rows: Row[];
  /** Suite-specific findings (growth fits, equivalence checks, profiles). */
  extra?: Record<string, unknown>;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (n >= 100) return n.toFixed(0);
  if (n >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

/** Each target of a row with whether this run met it (a row can have a ratio and a time target). */
export function targetChecks(row: Row): { label: string; met: boolean }[] {
  if (!row.target) return [];
  const c = row.comparison;
  const checks: { label: string; met: boolean }[] = [];
  if (row.target.ratioBelow !== undefined)
    checks.push({ label: `ratio<${row.target.ratioBelow}`, met: c.ratio < row.target.ratioBelow });
  if (row.target.secondsBelow !== undefined)
    checks.push({
      label: `<${row.target.secondsBelow}s`,
      met: c.subject.msPerCall / 1000 < row.target.secondsBelow,
    });
  if (row.target.peakMiBBelow !== undefined)
    checks.push({
      label: `peak<${row.target.peakMiBBelow}MiB`,
      met: row.peakMiB !== undefined && row.peakMiB < row.target.peakMiBBelow,
    });
  return checks;
}

export function targetMet(row: Row): boolean | undefined {
  const checks = targetChecks(row);
  return checks.length === 0 ? undefined : checks.every((t) => t.met);
}

function targetText(row: Row): string {
  return targetChecks(row)
    .map((t) => `${t.label} ${t.met ? "met" : "MISSED"}`)
    .join(", ");
}

export function printTable(result: SuiteResult): void {
  const head = ["case", "subject", "baseline", "ratio", "±95%", "rounds", "target"];
  const lines = result.rows.map((r) => {
    const c = r.comparison;
    const side = (s: Comparison["subject"]) =>
      r.show === "throughput" ? `${fmt(s.unitsPerSecond)} ${r.unit}` : `${fmt(s.msPerCall / 1000)} s`;
    return [
      r.case,
      `${r.subject}: ${side(c.subject)}`,
      `${r.baseline}: ${side(c.baseline)}`,
      `${c.ratio.toFixed(2)}×`,
      Number.isFinite(c.ratioCi) ? `${(c.ratioCi * 100).toFixed(1)}%` : "n/a",
      `${c.rounds}${c.stable ? "" : " (unstable)"}`,
      targetText(r),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  process.stdout.write(`\n${result.suite}\n${line(head)}\n${line(widths.map((w) => "-".repeat(w)))}\n`);
  for (const l of lines) process.stdout.write(`${line(l)}\n`);
  for (const r of result.rows) if (r.note) process.stdout.write(`  ${r.case}: ${r.note}\n`);
}

/** Writes bench/results/<name>.json (samples included, so a result can be re-analysed). */
export function writeResult(name: string, result: SuiteResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  const rows = result.rows.map((r) => ({ ...r, targetMet: targetMet(r), targets: targetChecks(r) }));
  writeFileSync(file, `${JSON.stringify({ ...result, rows }, null, 2)}\n`);
  return file;
}
