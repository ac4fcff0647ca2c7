/**
 * The AnalyzeStack request with StackReference states spliced in already encoded decodes to exactly
 * what the library's own serialisation of the same request decodes to (the pack and the engine read
 * it so), through the generated gRPC serializer the client uses; a changed state is re-encoded.
 */
import { describe, expect, it } from "vitest";
import { analyzerGrpc, analyzerPb, toStruct } from "../src/analyzer/proto.js";
import { analyzeStackRequest, type StackRequestResource } from "../src/analyzer/stack-request.js";
import { STACK_REFERENCE_TYPE } from "../src/repeated-value.js";

const iamOutputs = (teams: number, suffix = "") => ({
  name: "organization/retrain-iam/dev",
  outputs: {
    artifactBucket: "retrain-artifacts-dev",
    teamRoleArns: Object.fromEntries(
      Array.from({ length: teams }, (_, i) => [
        `team-${i}`,
        `arn:aws:iam::123456789012:role/retrain-dev-team-${i}${suffix}`,
      ]),
    ),
  },
  secretOutputNames: [],
});

function resources(stack: string, refState: Record<string, unknown>): StackRequestResource[] {
  const rows: [string, string, Record<string, unknown>, string?][] = [
    ["pulumi:pulumi:Stack", `retrain-scheduling-${stack}`, {}],
    [STACK_REFERENCE_TYPE, "organization/retrain-iam/dev", refState, "urn:parent"],
    [
      "aws:ssm/maintenanceWindow:MaintenanceWindow",
      "nightly",
      { schedule: "cron(0 2 ? * MON *)", duration: 3 },
      "urn:parent",
    ],
  ];
  return rows.map(([type, name, properties, parent]) => {
    const m = new analyzerPb.AnalyzerResource();
    m.setUrn(`urn:pulumi:${stack}::retrain-scheduling::${type}::${name}`);
    m.setType(type);
    m.setName(name);
    if (parent) m.setParent(parent);
    m.setDependenciesList(parent ? [parent] : []);
    return { message: m, type, name, properties };
  });
}

/** The same request the plain way: every message with its properties, in the library's order. */
function plain(rs: readonly StackRequestResource[]) {
  const req = new analyzerPb.AnalyzeStackRequest();
  req.setResourcesList(
    rs.map((r) => {
      const m = r.message.cloneMessage() as typeof r.message;
      m.setProperties(toStruct(r.properties));
      return m;
    }),
  );
  return req;
}

const serialize = (req: ReturnType<typeof analyzeStackRequest>) =>
  (
    analyzerGrpc.AnalyzerService as unknown as Record<string, { requestSerialize(r: unknown): Buffer }>
  ).analyzeStack!.requestSerialize(req);
const decoded = (bytes: Uint8Array) => analyzerPb.AnalyzeStackRequest.deserializeBinary(bytes).toObject();

describe("analyzeStackRequest", () => {
  it.each([
    ["a small state", 2],
    ["a state over 127 bytes (two-byte lengths)", 10],
    ["a 5,000-team state (three-byte lengths)", 5000],
  ])("%s decodes as the library's own request", (_name, teams) => {
    const expected = decoded(plain(resources("team-a", iamOutputs(teams))).serializeBinary());
    const got = decoded(serialize(analyzeStackRequest(resources("team-a", iamOutputs(teams)))));
    expect(got).toEqual(expected);
    expect(got.resourcesList[1]?.properties?.fieldsMap.length).toBe(3);
  });

  it("a request without a StackReference decodes as the library's own too", () => {
    const rs = () => resources("team-a", iamOutputs(2)).filter((r) => r.type !== STACK_REFERENCE_TYPE);
    expect(decoded(serialize(analyzeStackRequest(rs())))).toEqual(decoded(plain(rs()).serializeBinary()));
  });

  it("reuses one state for every stack, and a changed state is encoded anew", () => {
    for (const [stack, state] of [
      ["team-a", iamOutputs(50)],
      ["team-b", iamOutputs(50)],
      ["team-c", iamOutputs(50, "-renamed")],
      ["team-d", iamOutputs(51)],
    ] as const) {
      const got = decoded(serialize(analyzeStackRequest(resources(stack, state))));
      expect(got).toEqual(decoded(plain(resources(stack, state)).serializeBinary()));
    }
  });
});
