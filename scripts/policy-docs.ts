/**
 * The policy tables of docs/policy-pack.md and README.md, generated from the pack's registry
 * (policies/retrain-guard/src/policies/index.ts): name, level, description, remediation and config
 * fields come from each definition, the repository's levels from policy-config.json read the way
 * the Pulumi CLI reads it. `pnpm docs:policies` rewrites the text between the markers;
 * `--check` only reports a stale table (exit 1). test/policy-docs.test.ts fails when a checked-in
 * table differs from what this writes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type AnalyzerInfo, type PolicyPackConfig, reconcileConfig } from "@retrain/offline";
import { POLICIES } from "../policies/retrain-guard/src/policies/index.js";
import { configSchemaOf, type GuardPolicy } from "../policies/retrain-guard/src/policy-kit.js";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const PACK_CONFIG = "policies/retrain-guard/policy-config.json";

/** A generated block: the file, the marker id and how to render its content. */
interface Block {
  file: string;
  id: string;
  render(policies: readonly GuardPolicy[], repoLevels: Record<string, string>): string;
}

const escapeCell = (s: string) => s.replace(/\|/g, "\\|");
const code = (s: string) => `\`${s}\``;

/**
 * A definition's prose as markdown text: outside code spans, `<` would open an HTML tag
 * (`retrain-<env>-…` would lose `<env>`) and `*` or `_` could start emphasis.
 */
export function prose(s: string): string {
  return s
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\*_]/g, "\\$&").replace(/</g, "&lt;")))
    .join("");
}

/** A markdown table with every column padded to its widest cell (as prettier writes one). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [header, ...rows].map((r) => r.map(escapeCell));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const [head, ...body] = cells;
  return [line(head ?? []), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...body.map(line)].join(
    "\n",
  );
}

function valueText(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? "`[]`" : value.map((v) => code(String(v))).join(", ");
  return code(JSON.stringify(value));
}

/** One line per config field: name, default, bounds, the schema's description. */
export function configText(policy: GuardPolicy): string {
  const fields = Object.entries(configSchemaOf(policy).properties ?? {});
  if (fields.length === 0) return "none";
  return fields
    .map(([name, raw]) => {
      const s = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
      const facts: string[] = [];
      if ("default" in s) facts.push(`default ${valueText(s.default)}`);
      // zod's int() bounds every integer by ±MAX_SAFE_INTEGER: that is no limit to show.
      const bound = (v: unknown) =>
        typeof v === "number" && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined;
      const [min, max] = [bound(s.minimum), bound(s.maximum)];
      if (min !== undefined && max !== undefined) facts.push(`${min}-${max}`);
      else if (min !== undefined) facts.push(`≥ ${min}`);
      else if (max !== undefined) facts.push(`≤ ${max}`);
      const described = typeof s.description === "string" ? `: ${prose(s.description)}` : "";
      return `${code(name)}${facts.length > 0 ? ` (${facts.join(", ")})` : ""}${described}`;
    })
    .join("<br>");
}

const BLOCKS: readonly Block[] = [
  {
    file: "docs/policy-pack.md",
    id: "policy-table",
    render: (policies) =>
      markdownTable(
        ["policy", "default level", "checks", "remediation", "config"],
        policies.map((p) => [
          code(p.name),
          p.enforcementLevel,
          prose(p.description),
          prose(p.remediation),
          configText(p),
        ]),
      ),
  },
  {
    file: "README.md",
    id: "policy-summary",
    render: (policies, repoLevels) =>
      markdownTable(
        ["policy", "level (pack default → this repo)", "checks"],
        policies.map((p) => {
          const repo = repoLevels[p.name] ?? p.enforcementLevel;
          const level = repo === p.enforcementLevel ? repo : `${p.enforcementLevel} → ${repo}`;
          return [code(p.name), level, prose(p.description)];
        }),
      ),
  },
];

/** Each policy's level under the repository's pack config, reconciled as the CLI does. */
export function repoLevelsOf(
  policies: readonly GuardPolicy[],
  config: PolicyPackConfig,
): Record<string, string> {
  const info: AnalyzerInfo = {
    name: "retrain-guard",
    version: "",
    displayName: "retrain-guard",
    description: "",
    supportsConfig: true,
    initialConfig: {},
    policies: policies.map((p) => {
      const schema = configSchemaOf(p);
      return {
        name: p.name,
        displayName: p.name,
        description: p.description,
        enforcementLevel: p.enforcementLevel,
        remediationSteps: p.remediation,
        configSchema: { properties: schema.properties ?? {}, required: schema.required ?? [] },
        policyType: p.kind,
      };
    }),
  };
  const resolved = reconcileConfig(info, config);
  return Object.fromEntries(Object.entries(resolved).map(([name, c]) => [name, c.enforcementLevel]));
}

const begin = (id: string) =>
  `<!-- BEGIN ${id}: generated from policies/retrain-guard/src/policies by \`pnpm docs:policies\`; do not edit -->`;
const end = (id: string) => `<!-- END ${id} -->`;

/** `text` with the block between the markers `id` replaced; throws naming the file when absent. */
export function replaceBlock(text: string, file: string, id: string, content: string): string {
  const from = text.indexOf(begin(id));
  const to = text.indexOf(end(id));
  if (from < 0 || to < from)
    throw new Error(`${file}: no generated block "${id}"; it needs the lines\n${begin(id)}\n${end(id)}`);
  return `${text.slice(0, from)}${begin(id)}\n\n${content}\n\n${text.slice(to)}`;
}

/** Every file holding a generated table, as it is and as the generator writes it. */
export function generatedFiles(
  root = REPO_ROOT,
  policies: readonly GuardPolicy[] = POLICIES,
): { file: string; current: string; expected: string }[] {
  const config = JSON.parse(readFileSync(path.join(root, PACK_CONFIG), "utf8")) as PolicyPackConfig;
  const levels = repoLevelsOf(policies, config);
  const out = new Map<string, { current: string; expected: string }>();
  for (const block of BLOCKS) {
    const entry = out.get(block.file) ?? {
      current: readFileSync(path.join(root, block.file), "utf8"),
      expected: "",
    };
    entry.expected = replaceBlock(
      entry.expected || entry.current,
      block.file,
      block.id,
      block.render(policies, levels),
    );
    out.set(block.file, entry);
  }
  return [...out].map(([file, e]) => ({ file, ...e }));
}

function main(argv: readonly string[]): number {
  const check = argv.includes("--check");
  let stale = 0;
  for (const { file, current, expected } of generatedFiles()) {
    if (current === expected) continue;
    stale++;
    if (check) process.stderr.write(`${file}: the policy table is stale; run pnpm docs:policies\n`);
    else {
      writeFileSync(path.join(REPO_ROOT, file), expected);
      process.stdout.write(`wrote ${file}\n`);
    }
  }
  return check && stale > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exit(main(process.argv.slice(2)));
