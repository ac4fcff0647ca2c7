import { runtime } from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../src/unknown.js";

describe("UNKNOWN", () => {
  it("is the sentinel of the installed @pulumi/pulumi (an SDK upgrade that changes it fails here)", () => {
    expect(UNKNOWN).toBe(runtime.unknownValue);
  });
});
