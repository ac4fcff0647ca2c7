/**
 * no-wildcard-iam, from source, over the project's own stacks (the same programs and configs as
 * own-stacks.test.ts, which runs the compiled pack in dist/): inputs as Analyze sees them and outputs
 * as AnalyzeStack does must give no finding. Lets a change to src/iam/ be checked against the real
 * stacks before the pack is rebuilt.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { noWildcardIam } from "../src/policies/no-wildcard-iam.js";
import { parseConfig, type StackResource } from "../src/policy-kit.js";
import { ownStackRuns } from "./support/own-stacks.js";

const packDir = fileURLToPath(new URL("..", import.meta.url));

/** The repository's pack config for no-wildcard-iam (policy-config.json), without the level. */
function packConfig(): Record<string, unknown> {
  const all = JSON.parse(readFileSync(path.join(packDir, "policy-config.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const own = all["no-wildcard-iam"];
  if (typeof own !== "object" || own === null) return {};
  const { enforcementLevel: _level, ...rest } = own as Record<string, unknown>;
  return rest;
}

describe("no-wildcard-iam (source) over the project's own stacks", () => {
  it("finds nothing in inputs or outputs", async (ctx) => {
    const config = parseConfig(noWildcardIam, packConfig());
    const found: string[] = [];
    let ran = 0;
    let checked = 0;
    for await (const run of ownStackRuns()) {
      expect(run.errors, run.file).toEqual([]);
      for (const r of run.resources) {
        if (noWildcardIam.resourceTypes === "all" || !noWildcardIam.resourceTypes.includes(r.type)) continue;
        for (const props of [r.inputs, r.outputs]) {
          const resource: StackResource = {
            type: r.type,
            name: r.name,
            urn: r.urn,
            props,
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
          };
          checked++;
          for (const v of await noWildcardIam.check(resource, config)) found.push(`${r.urn}: ${v.message}`);
        }
      }
      ran++;
    }
    if (ran === 0) ctx.skip("no stack program exists yet");
    expect(checked).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });
});
