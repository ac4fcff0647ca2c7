/**
 * Upstream outputs cross to a worker once and come back as references (stages/upstream-refs.ts):
 * what the worker's program reads and what the plan thread gets back must be exactly what a run in
 * the plan thread would have, with the plan thread's own objects in place.
 */
import type { RecordedResource } from "@retrain/offline";
import { STACK_REFERENCE_TYPE } from "@retrain/offline";
import { describe, expect, it } from "vitest";
import type { ProgramRun } from "../../src/stages/execute.js";
import { UpstreamReceiver, UpstreamSender } from "../../src/stages/upstream-refs.js";

const IAM = "organization/retrain-iam/dev";
const FLEET = "organization/retrain-fleet/dev";

const resource = (type: string, name: string, outputs: Record<string, unknown>): RecordedResource => ({
  urn: `urn:pulumi:t::retrain-scheduling::${type}::${name}`,
  type,
  name,
  custom: true,
  inputs: { name },
  outputs,
  dependencies: [],
  propertyDependencies: {},
  options: {
    protect: false,
    ignoreChanges: [],
    deleteBeforeReplace: false,
    retainOnDelete: false,
    additionalSecretOutputs: [],
    read: type === STACK_REFERENCE_TYPE,
  },
});

/** Crossing a thread: what postMessage does to a message. */
const post = <T>(v: T): T => structuredClone(v);

/** A worker's run of a team stack that read `upstream`, as the monitor records it. */
function teamRun(upstream: Record<string, Record<string, unknown>>): ProgramRun {
  return {
    resources: [
      resource(STACK_REFERENCE_TYPE, IAM, { name: IAM, outputs: upstream[IAM], secretOutputNames: [] }),
      resource(STACK_REFERENCE_TYPE, FLEET, { name: FLEET, outputs: upstream[FLEET], secretOutputNames: [] }),
      // Not a StackReference: left alone even when it holds the same object.
      resource("aws:ssm/document:Document", "train", { content: upstream[IAM] }),
    ],
    outputs: { ok: true },
    errors: [],
  };
}

describe("upstream outputs to a worker by reference", () => {
  it("sends each upstream object once, and the run comes back with the plan thread's objects", () => {
    const iam = { teamRoleArns: { a: "arn:aws:iam::123456789012:role/a" } };
    const fleet = { region: "eu-west-1" };
    const sender = new UpstreamSender();
    const receiver = new UpstreamReceiver();

    const first = post(sender.refs({ [IAM]: iam, [FLEET]: fleet }));
    expect(first[IAM]?.outputs).toEqual(iam);
    const second = post(sender.refs({ [IAM]: iam, [FLEET]: fleet }));
    expect(second[IAM]).toEqual({ id: first[IAM]?.id });
    expect(second[FLEET]).toEqual({ id: first[FLEET]?.id });

    const upstream1 = receiver.resolve(first);
    const upstream2 = receiver.resolve(second);
    // One frozen object per upstream serves every stack of the worker.
    expect(upstream2[IAM]).toBe(upstream1[IAM]);
    expect(upstream2[IAM]).toEqual(iam);
    expect(Object.isFrozen(upstream2[IAM]) && Object.isFrozen(upstream2[IAM]?.teamRoleArns)).toBe(true);

    const ran = teamRun(upstream2);
    const { run, elided } = receiver.elide(ran, second);
    expect(elided.map((e) => e.resource)).toEqual([0, 1]);
    const sent = post(run) as Extract<ProgramRun, { resources: unknown }>;
    expect(sent.resources[0]?.outputs).toEqual({ name: IAM, secretOutputNames: [] });
    expect(sent.resources[2]?.outputs).toEqual({ content: iam });

    const back = sender.restore(sent, post(elided)) as Extract<ProgramRun, { resources: unknown }>;
    expect(back).toEqual(ran);
    expect(back.resources[0]?.outputs.outputs).toBe(iam);
    expect(back.resources[1]?.outputs.outputs).toBe(fleet);
  });

  it("a changed upstream (a new object) is sent again, with its new content", () => {
    const sender = new UpstreamSender();
    const receiver = new UpstreamReceiver();
    receiver.resolve(post(sender.refs({ [IAM]: { teamRoleArns: { a: "arn:a" } } })));
    const changed = { teamRoleArns: { a: "arn:b" } };
    const refs = post(sender.refs({ [IAM]: changed }));
    expect(refs[IAM]?.outputs).toEqual(changed);
    expect(receiver.resolve(refs)[IAM]).toEqual(changed);
  });

  it("resends an upstream whose first message never reached the worker", () => {
    const sender = new UpstreamSender();
    const iam = { teamRoleArns: {} };
    sender.unsent(sender.refs({ [IAM]: iam }));
    expect(sender.refs({ [IAM]: iam })[IAM]?.outputs).toBe(iam);
    expect(sender.refs({ [IAM]: iam })[IAM]?.outputs).toBeUndefined();
  });

  it("leaves a state alone whose outputs are not the object the worker was sent", () => {
    const sender = new UpstreamSender();
    const receiver = new UpstreamReceiver();
    const refs = post(sender.refs({ [IAM]: { x: 1 }, [FLEET]: { y: 2 } }));
    receiver.resolve(refs);
    const ran = teamRun({ [IAM]: { x: 1 }, [FLEET]: { y: 2 } }); // equal content, other objects
    const { run, elided } = receiver.elide(ran, refs);
    expect(elided).toEqual([]);
    expect(run).toBe(ran);
  });

  it("refuses a reference it was never sent, and a restore naming an unknown upstream", () => {
    expect(() => new UpstreamReceiver().resolve({ [IAM]: { id: 3 } })).toThrow(/never sent to this worker/);
    const run = teamRun({ [IAM]: {}, [FLEET]: {} });
    expect(() => new UpstreamSender().restore(run, [{ resource: 0, id: 9 }])).toThrow(/unknown upstream/);
  });
});
