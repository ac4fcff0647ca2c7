import { describe, expect, it } from "vitest";
import { endpointServiceName, parseEndpointServiceName } from "../src/endpoint-services.js";

describe("endpoint service names", () => {
  it.each([
    ["eu-west-1", "sts", "com.amazonaws.eu-west-1.sts"],
    ["us-gov-west-1", "sts", "com.amazonaws.us-gov-west-1.sts"],
    // China publishes sts under cn.com.amazonaws; the Systems Manager services and logs keep com.
    ["cn-north-1", "sts", "cn.com.amazonaws.cn-north-1.sts"],
    ["cn-northwest-1", "sts", "cn.com.amazonaws.cn-northwest-1.sts"],
    ["cn-north-1", "ssm", "com.amazonaws.cn-north-1.ssm"],
    ["cn-northwest-1", "ssmmessages", "com.amazonaws.cn-northwest-1.ssmmessages"],
    ["cn-north-1", "logs", "com.amazonaws.cn-north-1.logs"],
    ["cn-north-1", "s3", "com.amazonaws.cn-north-1.s3"],
  ])("%s %s is %s", (region, service, name) => {
    expect(endpointServiceName(region, service)).toBe(name);
    expect(parseEndpointServiceName(name)).toEqual({ region, service });
  });

  it("reads no region or service from a PrivateLink service name", () => {
    expect(
      parseEndpointServiceName("com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"),
    ).toBeUndefined();
  });
});
