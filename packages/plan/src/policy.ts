/**
 * The policy pack as the plan uses it: the real `policies/retrain-guard` started once as a process,
 * every resource sent over the Analyzer protocol (analyze per resource, analyzeStack per stack),
 * configured from the same file `pulumi preview --policy-pack-config` reads.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "@retrain/config";
import type {
  AnalyzerResource,
  PolicyDiagnostic,
  PolicyPackConfig,
  PolicyPackHost,
  RecordedResource,
} from "@retrain/offline";
import type { Violation } from "./model.js";

/** The pack's folder, workspace-relative. */
export const PACK_DIR = "policies/retrain-guard";
/** The pack config shared by the plan and `pulumi preview --policy-pack-config`, workspace-relative. */
export const PACK_CONFIG_FILE = "policies/retrain-guard/policy-config.json";

/** This repository's own pack (the plan's sources sit three levels below the repo root, as does dist/). */
const BUNDLED_PACK_DIR = fileURLToPath(new URL("../../../policies/retrain-guard", import.meta.url));

/**
 * The pack to run: the workspace's own when it is installed (has its dependencies), else this
 * repository's. A workspace copy holding only stacks and configs still plans with the real pack.
 */
export function locatePack(workspaceRoot: string): string {
  const own = path.join(workspaceRoot, PACK_DIR);
  const installed = (dir: string) =>
    existsSync(path.join(dir, "PulumiPolicy.yaml")) &&
    existsSync(path.join(dir, "node_modules", "@pulumi", "policy"));
  return installed(own) ? own : BUNDLED_PACK_DIR;
}

/** The workspace's pack config, `{}` when it has none; errors name the file (exit 2). */
export function readPackConfig(
  workspaceRoot: string,
  file?: string,
): { config: PolicyPackConfig; file?: string } {
  const display = file ?? PACK_CONFIG_FILE;
  const absolute = path.resolve(workspaceRoot, display);
  if (!existsSync(absolute)) {
    if (file) throw new ConfigError(display, [{ key: "(file)", message: "no such file" }]);
    return { config: {} };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(absolute, "utf8"));
  } catch (e) {
    throw new ConfigError(display, [{ key: "(file)", message: `not valid JSON: ${(e as Error).message}` }]);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(display, [
      {
        key: "(root)",
        message: "must be an object of policy name → enforcement level or { enforcementLevel, ...settings }",
      },
    ]);
  }
  return { config: raw as PolicyPackConfig, file: display };
}

/**
 * A recorded resource as the CLI sends it: inputs for analyze, the resulting state for
 * analyzeStack, with parent, dependencies and the provider the resource was registered with.
 */
export function toAnalyzerResource(
  r: RecordedResource,
  byUrn: ReadonlyMap<string, RecordedResource>,
  properties: "inputs" | "outputs",
): AnalyzerResource {
  const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
  const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    properties: properties === "inputs" ? r.inputs : r.outputs,
    ...(r.parent ? { parent: r.parent } : {}),
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
    protect: r.options.protect,
    ...(provider
      ? {
          provider: {
            type: provider.type,
            urn: provider.urn,
            name: provider.name,
            properties: provider.inputs,
          },
        }
      : {}),
  };
}

function toViolation(d: PolicyDiagnostic): Violation {
  return {
    policy: d.policyName,
    policyPack: d.policyPackName,
    enforcementLevel: d.enforcementLevel,
    ...(d.urn ? { urn: d.urn } : {}),
    message: d.message,
  };
}

/** In-flight analyze calls per stack: keeps the pack busy without queueing thousands of RPCs. */
const IN_FLIGHT = 8;

/** Every resource through `analyze`, then the stack through `analyzeStack`, as the CLI does. */
export async function analyzeResources(
  host: PolicyPackHost,
  resources: readonly RecordedResource[],
): Promise<Violation[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  // Reads (StackReferences, `get` lookups) are not changes: the CLI analyzes only registrations.
  const converted = resources
    .filter((r) => !r.options.read)
    .map((r) => toAnalyzerResource(r, byUrn, "inputs"));
  const perResource: PolicyDiagnostic[][] = new Array(converted.length);
  let next = 0;
  const worker = async () => {
    while (next < converted.length) {
      const i = next++;
      perResource[i] = await host.analyze(converted[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, converted.length) }, worker));
  const stackWide = await host.analyzeStack(resources.map((r) => toAnalyzerResource(r, byUrn, "outputs")));
  return [...perResource.flat(), ...stackWide].map(toViolation);
}
