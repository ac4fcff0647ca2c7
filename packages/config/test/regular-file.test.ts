import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRegularFile } from "../src/regular-file.js";

const dir = mkdtempSync(path.join(tmpdir(), "regular-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);
writeFileSync(at("team.yaml"), "config: {}\n");
symlinkSync(at("team.yaml"), at("link.yaml"));
symlinkSync("/dev/zero", at("zero.yaml"));
mkdirSync(at("folder.yaml"));

describe("readRegularFile (a workspace file a pull request may have replaced)", () => {
  it("reads a regular file", () => {
    expect(readRegularFile(at("team.yaml")).toString("utf8")).toBe("config: {}\n");
  });

  it.each<[string, string, RegExp]>([
    ["a link to a regular file", "link.yaml", /is a symbolic link/],
    ["a link to a device", "zero.yaml", /is a symbolic link/],
    ["a folder", "folder.yaml", /is not a regular file \(a folder\)/],
  ])("refuses %s", (_what, name, message) => {
    expect(() => readRegularFile(at(name))).toThrow(message);
  });

  it("refuses a file above the size limit, naming both sizes", () => {
    expect(() => readRegularFile(at("team.yaml"), 4)).toThrow(
      /is 11 bytes, more than the 4 a workspace file may have/,
    );
  });

  it("passes a missing file's own error through", () => {
    expect(() => readRegularFile(at("missing.yaml"))).toThrow(/ENOENT/);
  });
});
