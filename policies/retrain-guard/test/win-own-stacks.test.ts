/**
 * The project's own stacks (real programs, real team files, under the mocks harness) against the
 * window policies changed for the shared-fleet audit, in process from source (test/own-stacks.test.ts
 * does the same through the compiled pack): an association as the scheduling program builds it
 * carries its timeout in parameters.executionTimeout and applyOnlyAtCronInterval, so none of them
 * fails, and every task finds its window.
 */
import { describe, expect, it } from "vitest";
import { maintenanceTaskTimeout } from "../src/policies/maintenance-task-timeout.js";
import { maintenanceWindowLimits } from "../src/policies/maintenance-window-limits.js";
import { maintenanceWindowOverlapPolicy } from "../src/policies/maintenance-window-overlap.js";
import { type GuardPolicy, parseConfig, type StackResource } from "../src/policy-kit.js";
import { packRegistryFile } from "../src/tenancy/registry.js";
import { ownStackRuns } from "./support/own-stacks.js";

describe("the project's own stacks under the changed window policies", () => {
  it("produce no violation, also with every pool counted as shared", async (ctx) => {
    const found: string[] = [];
    let associations = 0;
    // Every pool shared: the rules for shared pools must pass the program's own windows too.
    const overlap = maintenanceWindowOverlapPolicy(packRegistryFile);
    const everyPool = ["prod/a10g", "prod/l4", "dev/a10g", "dev/l4"];
    const judge = async (policy: GuardPolicy, stack: StackResource[], raw: Record<string, unknown> = {}) => {
      const config = parseConfig(policy, raw);
      if (policy.kind === "stack") return (await policy.check(stack, config)).map((v) => v.message);
      const out: string[] = [];
      for (const r of stack)
        if (policy.resourceTypes === "all" || policy.resourceTypes.includes(r.type))
          out.push(...(await policy.check(r, config)).map((v) => v.message));
      return out;
    };
    let ran = 0;
    for await (const run of ownStackRuns()) {
      ran++;
      expect(run.errors, run.file).toEqual([]);
      if (run.kind !== "scheduling") continue;
      const stack: StackResource[] = run.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.inputs,
        ...(r.parent ? { parent: r.parent } : {}),
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
      }));
      // Not vacuous: the program's association, turned into a 48 h daily rate, is refused twice.
      for (const a of stack.filter((r) => r.type === "aws:ssm/association:Association")) {
        associations++;
        const hog: StackResource = {
          ...a,
          props: {
            ...a.props,
            scheduleExpression: "rate(1 day)",
            parameters: { ...(a.props.parameters as object), executionTimeout: "172800" },
          },
        };
        const others = stack.filter((r) => r !== a);
        expect(await judge(maintenanceWindowLimits, [hog])).toEqual([
          expect.stringMatching(/starts again 24 h after a run .*executionTimeout = 172800 s/),
          expect.stringMatching(/executionTimeout is 172800 s/),
        ]);
        expect(await judge(overlap, [...others, hog], { sharedPools: everyPool })).toEqual([
          expect.stringMatching(/is a rate on pool a10g of dev/),
        ]);
      }
      found.push(
        ...(await judge(maintenanceWindowLimits, stack)),
        ...(await judge(maintenanceTaskTimeout, stack)),
        ...(await judge(overlap, stack)),
        ...(await judge(overlap, stack, { sharedPools: everyPool })),
      );
    }
    if (ran === 0) ctx.skip("no stack program exists yet");
    expect(found).toEqual([]);
    // The example workspace has an association (recsys), so the association rules ran on one.
    expect(associations).toBeGreaterThan(0);
  });
});
