import { describe, expect, it } from "vitest";
import { buildInWaves, DEFAULT_WAVE_SIZE } from "../src/waves.js";

describe("buildInWaves", () => {
  it.each([
    // items, wave size, builds that saw their wave's predecessors settled
    [0, 3, 0],
    [1, 3, 0],
    [3, 3, 0],
    [4, 3, 1],
    [7, 3, 2],
    [5, 1, 4],
  ])("%i items in waves of %i: builds in order and yields %i times", async (n, size, yields) => {
    const items = Array.from({ length: n }, (_, i) => `item-${i}`);
    const settled = new Set<number>();
    let sawSettled = 0;
    const built = await buildInWaves(
      items,
      (item, index) => {
        // Settles only once the builder's caller lets the microtasks run.
        void Promise.resolve().then(() => settled.add(index));
        // The first item of a later wave finds every earlier item settled.
        if (index > 0 && index % size === 0) {
          expect([...Array(index).keys()].every((k) => settled.has(k))).toBe(true);
          sawSettled++;
        } else if (index > 0) {
          expect(settled.has(index - 1)).toBe(false);
        }
        return item.toUpperCase();
      },
      size,
    );
    expect(built).toEqual(items.map((i) => i.toUpperCase()));
    expect(sawSettled).toBe(yields);
  });

  it("defaults to waves of DEFAULT_WAVE_SIZE", async () => {
    const firstOfWave: number[] = [];
    let last = -1;
    let turn = 0;
    const tick = () => setImmediate(() => turn++);
    tick();
    await buildInWaves(Array.from({ length: DEFAULT_WAVE_SIZE * 2 + 1 }), (_, i) => {
      if (turn !== last) firstOfWave.push(i);
      last = turn;
      tick();
    });
    expect(firstOfWave).toEqual([0, DEFAULT_WAVE_SIZE, DEFAULT_WAVE_SIZE * 2]);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses a wave size of %s", async (size) => {
    await expect(buildInWaves([1, 2], (x) => x, size)).rejects.toThrow(
      /wave size must be a positive integer/,
    );
  });
});
