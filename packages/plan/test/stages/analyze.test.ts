/** Stage 4: the pack's lifecycle around the run, with a stand-in host (the real pack: plan.e2e). */
import type { DiscoveredStack } from "@retrain/config";
import { PolicyConfigError, type PolicyPackHost } from "@retrain/offline";
import { describe, expect, it } from "vitest";
import { type StartPack, startAnalysis } from "../../src/stages/analyze.js";
import { planContext } from "../../src/stages/context.js";
import type { StackOutcome } from "../../src/stages/run.js";
import type { Selection } from "../../src/stages/select.js";

const ctx = planContext({ workspace: "/ws", from: new Date("2026-01-05T00:00:00Z") });
const PACK_FILE = "policies/retrain-guard/policy-config.json";

function selection(ids: string[], opts: { pack?: boolean; selected?: string[] } = {}): Selection {
  return {
    workspace: { root: "/ws", stacks: [], errors: [], entries: [], problems: [] },
    runList: ids.map((id) => ({ id }) as DiscoveredStack),
    blocked: new Map(),
    selected: opts.selected && new Set(opts.selected),
    problems: [],
    prices: undefined,
    packConfig: opts.pack === false ? undefined : { config: {}, file: PACK_FILE },
  };
}

const planned = (id: string, selected = true): Extract<StackOutcome, { status: "planned" }> => ({
  id,
  stack: { id } as DiscoveredStack,
  selected,
  status: "planned",
  resources: [],
  outputs: {},
});

/** A host whose analyzeStack answers with `answer`, recording what happened. */
function fakePack(answer: () => Promise<never[]>) {
  const log: string[] = [];
  const start: StartPack = async () => {
    log.push("start");
    return {
      analyze: async () => [],
      analyzeStack: async () => {
        log.push("analyzeStack");
        return answer();
      },
      close: async () => {
        log.push("close");
      },
    } as unknown as PolicyPackHost;
  };
  return { log, start };
}

describe("startAnalysis", () => {
  it("analyses each selected planned stack once and closes the pack after the last", async () => {
    const pack = fakePack(async () => []);
    const session = startAnalysis(
      ctx,
      selection(["iam/dev", "fleet/dev"], { selected: ["iam/dev"] }),
      pack.start,
    );
    session.submit(planned("iam/dev"), []);
    session.submit(planned("fleet/dev", false), []);
    const result = await session.finish();
    expect(pack.log).toEqual(["start", "analyzeStack", "close"]);
    expect([...result.analyses]).toEqual([["iam/dev", { violations: [] }]]);
    expect(result.problems).toEqual([]);
  });

  it.each([
    [
      "the pack failing",
      () => new Error("exited with code 3"),
      [{ file: "policies/retrain-guard", message: "policy pack: exited with code 3" }],
    ],
    [
      "a pack config the pack rejects (one problem per key of its file)",
      () => new PolicyConfigError(["x.limit: must be > 0", "y: no such policy", "unkeyed text"]),
      [
        { file: PACK_FILE, key: "x.limit", message: "policy pack config: must be > 0" },
        { file: PACK_FILE, key: "y", message: "policy pack config: no such policy" },
        { file: PACK_FILE, message: "policy pack config: unkeyed text" },
      ],
    ],
  ])("reports %s once, on the right file, and marks every stack it hit", async (_n, error, problems) => {
    const pack = fakePack(async () => {
      throw error();
    });
    const session = startAnalysis(ctx, selection(["iam/dev", "fleet/dev"]), pack.start);
    session.submit(planned("iam/dev"), []);
    session.submit(planned("fleet/dev"), []);
    const result = await session.finish();
    expect(result.problems).toEqual(problems);
    expect([...result.analyses.values()]).toEqual([
      { error: `policy pack: ${error().message}` },
      { error: `policy pack: ${error().message}` },
    ]);
    expect(pack.log.at(-1)).toBe("close");
  });

  it("replaces a pack that missed a deadline, so the stacks after it are judged by a free pack", async () => {
    const log: string[] = [];
    let started = 0;
    const start: StartPack = async () => {
      const n = ++started;
      log.push(`start ${n}`);
      return {
        analyze: async () => [],
        analyzeStack: async () => {
          log.push(`analyzeStack ${n}`);
          // The first pack is stuck in one stack's computation: every call on it times out.
          if (n === 1) throw new Error("analyzeStack failed: Deadline exceeded after 120.005s");
          return [];
        },
        close: async () => {
          log.push(`close ${n}`);
        },
      } as unknown as PolicyPackHost;
    };
    const session = startAnalysis(ctx, selection(["scheduling/recsys", "scheduling/vision"]), start);
    session.submit(planned("scheduling/recsys"), []);
    session.submit(planned("scheduling/vision"), []);
    const result = await session.finish();
    expect(result.analyses.get("scheduling/recsys")).toEqual({
      error: "policy pack: analyzeStack failed: Deadline exceeded after 120.005s",
    });
    expect(result.analyses.get("scheduling/vision")).toEqual({ violations: [] });
    expect(log.filter((l) => l.startsWith("analyzeStack"))).toEqual(["analyzeStack 1", "analyzeStack 2"]);
    expect(log).toContain("close 1");
    expect(log.at(-1)).toBe("close 2");
  });

  it.each([
    ["the pack config is invalid", selection(["iam/dev"], { pack: false })],
    ["no stack to run is shown", selection(["iam/dev"], { selected: [] })],
  ])("starts no pack when %s", async (_n, sel) => {
    const pack = fakePack(async () => []);
    const session = startAnalysis(ctx, sel, pack.start);
    session.submit(planned("iam/dev"), []);
    expect(await session.finish()).toEqual({ analyses: new Map(), problems: [] });
    expect(pack.log).toEqual([]);
  });
  it.each([
    // backlog bound, stacks submitted before asking to admit the next
    [2, 1, true],
    [2, 2, false],
    [1, 1, false],
  ])(
    "with a backlog of %i, admit after %i unanalysed stacks resolves at once: %s, else when one is analysed",
    async (bound, queued, atOnce) => {
      const held: (() => void)[] = [];
      const pack = fakePack(() => new Promise<never[]>((resolve) => held.push(() => resolve([]))));
      const session = startAnalysis(ctx, selection(["a", "b", "c"]), pack.start, bound);
      for (let i = 0; i < queued; i++) session.submit(planned(["a", "b", "c"][i] as string), []);
      let admitted = false;
      const admit = session.admit().then(() => {
        admitted = true;
      });
      await new Promise((r) => setTimeout(r, 20));
      expect(admitted).toBe(atOnce);
      // Analyses run one after another: release the first, then the rest as they come.
      for (let tries = 0; tries < 50 && held.length === 0; tries++)
        await new Promise((r) => setTimeout(r, 5));
      held.shift()?.();
      await admit;
      expect(admitted).toBe(true);
      const finished = session.finish();
      for (let tries = 0; tries < 100 && pack.log.at(-1) !== "close"; tries++) {
        held.shift()?.();
        await new Promise((r) => setTimeout(r, 5));
      }
      expect((await finished).analyses.size).toBe(queued);
    },
  );

  it("admits everything when there is no pack to wait for", async () => {
    const session = startAnalysis(
      ctx,
      selection(["iam/dev"], { pack: false }),
      fakePack(async () => []).start,
      1,
    );
    for (const id of ["a", "b", "c"]) session.submit(planned(id), []);
    await session.admit();
    await session.finish();
  });
});
