/**
 * The hash the plan's and the Nx plugin's cache keys are made of: SHA-256 over labelled parts, each
 * prefixed by its label and its length in bytes, so no two different lists of parts hash the same
 * bytes (parts cannot run into one another).
 */
import { createHash } from "node:crypto";

export class LabelledHash {
  private readonly h = createHash("sha256");

  add(label: string, value: string | Buffer): this {
    const bytes = typeof value === "string" ? Buffer.from(value) : value;
    this.h.update(`${label}\0${bytes.length}\0`).update(bytes);
    return this;
  }

  /** Hex digest; the hash cannot be added to afterwards. */
  digest(): string {
    return this.h.digest("hex");
  }
}
