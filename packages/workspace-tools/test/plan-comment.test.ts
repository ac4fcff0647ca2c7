/** The plan's pull-request comment: the verdict, each selected stack, violations, clashes and the run link. */
import { describe, expect, it } from "vitest";
import { COMMENT_MARKER, planComment } from "../src/plan-comment.js";

const summary = {
  stacks: 2,
  planned: 2,
  failed: 0,
  skipped: 0,
  resources: 7,
  mandatory: 0,
  advisory: 1,
  clashes: 0,
  exitCode: 0,
};
const stack = (
  id: string,
  violations: { policy: string; enforcementLevel: string; message: string }[] = [],
) => ({
  id,
  status: "planned",
  selected: true,
  resources: [{}, {}],
  violations,
});

describe("planComment", () => {
  it("starts with the marker CI finds its comment by, and states the verdict", () => {
    const body = planComment({ summary, stacks: [stack("iam/dev")], clashes: [], errors: [] });
    expect(body.startsWith(`${COMMENT_MARKER}\n### Offline plan: ✅ clean`)).toBe(true);
    expect(body).toContain("| `iam/dev` | planned | 2 | 0 | 0 |");
  });

  it("lists mandatory violations, clashes, input errors and links the run", () => {
    const body = planComment(
      {
        summary: { ...summary, mandatory: 1, clashes: 1, exitCode: 1 },
        stacks: [
          stack("scheduling/vision", [
            { policy: "no-wildcard-iam", enforcementLevel: "mandatory", message: "Action `*` | allowed" },
          ]),
          { ...stack("iam/dev"), selected: false },
        ],
        clashes: [
          {
            environment: "prod",
            pool: "a10g",
            a: { team: "vision", window: "weekly" },
            b: { team: "nlp", window: "nightly" },
            firstOverlap: { start: "2025-06-01T04:00:00Z" },
          },
        ],
        cost: { totalMonthlyCostUsd: 123.4 },
        errors: [
          { file: "stacks/scheduling/teams/x/Pulumi.x.yaml", key: "scheduling:team", message: "required" },
        ],
      },
      "https://github.com/o/r/actions/runs/1",
    );
    expect(body).toContain("❌ mandatory violations, clashes or permission findings");
    expect(body).toContain("1 mandatory and 1 advisory violations, 1 clash,");
    expect(body).toContain("- `scheduling/vision` no-wildcard-iam: Action `*` \\| allowed");
    expect(body).not.toContain("`iam/dev`");
    expect(body).toContain("- prod/a10g: vision/weekly and nlp/nightly, first at 2025-06-01T04:00:00Z");
    expect(body).toContain("- `stacks/scheduling/teams/x/Pulumi.x.yaml` `scheduling:team`: required");
    expect(body).toContain("about $123/month");
    expect(body).toContain("[this run](https://github.com/o/r/actions/runs/1)");
    expect(body).not.toContain("Permission findings");
  });

  it("keeps each input error on one line, and lists at most 50 of them", () => {
    const errors = [
      {
        file: "stacks/scheduling/teams/x/Pulumi.x.yaml",
        key: "scheduling:windows",
        message: "bad | value\n## injected",
      },
      ...Array.from({ length: 59 }, (_, i) => ({
        file: `stacks/scheduling/teams/t${i}/Pulumi.t${i}.yaml`,
        message: "required",
      })),
    ];
    const body = planComment({ summary: { ...summary, exitCode: 2 }, stacks: [], clashes: [], errors });
    expect(body).toContain("⚠️ invalid input");
    expect(body).toContain(
      "- `stacks/scheduling/teams/x/Pulumi.x.yaml` `scheduling:windows`: bad \\| value ## injected\n",
    );
    expect(body).not.toMatch(/^## injected/m);
    const listed = body.split("\n").filter((l) => l.startsWith("- `stacks/"));
    expect(listed).toHaveLength(50);
    expect(body).toContain("- `stacks/scheduling/teams/t48/Pulumi.t48.yaml`: required\n");
    expect(body).not.toContain("t49/");
    expect(body).toContain("- … and 10 more (see the artifact)");
  });

  it.each<[string, string, string]>([
    // title, message quoting a team's value, how the comment shows it
    [
      "an HTML comment that would hide the rest of the report",
      'schedule "cron(0 4 ? * SUN *) <!-- " is invalid',
      'schedule "cron(0 4 ? * SUN *) &lt;!-- " is invalid',
    ],
    ["a tag", 'name "<img src=x onerror=alert(1)>"', 'name "&lt;img src=x onerror=alert(1)&gt;"'],
    [
      "a link or image",
      'key "![x](https://evil.example/t.png)"',
      'key "!\\[x\\](https\u200b://evil.example/t.png)"',
    ],
    ["an entity", 'value "&lt;"', 'value "&amp;lt;"'],
    [
      "terminal escapes and a forged workflow command",
      "bad \u001b[2K\n::error::ok",
      "bad \\\\u{1b}\\[2K ::error::ok",
    ],
    ["a pipe is escaped outside code spans only", "use `a|b` or c|d", "use `a|b` or c\\|d"],
    ["our own code spans stay code", "use `retrain-<env>-x` or `*`", "use `retrain-<env>-x` or `*`"],
    ["an unpaired backtick opens no span", 'value "`<!--" in `x`', 'value "\\`&lt;!--" in \\`x\\`'],
    [
      "a backslash before a backtick (literal in markdown) does not shift the pairing",
      'pool "\\`<img src=x> [ok](https://evil.example)` x"',
      'pool "\\\\\\`&lt;img src=x&gt; \\[ok\\](https\u200b://evil.example)\\` x"',
    ],
    ["a run of backticks is escaped whole", "value ``<!--``", "value \\`\\`&lt;!--\\`\\`"],
    [
      "a mention pings no one",
      'timezone "@octocat and @org/security"',
      'timezone "@\u200boctocat and @\u200borg/security"',
    ],
    [
      "a bare URL becomes no link",
      "see https://evil.example/login or HTTP://x.example or www.evil.example",
      "see https\u200b://evil.example/login or HTTP\u200b://x.example or www\u200b.evil.example",
    ],
    ["an e-mail address becomes no mailto link", "mail me@evil.example", "mail me@\u200bevil.example"],
    ["a mention inside our code span stays as it is", "owner `@org/ml`", "owner `@org/ml`"],
  ])("shows %s as inert text", (_title, message, shown) => {
    const errors = [{ file: "stacks/scheduling/teams/x/Pulumi.x.yaml", message }];
    const body = planComment({ summary: { ...summary, exitCode: 2 }, stacks: [], clashes: [], errors });
    expect(body).toContain(`- \`stacks/scheduling/teams/x/Pulumi.x.yaml\`: ${shown}\n`);
  });

  it("fences a team-chosen key and file name so no backtick in them closes the span", () => {
    const errors = [
      {
        file: "stacks/scheduling/teams/x/Pulumi.x.yaml",
        key: "scheduling:x` [click](https://evil.example) <b>hi</b> `",
        message: "unknown key",
      },
      { file: "stacks/scheduling/teams/x/notes``\n::error::ok", message: "remove it" },
    ];
    const body = planComment({ summary: { ...summary, exitCode: 2 }, stacks: [], clashes: [], errors });
    expect(body).toContain(
      "- `stacks/scheduling/teams/x/Pulumi.x.yaml` `` scheduling:x` [click](https://evil.example) <b>hi</b> ` ``: unknown key\n",
    );
    expect(body).toContain("- ``` stacks/scheduling/teams/x/notes`` ::error::ok ```: remove it\n");
    expect(body).not.toMatch(/^::error/m);
  });

  it("lists the permission findings of the proof", () => {
    const body = planComment({
      summary: { ...summary, exitCode: 1 },
      stacks: [stack("iam/prod")],
      clashes: [],
      errors: [],
      permissions: {
        findings: [
          { environment: "prod", flow: "team-run/vision", message: "allowed s3:PutObject | runs/nlp" },
        ],
      },
    });
    expect(body).toContain("**Permission findings**");
    expect(body).toContain("- prod `team-run/vision`: allowed s3:PutObject \\| runs/nlp");
  });
});
