/**
 * The one shape of every error the workspace reports (config files, the stack graph, the command
 * line, the plan's checks), and the one place paths become workspace-relative POSIX strings.
 */
import path from "node:path";

/** One problem: which file, which key, where in it, what is wrong and what is allowed. */
export interface Problem {
  /** Workspace-relative POSIX path (or `(command line)`, or the workspace root for an empty one). */
  file: string;
  /** Pulumi config key path, e.g. `scheduling:windows[0].schedule`; absent for the whole file. */
  key?: string;
  /** 1-based line (and column) in the file, when the problem has a place there. */
  line?: number;
  column?: number;
  message: string;
}

/** `a\b` → `a/b`: one spelling of a path in reports, Nx projects and messages on every OS. */
export function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

/**
 * `file` relative to the workspace root in POSIX form; a relative `file` is taken as already
 * workspace-relative. With `outside: "absolute"` a file outside the workspace stays absolute
 * (commands Nx runs from the root), else it reads `../...`.
 */
export function workspaceRelative(
  root: string,
  file: string,
  opts: { outside?: "relative" | "absolute" } = {},
): string {
  if (!path.isAbsolute(file)) return toPosix(file);
  const rel = path.relative(root, file);
  if (opts.outside === "absolute" && (rel.startsWith("..") || path.isAbsolute(rel))) return toPosix(file);
  return toPosix(rel);
}

/** A problem with its key, line and column only when they are set (JSON output stays minimal). */
export function problem(
  file: string,
  p: { key?: string; line?: number; column?: number; message: string },
): Problem {
  return {
    file,
    ...(p.key ? { key: p.key } : {}),
    ...(p.line === undefined ? {} : { line: p.line }),
    ...(p.column === undefined ? {} : { column: p.column }),
    message: p.message,
  };
}

/** `line 8:3` (or `line 8`), empty when the problem has no place in its file. */
export function problemPlace(p: Pick<Problem, "line" | "column">): string {
  if (p.line === undefined) return "";
  return p.column === undefined ? `line ${p.line}` : `line ${p.line}:${p.column}`;
}

/**
 * Control characters (C0, DEL and C1; tab is kept), line and paragraph separators and the bidirectional
 * controls (marks, embeddings, overrides, isolates: Unicode's Bidi_Control): what a team-written value quoted in a message could use to rewrite a
 * terminal (ESC sequences), start a line of its own (a forged `::error::` workflow command in CI's
 * log) or reorder what a reviewer reads.
 */
const UNPRINTABLE = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/gu;

/** `text` with every {@link UNPRINTABLE} character written as its `\u{...}` escape: one inert line. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => (c === "\t" ? c : `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`));
}

/**
 * `<file> <key> (line l:c): message`, the one line every command prints for a problem (`file` left
 * out with `withFile: false`, under a heading that names it), {@link printable}.
 */
export function describeProblem(
  p: Omit<Problem, "file"> & { file?: string },
  opts: { withFile?: boolean } = {},
): string {
  const place = problemPlace(p);
  const head = [opts.withFile === false ? "" : (p.file ?? ""), p.key ?? "", place && `(${place})`]
    .filter(Boolean)
    .join(" ");
  return printable(head ? `${head}: ${p.message}` : p.message);
}
