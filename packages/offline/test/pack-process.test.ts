/**
 * Starting a pack process: the port it printed counts even when this thread was too busy to read it
 * before the deadline (a huge program runs without yielding); a pack that prints nothing still
 * times out, naming the pack.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startPackProcess } from "../src/analyzer/process.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A pack folder whose run-policy-pack entry runs `script` (the shape startPackProcess resolves). */
function fakePack(script: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fake-pack-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "fake-pack" }));
  const entry = path.join(dir, "node_modules/@pulumi/pulumi/cmd/run-policy-pack");
  mkdirSync(entry, { recursive: true });
  writeFileSync(
    path.join(dir, "node_modules/@pulumi/pulumi/package.json"),
    JSON.stringify({ name: "@pulumi/pulumi" }),
  );
  writeFileSync(path.join(entry, "index.js"), script);
  return dir;
}

const busy = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // This thread does not yield, as a large stack program's registrations do not.
  }
};

describe("startPackProcess", () => {
  it("reads a port printed while this thread was busy past the deadline", async () => {
    const dir = fakePack("console.log(41234); setInterval(() => {}, 1000);");
    const started = startPackProcess(dir, 300);
    busy(2500); // the pack prints its port within this, the 300 ms deadline passes unseen
    const proc = await started;
    expect(proc.port).toBe(41234);
    proc.child.kill("SIGKILL");
    await proc.exited;
  });

  it("still times out a pack that prints no port, naming it", async () => {
    const dir = fakePack("setInterval(() => {}, 1000);");
    await expect(startPackProcess(dir, 300)).rejects.toThrow(
      `policy pack ${dir} printed no port within 300 ms`,
    );
  });
});
