/**
 * The project's own stacks (real programs, real team files, under the mocks harness) against the
 * window policies changed for the shared-fleet audit, in process from source (test/own-stacks.test.ts
 * does the same through the compiled pack): an association as the scheduling program builds it
 * carries its timeout in parameters.executionTimeout and applyOnlyAtCronInterval, so none of them
 * fails, and every task finds its window.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { defaultStackRef, loadStackConfig, type StackKind } from "@retrain/config";
import { runStackProgram } from "@retrain/offline";
import { describe, expect, it } from "vitest";
import { maintenanceTaskTimeout } from "../src/policies/maintenance-task-timeout.js";
import { maintenanceWindowLimits } from "../src/policies/maintenance-window-limits.js";
import { maintenanceWindowOverlapPolicy } from "../src/policies/maintenance-window-overlap.js";
import { type GuardPolicy, parseConfig, type StackResource } from "../src/policy-kit.js";
import { packRegistryFile } from "../src/tenancy/registry.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const KINDS: { kind: StackKind; configs: string }[] = [
  { kind: "iam", configs: "envs" },
  { kind: "fleet", configs: "envs" },
  { kind: "scheduling", configs: "teams" },
];

function configFiles(kind: StackKind, dir: string): string[] {
  const base = path.join(root, "stacks", kind, dir);
  if (!existsSync(base)) return [];
  return readdirSync(base).flatMap((sub) =>
    readdirSync(path.join(base, sub))
      .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
      .map((f) => path.join(base, sub, f)),
  );
}

describe("the project's own stacks under the changed window policies", () => {
  it("produce no violation, also with every pool counted as shared", async (ctx) => {
    const outputs = new Map<string, Record<string, unknown>>();
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
    for (const { kind, configs } of KINDS) {
      const entry = path.join(root, "stacks", kind, "src", "index.ts");
      if (!existsSync(entry)) continue;
      const program = (
        (await import(pathToFileURL(entry).href)) as { default: () => Promise<Record<string, unknown>> }
      ).default;
      for (const file of configFiles(kind, configs)) {
        const loaded = loadStackConfig(file);
        const env = loaded.kind === "scheduling" ? loaded.config.environment : loaded.stack;
        const upstream: Record<string, Record<string, unknown>> = {};
        for (const up of ["iam", "fleet"] as const) {
          const o = outputs.get(defaultStackRef(up, env));
          if (o) upstream[defaultStackRef(up, env)] = o;
        }
        const result = await runStackProgram({
          project: loaded.project,
          stack: loaded.stack,
          program,
          config: loaded.raw,
          upstream,
        });
        expect(result.errors, file).toEqual([]);
        outputs.set(defaultStackRef(kind, loaded.stack), result.outputs);
        if (kind !== "scheduling") continue;
        const stack: StackResource[] = result.resources
          .filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"))
          .map((r) => ({
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
    }
    if (outputs.size === 0) ctx.skip("no stack program exists yet");
    expect(found).toEqual([]);
    // The example workspace has an association (recsys), so the association rules ran on one.
    expect(associations).toBeGreaterThan(0);
  });
});
