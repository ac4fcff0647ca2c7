/**
 * The pull-request comment summarising the offline plan (`pnpm plan --json plan.json`): totals,
 * each stack's status and mandatory violations, clashes and cost. Reads only the fields it shows,
 * so the plan report can grow without breaking CI.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { printable } from "@retrain/config/workspace";
import { counted } from "@retrain/windows";

/** Marks the comment so CI updates its own comment instead of adding one per push. */
export const COMMENT_MARKER = "<!-- retrain-plan -->";

interface PlanReportView {
  summary: {
    stacks: number;
    /** Stack files that did not load (not in `stacks`); absent in a report from before it. */
    invalid?: number;
    planned: number;
    failed: number;
    skipped: number;
    resources: number;
    mandatory: number;
    advisory: number;
    clashes: number;
    exitCode: number;
  };
  stacks: {
    id: string;
    status: string;
    selected?: boolean;
    resources: unknown[];
    violations: { policy: string; enforcementLevel: string; message: string }[];
    error?: string;
  }[];
  clashes: {
    environment: string;
    pool: string;
    a: { team: string; window: string };
    b: { team: string; window: string };
    firstOverlap: { start: string };
    beyondHorizon?: boolean;
  }[];
  cost?: { totalMonthlyCostUsd: number };
  /** The permissions proof; absent in reports of plans that predate it. */
  permissions?: { findings: { environment: string; flow: string; message: string }[] };
  errors: { file: string; key?: string; message: string }[];
  /** Which findings decide the exit code (`retrain plan --gate`); absent in older reports: all do. */
  gate?: {
    mode: "all" | "stacks";
    stacks: string[];
    notGating: {
      mandatory: number;
      clashes: number;
      permissionFindings: number;
      stackIds: string[];
      clashIndexes: number[];
      permissionFindingIndexes: number[];
    };
  };
}

/** How the comment marks a finding that does not decide the exit code. */
export const NOT_GATING = "pre-existing on an unchanged stack, not gating";

/**
 * A message as inert text in the comment's markdown: one line, control characters as escapes
 * ({@link printable}). Outside its code spans (which GitHub shows verbatim) `&`, `<` and `>` become
 * entities and `[`, `]`, `|` are backslash-escaped, so a value quoted from a team's
 * file cannot open an HTML comment (hiding the rest of the report), a tag, a link or an image; with
 * an unpaired backtick or a run of them every backtick is escaped, so no span swallows what follows.
 * `@name`, `https://…` and `www.…` are broken with a zero-width space, so no mention or link.
 */
const ZWSP = "\u200b";

function cell(text: string): string {
  const line = printable(text.replaceAll("\n", " "));
  const parts = line.split("`");
  // A backslash first: before a backtick it would make that backtick literal and shift the pairing.
  const outside = (part: string) =>
    part
      .replaceAll("\\", "\\\\")
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replace(/[[\]|]/g, "\\$&")
      // A zero-width space after `@`, in a scheme and after `www`: no mention pings anyone from the
      // bot's comment and no bare URL becomes a link (GitHub's autolinks, GFM's extended autolinks).
      .replace(/@(?=[\w-])/g, `@${ZWSP}`)
      .replace(/\b(https?|ftp):(?=\/\/)/gi, `$1${ZWSP}:`)
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`);
  // Single backticks pair up in order, as markdown pairs them; runs of two or more, or a backslash
  // before one, do not: escape all.
  const md =
    parts.length % 2 === 1 && !line.includes("``") && !line.includes("\\`")
      ? parts.map((part, i) => (i % 2 === 0 ? outside(part) : part)).join("`")
      : parts.map(outside).join("\\`");
  return md;
}

/**
 * `text` (a file name, a key, a stack id: all of them may come from a team) as one code span: a fence
 * of more backticks than the longest run inside, padded with spaces, so the span cannot be closed from
 * within (CommonMark code spans); control characters as escapes.
 */
function codeSpan(text: string): string {
  const line = printable(text.replaceAll("\n", " "));
  const longest = Math.max(0, ...[...line.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return longest === 0 ? `${fence}${line}${fence}` : `${fence} ${line} ${fence}`;
}

export function planComment(report: PlanReportView, runUrl?: string): string {
  const s = report.summary;
  const gate = report.gate?.mode === "stacks" ? report.gate : undefined;
  const notGatingStacks = new Set(gate?.notGating.stackIds ?? []);
  const notGatingClashes = new Set(gate?.notGating.clashIndexes ?? []);
  const notGatingFindings = new Set(gate?.notGating.permissionFindingIndexes ?? []);
  const notGatingCount = gate
    ? gate.notGating.mandatory + gate.notGating.clashes + gate.notGating.permissionFindings
    : 0;
  const mark = (notGating: boolean) => (notGating ? ` _(${NOT_GATING})_` : "");
  const verdict =
    s.exitCode === 0
      ? notGatingCount > 0
        ? "✅ clean for this change"
        : "✅ clean"
      : s.exitCode === 1
        ? "❌ mandatory violations, clashes or permission findings"
        : "⚠️ invalid input";
  const lines = [
    COMMENT_MARKER,
    `### Offline plan: ${verdict}`,
    "",
    `${counted(s.stacks + (s.invalid ?? 0), "stack")} (${s.planned} planned, ${s.invalid ? `${s.invalid} invalid, ` : ""}${s.failed} failed, ${s.skipped} skipped), ${counted(s.resources, "resource")}, ` +
      `${s.mandatory} mandatory and ${s.advisory} advisory ${s.mandatory + s.advisory === 1 ? "violation" : "violations"}, ${counted(s.clashes, "clash", "clashes")}` +
      (report.cost ? `, about $${report.cost.totalMonthlyCostUsd.toFixed(0)}/month on-demand GPU.` : "."),
  ];
  if (gate) {
    lines.push(
      "",
      `Gated on the stacks this pull request touches: ${gate.stacks.map(codeSpan).join(", ") || "none"}.` +
        (notGatingCount > 0
          ? ` ${notGatingCount} finding${notGatingCount === 1 ? " is" : "s are"} ${NOT_GATING}: ` +
            "reported here for their team, they do not fail this pull request."
          : ""),
    );
  }
  if (report.errors.length > 0) {
    lines.push("", "**Invalid input**", "");
    for (const e of report.errors.slice(0, 50))
      lines.push(`- ${codeSpan(e.file)}${e.key ? ` ${codeSpan(e.key)}` : ""}: ${cell(e.message)}`);
    if (report.errors.length > 50) lines.push(`- … and ${report.errors.length - 50} more (see the artifact)`);
  }
  const shown = report.stacks.filter((st) => st.selected !== false);
  if (shown.length > 0) {
    lines.push("", "| stack | status | resources | mandatory | advisory |", "|---|---|---:|---:|---:|");
    for (const st of shown) {
      const count = (level: string) => st.violations.filter((v) => v.enforcementLevel === level).length;
      const mandatory = `${count("mandatory")}${notGatingStacks.has(st.id) ? " (not gating)" : ""}`;
      lines.push(
        `| \`${st.id}\` | ${st.status} | ${st.resources.length} | ${mandatory} | ${count("advisory")} |`,
      );
    }
  }
  const mandatory = shown.flatMap((st) =>
    st.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => ({ id: st.id, ...v })),
  );
  if (mandatory.length > 0) {
    lines.push("", "**Mandatory violations**", "");
    for (const v of mandatory.slice(0, 50))
      lines.push(`- ${codeSpan(v.id)} ${v.policy}: ${cell(v.message)}${mark(notGatingStacks.has(v.id))}`);
    if (mandatory.length > 50) lines.push(`- … and ${mandatory.length - 50} more (see the artifact)`);
  }
  const failed = shown.filter((st) => st.error);
  if (failed.length > 0) {
    lines.push("", "**Failed stacks**", "");
    for (const st of failed) lines.push(`- ${codeSpan(st.id)}: ${cell(st.error ?? "")}`);
  }
  const permissionFindings = report.permissions?.findings ?? [];
  if (permissionFindings.length > 0) {
    lines.push("", "**Permission findings**", "");
    permissionFindings.slice(0, 50).forEach((f, i) => {
      lines.push(
        `- ${f.environment} ${codeSpan(f.flow)}: ${cell(f.message)}${mark(notGatingFindings.has(i))}`,
      );
    });
    if (permissionFindings.length > 50)
      lines.push(`- … and ${permissionFindings.length - 50} more (see the artifact)`);
  }
  if (report.clashes.length > 0) {
    lines.push("", "**Window clashes**", "");
    report.clashes.forEach((c, i) => {
      lines.push(
        `- ${c.environment}/${c.pool}: ${c.a.team}/${c.a.window} and ${c.b.team}/${c.b.window}, first at ${c.firstOverlap.start}` +
          (c.beyondHorizon ? " (after the horizon)" : "") +
          mark(notGatingClashes.has(i)),
      );
    });
  }
  if (runUrl)
    lines.push(
      "",
      `Full report (HTML calendar, JSON): the \`plan-report\` artifact of [this run](${runUrl}).`,
    );
  return `${lines.join("\n")}\n`;
}

/** `plan-comment <plan.json> <out.md>`; the run URL comes from GitHub's environment when present. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const [input, output] = argv;
  if (!input || !output) {
    console.error("usage: plan-comment <plan.json> <comment.md>");
    return 2;
  }
  const report = JSON.parse(readFileSync(input, "utf8")) as PlanReportView;
  const runUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  writeFileSync(output, planComment(report, runUrl));
  return 0;
}
