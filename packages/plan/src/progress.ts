/**
 * Progress while the plan runs, on stderr so stdout stays the report: one line rewritten in place
 * on a terminal, one plain line per stack elsewhere (CI logs keep every line, and no escape codes).
 */
import type { ProgressEvent } from "./engine.js";

export interface ProgressStream {
  write(text: string): void;
  isTTY?: boolean;
}

export function createProgress(
  stream: ProgressStream,
  { quiet = false } = {},
): (event: ProgressEvent) => void {
  if (quiet) return () => {};
  if (stream.isTTY) {
    let shown = false;
    const show = (text: string) => {
      stream.write(`\r\u001b[2K${text}`);
      shown = true;
    };
    const clear = () => {
      if (shown) stream.write("\r\u001b[2K");
      shown = false;
    };
    return (e) => {
      if (e.type === "stack-start") show(`planning [${e.index}/${e.total}] ${e.id}…`);
      else if (e.type === "stack-done" && e.status !== "planned") {
        clear();
        stream.write(`${e.id}: ${e.status}\n`);
      } else if (e.type === "policy") show(`checking ${e.stacks} stacks against the policy pack…`);
      else if (e.type === "done") clear();
    };
  }
  return (e) => {
    if (e.type === "start") stream.write(`planning ${e.total} stacks\n`);
    else if (e.type === "stack-done")
      stream.write(`[${e.index}/${e.total}] ${e.id}: ${e.status}, ${e.resources} resources\n`);
    else if (e.type === "policy") stream.write(`checking ${e.stacks} stacks against the policy pack\n`);
  };
}
