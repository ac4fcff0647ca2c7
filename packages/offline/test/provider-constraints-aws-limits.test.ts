/**
 * What the AWS API refuses beyond the provider's own checks, found by the plan's provider constraints
 * as `pulumi up` would find it: S3's reserved bucket name prefixes and suffixes, and MaxConcurrency /
 * MaxErrors longer than SSM's 7 characters on maintenance window tasks and associations.
 */
import { describe, expect, it } from "vitest";
import { checkProviderConstraints } from "../src/index.js";

const ctx = { byId: () => undefined, ofType: () => [] };
const BUCKET = "aws:s3/bucket:Bucket";
const TASK = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";
const ASSOCIATION = "aws:ssm/association:Association";

describe("S3 bucket names", () => {
  it.each<[string, RegExp | undefined]>([
    ["retrain-artifacts-prod", undefined],
    ["retrain.artifacts", undefined],
    ["sthree-artifacts", /must not start with "sthree-"/],
    ["sthree-configurator-logs", /must not start with "sthree-"/],
    ["amzn-s3-demo-bucket", /must not start with "amzn-s3-demo-"/],
    ["xn--bucket", /must not start with "xn--"/],
    ["artifacts-s3alias", /must not end with "-s3alias"/],
    ["artifacts--ol-s3", /must not end with "--ol-s3"/],
    ["artifacts.mrap", /must not end with "\.mrap"/],
    ["artifacts--x-s3", /must not end with "--x-s3"/],
    ["artifacts--table-s3", /must not end with "--table-s3"/],
    ["a..b", /two adjacent periods/],
    ["10.0.0.1", /IP address/],
  ])("%s", (bucket, message) => {
    const findings = checkProviderConstraints(BUCKET, { bucket }, ctx);
    if (!message) {
      expect(findings).toEqual([]);
      return;
    }
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ path: "bucket", phase: "up" });
    expect(findings[0]!.message).toMatch(message);
    expect(findings[0]!.message).toContain(JSON.stringify(bucket));
  });
});

describe("MaxConcurrency and MaxErrors: 1-7 characters", () => {
  it.each<[string, string, string, string[]]>([
    [TASK, "1234567", "9999999", []],
    [TASK, "12345678", "1", ["maxConcurrency"]],
    [TASK, "1", "12345678", ["maxErrors"]],
    [TASK, "100%", "0", []],
    [ASSOCIATION, "10000000", "10000000", ["maxConcurrency", "maxErrors"]],
    [ASSOCIATION, "50%", "0%", []],
  ])("%s maxConcurrency %s maxErrors %s", (type, maxConcurrency, maxErrors, paths) => {
    const findings = checkProviderConstraints(type, { maxConcurrency, maxErrors }, ctx);
    expect(findings.map((f) => f.path).sort()).toEqual(paths);
    for (const f of findings) {
      expect(f.message).toMatch(/must be 1-7 characters, is 8/);
      expect(f.phase).toBe("up");
      expect(f.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/systems-manager\/latest\/APIReference\//);
    }
  });
});
