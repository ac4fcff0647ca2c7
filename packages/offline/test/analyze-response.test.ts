/**
 * The host's reply decoder against the stub's: the same diagnostics, in order, from a reply that
 * also lists policies not applicable (which it skips), including fields it does not know.
 */
import { describe, expect, it } from "vitest";
import { analyzeResponseDiagnostics } from "../src/analyzer/proto.js";
import { analyzerPb } from "../src/pulumi-internals.js";

function reply(diagnostics: number, notApplicable: number): Uint8Array {
  const res = new analyzerPb.AnalyzeResponse();
  for (let i = 0; i < diagnostics; i++) {
    const d = new analyzerPb.AnalyzeDiagnostic();
    d.setPolicyname(`policy-${i}`);
    d.setPolicypackname("retrain-guard");
    d.setPolicypackversion("1.0.0");
    d.setDescription("what");
    d.setMessage(`what\nfinding ${i} ✓`);
    d.setUrn(`urn:pulumi:s::p::t::n${i}`);
    d.setEnforcementlevel(analyzerPb.EnforcementLevel.MANDATORY);
    res.addDiagnostics(d);
  }
  for (let i = 0; i < notApplicable; i++) {
    const n = new analyzerPb.PolicyNotApplicable();
    n.setPolicyName(`other-${i}`);
    n.setReason("Policy only applies to resources of type 'aws:iam/role:Role'");
    res.addNotApplicable(n);
  }
  return res.serializeBinary();
}

describe("analyzeResponseDiagnostics", () => {
  it.each([
    [0, 0],
    [0, 7],
    [3, 0],
    [2, 7],
    [200, 1],
  ])("%i diagnostics and %i not-applicable entries: the diagnostics as the stub decodes them", (d, n) => {
    const bytes = reply(d, n);
    const ours = analyzeResponseDiagnostics(bytes);
    const stub = analyzerPb.AnalyzeResponse.deserializeBinary(bytes);
    expect(ours.getDiagnosticsList().map((x) => x.toObject())).toEqual(
      stub.getDiagnosticsList().map((x) => x.toObject()),
    );
    expect(ours.getDiagnosticsList()).toHaveLength(d);
    expect(ours.getNotApplicableList()).toEqual([]);
  });

  it("skips a field it does not know (a newer engine's reply)", () => {
    // Field 9, length-delimited, 3 bytes, before the library's own bytes.
    const unknown = Uint8Array.from([(9 << 3) | 2, 3, 1, 2, 3]);
    const bytes = new Uint8Array([...unknown, ...reply(1, 2)]);
    expect(
      analyzeResponseDiagnostics(bytes)
        .getDiagnosticsList()
        .map((x) => x.getPolicyname()),
    ).toEqual(["policy-0"]);
  });
});
