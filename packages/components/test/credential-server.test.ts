/**
 * The loopback credential endpoint of a run, run with the real python3 and a stub `aws` that plays
 * STS: it answers only with the run's token, in the shape the SDKs' container provider reads, and
 * assumes the role again once the cached session is close to expiry.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CREDENTIAL_SERVER_PY } from "../src/scheduling/credential-server.js";

const python = spawnSync("python3", ["--version"]).status === 0;
if (!python) console.log("skipping the credential server test: python3 is not installed");

const ROLE = "arn:aws:iam::123456789012:role/retrain-prod-team-vision";
const TOKEN = "a".repeat(64);

let server: ChildProcess | undefined;
const dirs: string[] = [];
afterEach(() => {
  server?.kill();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Starts the server with a stub `aws` whose credentials expire `expiresInS` from now. */
async function start(expiresInS: number): Promise<{ url: string; calls: () => string[] }> {
  const d = mkdtempSync(path.join(tmpdir(), "retrain-creds-"));
  dirs.push(d);
  const expiration = new Date(Date.now() + expiresInS * 1000).toISOString().replace(/\.\d+Z$/, "+00:00");
  writeFileSync(
    path.join(d, "aws"),
    `#!/bin/bash\necho "$*" >> ${d}/calls\necho '{"Credentials":{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"secret","SessionToken":"session","Expiration":"${expiration}"}}'\n`,
  );
  chmodSync(path.join(d, "aws"), 0o755);
  writeFileSync(path.join(d, "token"), TOKEN);
  const port = path.join(d, "port");
  server = spawn("python3", ["-", ROLE, "vision-run1", "eu-west-1", path.join(d, "token"), port], {
    env: { PATH: `${d}:/usr/bin:/bin` },
    stdio: ["pipe", "ignore", "inherit"],
  });
  server.stdin?.end(CREDENTIAL_SERVER_PY);
  for (let i = 0; i < 100 && !existsSync(port); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    url: `http://127.0.0.1:${readFileSync(port, "utf8")}/credentials`,
    calls: () => readFileSync(path.join(d, "calls"), "utf8").trim().split("\n"),
  };
}

describe.runIf(python)("credential server", () => {
  it("serves the team role's credentials to the holder of the token only", async () => {
    const { url, calls } = await start(3600);
    expect((await fetch(url)).status).toBe(403);
    expect((await fetch(url, { headers: { Authorization: "b".repeat(64) } })).status).toBe(403);
    const ok = await fetch(url, { headers: { Authorization: TOKEN } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      AccessKeyId: "ASIAEXAMPLE",
      SecretAccessKey: "secret",
      Token: "session",
    });
    expect(calls()).toEqual([
      `sts assume-role --role-arn ${ROLE} --role-session-name vision-run1 --duration-seconds 3600 --region eu-west-1 --output json`,
    ]);
  });

  it("caches a fresh session and assumes the role again when it is about to expire", async () => {
    const fresh = await start(3600);
    await fetch(fresh.url, { headers: { Authorization: TOKEN } });
    await fetch(fresh.url, { headers: { Authorization: TOKEN } });
    expect(fresh.calls()).toHaveLength(1);
    server?.kill();
    const stale = await start(600);
    await fetch(stale.url, { headers: { Authorization: TOKEN } });
    await fetch(stale.url, { headers: { Authorization: TOKEN } });
    expect(stale.calls().length).toBeGreaterThanOrEqual(3);
  });
});
