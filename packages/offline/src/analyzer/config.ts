/**
 * Policy pack config as the Pulumi CLI handles it before calling Configure (pkg/resource/analyzer
 * config.go): start from each policy's enforcement level and the `default`s of its config schema,
 * apply the pack's initial config, then the user's (an "all" entry sets every policy's level), then
 * validate each policy's properties against `{ type: object, properties, required }` with a JSON
 * Schema validator (the CLI uses gojsonschema, here ajv). Stricter than the CLI in two points, since
 * a typo would silently do nothing or fail late in the pack: a config entry naming no policy of the
 * pack is an error, and so is a setting its policy's schema does not declare (the Analyzer protocol
 * carries a schema's properties and required list only, not `additionalProperties: false`).
 */
import { Ajv } from "ajv";
import { PolicyConfigError } from "./errors.js";
import { ENFORCEMENT_LEVELS } from "./proto.js";
import type { AnalyzerInfo, EnforcementLevel, PolicyPackConfig, ResolvedPolicyConfig } from "./types.js";

interface Entry {
  enforcementLevel?: EnforcementLevel;
  properties: Record<string, unknown>;
}

function isLevel(v: unknown): v is EnforcementLevel {
  return typeof v === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(v);
}

function parseEntries(config: PolicyPackConfig, problems: string[]): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const [name, value] of Object.entries(config)) {
    if (typeof value === "string") {
      if (!isLevel(value))
        problems.push(
          `${name}: "${value}" is not an enforcement level (allowed: ${ENFORCEMENT_LEVELS.join(", ")})`,
        );
      else out.set(name, { enforcementLevel: value, properties: {} });
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problems.push(`${name}: must be an enforcement level or an object`);
      continue;
    }
    const { enforcementLevel, ...properties } = value;
    if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
      problems.push(
        `${name}.enforcementLevel: ${JSON.stringify(enforcementLevel)} is not an enforcement level (allowed: ${ENFORCEMENT_LEVELS.join(", ")})`,
      );
      continue;
    }
    const entry: Entry = { properties };
    if (enforcementLevel !== undefined) entry.enforcementLevel = enforcementLevel;
    out.set(name, entry);
  }
  return out;
}

function apply(result: ResolvedPolicyConfig, entries: Map<string, Entry>): void {
  const all = entries.get("all");
  if (all?.enforcementLevel) for (const c of Object.values(result)) c.enforcementLevel = all.enforcementLevel;
  for (const [name, entry] of entries) {
    const current = result[name];
    if (!current) continue;
    if (entry.enforcementLevel) current.enforcementLevel = entry.enforcementLevel;
    Object.assign(current.properties, entry.properties);
  }
}

const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * The config to send with Configure; throws PolicyConfigError listing every problem. `asPulumiCli`
 * leaves out the undeclared-setting check, as the Pulumi CLI does: what the pack itself refuses at
 * Configure under `pulumi preview`.
 */
export function reconcileConfig(
  info: AnalyzerInfo,
  config: PolicyPackConfig,
  { asPulumiCli = false }: { asPulumiCli?: boolean } = {},
): ResolvedPolicyConfig {
  const problems: string[] = [];
  const result: ResolvedPolicyConfig = {};
  for (const p of info.policies) {
    const properties: Record<string, unknown> = {};
    for (const [k, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      if (schema && typeof schema === "object" && "default" in schema)
        properties[k] = structuredClone((schema as { default: unknown }).default);
    }
    result[p.name] = { enforcementLevel: p.enforcementLevel, properties };
  }
  apply(result, parseEntries(info.initialConfig, problems));
  const entries = parseEntries(config, problems);
  const known = new Set(info.policies.map((p) => p.name));
  for (const name of entries.keys()) {
    if (name !== "all" && !known.has(name))
      problems.push(`${name}: no such policy in ${info.name} (policies: ${[...known].join(", ")})`);
  }
  apply(result, entries);
  for (const p of info.policies) {
    if (!p.configSchema) continue;
    const declared = Object.keys(p.configSchema.properties);
    for (const key of Object.keys(entries.get(p.name)?.properties ?? {}))
      if (!asPulumiCli && !declared.includes(key))
        problems.push(
          `${p.name}.${key}: no such setting (allowed: ${["enforcementLevel", ...declared].join(", ")})`,
        );
    const validate = ajv.compile({
      type: "object",
      properties: p.configSchema.properties,
      required: p.configSchema.required,
    });
    const props = result[p.name]?.properties ?? {};
    if (!validate(props)) {
      for (const e of validate.errors ?? []) {
        const where = e.instancePath ? `${p.name}${e.instancePath.replaceAll("/", ".")}` : p.name;
        const detail = e.params && Object.keys(e.params).length > 0 ? ` (${JSON.stringify(e.params)})` : "";
        problems.push(`${where}: ${e.message ?? "is invalid"}${detail}`);
      }
    }
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return result;
}
