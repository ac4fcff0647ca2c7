import { describe, expect, it } from "vitest";
import {
  associationFailureMessage,
  commandFailureMessage,
  type InputTransformer,
  runLogPattern,
  succeededFilter,
  windowFailureMessage,
} from "../src/scheduling/alert-messages.js";

const messages: [string, InputTransformer][] = [
  ["window failure", windowFailureMessage({ team: "vision", window: "weekly-retrain", region: "eu-west-1" })],
  [
    "command failure",
    commandFailureMessage({
      team: "vision",
      region: "eu-west-1",
      logGroupName: "/retrain/prod/runs",
      artifactBucket: "b",
    }),
  ],
  ["association failure", associationFailureMessage({ team: "recsys", region: "eu-west-1" })],
];

describe("alert messages (EventBridge input transformers)", () => {
  it.each(messages)("%s: a JSON string whose every <placeholder> is an input path of the event", (_t, m) => {
    // SNS gets text: the template must be one JSON string literal.
    expect(typeof JSON.parse(m.inputTemplate)).toBe("string");
    const used = new Set([...m.inputTemplate.matchAll(/<([A-Za-z0-9_-]+)>/g)].map((x) => x[1]));
    expect([...used].sort()).toEqual(Object.keys(m.inputPaths).sort());
    for (const p of Object.values(m.inputPaths)) expect(p).toMatch(/^\$\.[a-z-]+(\.[a-z-]+)*$/);
    // EventBridge limits: at most 100 input paths; template up to 8192 characters.
    expect(m.inputTemplate.length).toBeLessThanOrEqual(8192);
  });

  it("names the team, the window and where the logs are", () => {
    const text = JSON.parse(messages[1]?.[1].inputTemplate ?? '""') as string;
    expect(text).toContain("team vision");
    expect(text).toContain(
      "aws logs tail /retrain/prod/runs --log-stream-name-prefix <command>/<instance> --region eu-west-1",
    );
    expect(text).toContain("log-group/$252Fretrain$252Fprod$252Fruns");
  });

  it("sends a team's run log only its own windows' and associations' events", () => {
    expect(runLogPattern({ windowIds: ["mw-1"], associationIds: [] })).toEqual({
      windows: [
        {
          source: ["aws.ssm"],
          "detail-type": [
            "Maintenance Window Execution State-change Notification",
            "Maintenance Window Task Execution State-change Notification",
            "Maintenance Window Task Target Invocation State-change Notification",
          ],
          detail: { "window-id": ["mw-1"] },
        },
      ],
      associations: [],
    });
    expect(succeededFilter("maintenance-window", "mw-1")).toBe(
      '"Task Target Invocation State-change" "SUCCESS" "mw-1"',
    );
    expect(succeededFilter("association", "a-1")).toBe('"Instance Association State Change" "Success" "a-1"');
  });
});
