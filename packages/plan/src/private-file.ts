/**
 * Writing the plan's own caches (per-stack entries, the permissions memo): whole or not at all,
 * readable by this user only. Readers treat an absent or corrupt file as a miss, so a failed write
 * only costs the next plan time and is not an error.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Writes `text` to `file` through a temporary file and a rename (0700 folders, 0600 file); false if it could not. */
export function writePrivateFileAtomically(file: string, text: () => string): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, text(), { mode: 0o600 });
    renameSync(tmp, file);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}
