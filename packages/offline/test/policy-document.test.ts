import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildPolicyDocument, type PolicyDocumentInput } from "../src/policy-document.js";

const statementOf = (args: PolicyDocumentInput) => JSON.parse(buildPolicyDocument(args).json).Statement[0];

describe("buildPolicyDocument (the aws:iam/getPolicyDocument data source)", () => {
  it.each([
    {
      rule: "Effect defaults to Allow, empty fields are left out",
      input: { statements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }] },
      statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
    },
    {
      rule: "longer lists are sorted in reverse order",
      input: {
        statements: [
          {
            sid: "S",
            actions: ["ssm:ListCommands", "ec2:DescribeInstances", "ssm:CancelCommand"],
            resources: ["*"],
          },
        ],
      },
      statement: {
        Sid: "S",
        Effect: "Allow",
        Action: ["ssm:ListCommands", "ssm:CancelCommand", "ec2:DescribeInstances"],
        Resource: "*",
      },
    },
    {
      rule: 'a "*" principal of type "*" becomes the bare "*"',
      input: {
        statements: [{ effect: "Deny", actions: ["s3:*"], principals: [{ type: "*", identifiers: ["*"] }] }],
      },
      statement: { Effect: "Deny", Action: "s3:*", Principal: "*" },
    },
    {
      rule: "principal types are keys (sorted), identifiers reverse-sorted",
      input: {
        statements: [
          {
            actions: ["sts:AssumeRole"],
            principals: [
              { type: "Service", identifiers: ["ec2.amazonaws.com"] },
              {
                type: "AWS",
                identifiers: ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"],
              },
            ],
          },
        ],
      },
      statement: {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: {
          AWS: ["arn:aws:iam::222222222222:root", "arn:aws:iam::111111111111:root"],
          Service: "ec2.amazonaws.com",
        },
      },
    },
    {
      rule: "conditions: one value is flattened, several keep their order, same test+variable merge",
      input: {
        statements: [
          {
            actions: ["sts:AssumeRole"],
            conditions: [
              { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
              { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:b", "arn:a"] },
              { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:c"] },
            ],
          },
        ],
      },
      statement: {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Condition: {
          ArnLike: { "aws:SourceArn": ["arn:b", "arn:a", "arn:c"] },
          StringEquals: { "aws:SourceAccount": "123456789012" },
        },
      },
    },
    {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: IAM policy variable syntax, not JS
      rule: "&{...} becomes an IAM policy variable ${...}",
      input: {
        statements: [{ actions: ["s3:PutObject"], resources: ["arn:aws:s3:::b/home/&{aws:username}/*"] }],
      },
      statement: {
        Effect: "Allow",
        Action: "s3:PutObject",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: IAM policy variable syntax, not JS
        Resource: "arn:aws:s3:::b/home/${aws:username}/*",
      },
    },
  ])("$rule", ({ input, statement }) => {
    expect(statementOf(input as PolicyDocumentInput)).toEqual(statement);
  });

  it("keeps the provider's key order and formatting, with Version first", () => {
    const result = buildPolicyDocument({
      statements: [
        {
          sid: "A",
          actions: ["s3:GetObject"],
          resources: ["arn:aws:s3:::b/*"],
          notResources: ["arn:aws:s3:::b/x"],
        },
      ],
    });
    expect(result.json).toBe(
      [
        "{",
        '  "Version": "2012-10-17",',
        '  "Statement": [',
        "    {",
        '      "Sid": "A",',
        '      "Effect": "Allow",',
        '      "Action": "s3:GetObject",',
        '      "Resource": "arn:aws:s3:::b/*",',
        '      "NotResource": "arn:aws:s3:::b/x"',
        "    }",
        "  ]",
        "}",
      ].join("\n"),
    );
    expect(result.minifiedJson).toBe(JSON.stringify(JSON.parse(result.json)));
    expect(result.id).toBe(String(crc32(result.json)));
  });

  it("escapes <, > and & like Go's encoding/json", () => {
    const result = buildPolicyDocument({
      statements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::a<b>&c"] }],
    });
    expect(result.json).toContain("arn:aws:s3:::a\\u003cb\\u003e\\u0026c");
    expect(JSON.parse(result.json).Statement[0].Resource).toBe("arn:aws:s3:::a<b>&c");
  });

  it("merges source documents first and lets override documents replace statements by Sid", () => {
    const source = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "Keep", Effect: "Allow", Action: "a:B", Resource: "*" }],
    });
    const override = JSON.stringify({
      Statement: [{ Sid: "Mine", Effect: "Deny", Action: "c:D", Resource: "*" }],
    });
    const doc = JSON.parse(
      buildPolicyDocument({
        sourcePolicyDocuments: [source],
        overridePolicyDocuments: [override],
        statements: [{ sid: "Mine", actions: ["c:D"], resources: ["*"] }],
      }).json,
    );
    expect(doc.Statement.map((s: { Sid: string; Effect: string }) => [s.Sid, s.Effect])).toEqual([
      ["Keep", "Allow"],
      ["Mine", "Deny"],
    ]);
  });

  it("rejects duplicate Sids and unparseable source documents", () => {
    expect(() =>
      buildPolicyDocument({
        statements: [
          { sid: "X", actions: ["a:B"] },
          { sid: "X", actions: ["a:C"] },
        ],
      }),
    ).toThrow(/duplicate Sid \(X\)/);
    expect(() => buildPolicyDocument({ sourcePolicyDocuments: ["{nope"] })).toThrow(
      /source policy document #0 is not valid JSON/,
    );
  });
});
