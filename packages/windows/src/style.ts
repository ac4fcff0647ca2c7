/** Terminal colours, on or off as a whole: the renderers never check the environment themselves. */
import { styleText } from "node:util";

type Format = Parameters<typeof styleText>[0];

export interface Style {
  enabled: boolean;
  paint(format: Format, text: string): string;
}

export function createStyle(enabled: boolean): Style {
  return { enabled, paint: (format, text) => (enabled ? styleText(format, text) : text) };
}

/**
 * Colours are on only for a terminal, and off with `--no-color` or a non-empty NO_COLOR
 * (https://no-color.org); FORCE_COLOR turns them on for a pipe (CI logs that render ANSI).
 */
export function colorEnabled(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
  flag?: boolean,
): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}
