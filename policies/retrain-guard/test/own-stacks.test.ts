/**
 * The project's own stacks, run under the mocks harness with their real config files and sent to the
 * pack process as the CLI would (Analyze per resource with inputs, AnalyzeStack with outputs), must
 * produce no mandatory violation. Stacks whose program does not exist yet are skipped with a reason.
 */
import { fileURLToPath } from "node:url";
import {
  type AnalyzerResource,
  type PolicyDiagnostic,
  type PolicyPackHost,
  type RecordedResource,
  startPolicyPack,
} from "@retrain/offline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownStackRuns } from "./support/own-stacks.js";

const packDir = fileURLToPath(new URL("..", import.meta.url));

let host: PolicyPackHost;
beforeAll(async () => {
  host = await startPolicyPack({ packDir });
});
afterAll(async () => {
  await host?.close();
});

describe("the project's own stacks under retrain-guard", () => {
  it("produce no mandatory violation", async (ctx) => {
    const mandatory: PolicyDiagnostic[] = [];
    let ran = 0;
    // Analyze sees a resource's inputs, AnalyzeStack its outputs (as the engine sends them).
    const asAnalyzer = (r: RecordedResource, properties: Record<string, unknown>): AnalyzerResource => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      properties,
      ...(r.parent ? { parent: r.parent } : {}),
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
    });
    for await (const run of ownStackRuns()) {
      expect(run.errors, run.file).toEqual([]);
      for (const r of run.resources) {
        mandatory.push(
          ...(await host.analyze(asAnalyzer(r, r.inputs))).filter((d) => d.enforcementLevel === "mandatory"),
        );
      }
      const stackDiags = await host.analyzeStack(run.resources.map((r) => asAnalyzer(r, r.outputs)));
      mandatory.push(...stackDiags.filter((d) => d.enforcementLevel === "mandatory"));
      ran++;
    }
    if (ran === 0) ctx.skip("no stack program exists yet");
    expect(mandatory.map((d) => `${d.policyName} ${d.urn}: ${d.message}`)).toEqual([]);
  });
});
