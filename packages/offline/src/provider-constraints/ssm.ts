/** Systems Manager: maintenance windows, their targets and tasks, documents, associations. */
import { RE2JS } from "re2js";
import { api, type Constraint, intRange, length, maxItems, oneOf, pattern, rule, tf } from "./engine.js";

const SSM_NAME = /^[a-zA-Z0-9_\-.]{3,128}$/;
const SSM_NAME_ALLOWED = "3-128 letters, digits, '_', '-' or '.'";
/** MaxConcurrency: 0 would run nothing. */
const MAX_CONCURRENCY = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
/** MaxErrors: 0 / 0% are valid (stop at the first error). */
const MAX_ERRORS = /^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$/;
/**
 * MaxConcurrency and MaxErrors are 1-7 characters for tasks (API_MaintenanceWindowTask,
 * RegisterTaskWithMaintenanceWindow) and associations (CreateAssociation): the pattern alone
 * lets "12345678" through, which the API refuses at `pulumi up`.
 */
const RATE_CONTROL_MAX = 7;
const TASK_API = api(
  "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_RegisterTaskWithMaintenanceWindow.html",
);
const ASSOCIATION_API = api(
  "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateAssociation.html",
);
const rateControlLength = (source: string): Constraint[] =>
  (["maxConcurrency", "maxErrors"] as const).map((path) =>
    length(path, 1, RATE_CONTROL_MAX, { source, phase: "up", good: "1000000", bad: "10000000" }),
  );
const DOCUMENT_VERSION = /^([$]LATEST|[$]DEFAULT|[1-9][0-9]*)$/;

const WINDOW_API = api(
  "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateMaintenanceWindow.html",
);
const TARGET = tf("ssm/maintenance_window_target.go");
const TASK = tf("ssm/maintenance_window_task.go");
const DOCUMENT = tf("ssm/document.go");
const ASSOCIATION = tf("ssm/association.go");

/** Targets blocks (windows' targets, tasks, associations): at most 5 keys of at most 50 values. */
const targets = (source: string): Constraint[] => [
  maxItems("targets", 5, {
    source,
    good: [{ key: "tag:a", values: ["x"] }],
    bad: Array.from({ length: 6 }, (_, i) => ({ key: `tag:k${i}`, values: ["x"] })),
  }),
  maxItems("targets[].values", 50, {
    source,
    good: ["x"],
    bad: Array.from({ length: 51 }, (_, i) => `v${i}`),
  }),
  length("targets[].key", 1, 163, { source, good: "tag:retrain:pool", bad: "" }),
];

/** Systems Manager's limit on a document's content, in bytes. */
const DOCUMENT_CONTENT_BYTES = 64 * 1024;

export const SSM_CONSTRAINTS: Record<string, Constraint[]> = {
  "aws:ssm/maintenanceWindow:MaintenanceWindow": [
    // The provider checks only schedule_offset (ssm/maintenance_window.go); the rest is CreateMaintenanceWindow's.
    pattern("name", SSM_NAME, SSM_NAME_ALLOWED, {
      source: WINDOW_API,
      phase: "up",
      good: "retrain-prod-vision-weekly",
      bad: "w!",
    }),
    length("description", 1, 128, {
      source: WINDOW_API,
      phase: "up",
      good: "Weekly retraining",
      bad: "d".repeat(129),
    }),
    intRange("duration", 1, 24, { source: WINDOW_API, phase: "up", good: 3, bad: 25 }),
    intRange("cutoff", 0, 23, { source: WINDOW_API, phase: "up", good: 1, bad: 24 }),
    intRange("scheduleOffset", 1, 6, { source: tf("ssm/maintenance_window.go"), good: 2, bad: 7 }),
    length("schedule", 1, 256, { source: WINDOW_API, phase: "up", good: "cron(0 4 ? * SUN *)", bad: "" }),
    rule(
      "cutoff < duration",
      (i) =>
        typeof i.cutoff === "number" && typeof i.duration === "number" && i.cutoff >= i.duration
          ? [
              {
                path: "cutoff",
                message: `cutoff (${i.cutoff} h) must be less than duration (${i.duration} h)`,
              },
            ]
          : [],
      { source: WINDOW_API, phase: "up", good: { duration: 3, cutoff: 1 }, bad: { duration: 2, cutoff: 2 } },
    ),
  ],
  "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": [
    pattern("name", SSM_NAME, SSM_NAME_ALLOWED, { source: TARGET, good: "a10g-pool", bad: "ab" }),
    length("description", 3, 128, { source: TARGET, good: "pool a10g", bad: "ab" }),
    length("ownerInformation", 1, 128, { source: TARGET, good: "ml", bad: "o".repeat(129) }),
    oneOf("resourceType", ["INSTANCE", "RESOURCE_GROUP"], { source: TARGET, good: "INSTANCE", bad: "EC2" }),
    ...targets(TARGET),
  ],
  "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": [
    pattern("name", SSM_NAME, SSM_NAME_ALLOWED, { source: TASK, good: "retrain", bad: "ab" }),
    length("description", 1, 128, { source: TASK, good: "Retraining task", bad: "d".repeat(129) }),
    pattern("maxConcurrency", MAX_CONCURRENCY, "a count or percentage from 1 (no 0, no leading zeros)", {
      source: TASK,
      good: "50%",
      bad: "0",
    }),
    pattern("maxErrors", MAX_ERRORS, "a count or percentage from 0 (no leading zeros)", {
      source: TASK,
      good: "0",
      bad: "01",
    }),
    ...rateControlLength(TASK_API),
    oneOf("taskType", ["RUN_COMMAND", "AUTOMATION", "STEP_FUNCTIONS", "LAMBDA"], {
      source: TASK,
      good: "AUTOMATION",
      bad: "SHELL",
    }),
    oneOf("cutoffBehavior", ["CONTINUE_TASK", "CANCEL_TASK"], {
      source: TASK,
      good: "CONTINUE_TASK",
      bad: "STOP",
    }),
    intRange("priority", 0, Number.MAX_SAFE_INTEGER, { source: TASK, good: 0, bad: -1 }),
    ...targets(TASK),
    length("taskInvocationParameters.runCommandParameters.comment", 0, 100, {
      source: TASK,
      good: "retrain vision/weekly",
      bad: "c".repeat(101),
    }),
    intRange("taskInvocationParameters.runCommandParameters.timeoutSeconds", 30, 2_592_000, {
      source: TASK,
      good: 3600,
      bad: 29,
    }),
    pattern(
      "taskInvocationParameters.runCommandParameters.documentVersion",
      DOCUMENT_VERSION,
      "$DEFAULT, $LATEST or a version number",
      {
        source: TASK,
        good: "3",
        bad: "v3",
      },
    ),
    oneOf("taskInvocationParameters.runCommandParameters.documentHashType", ["Sha256", "Sha1"], {
      source: TASK,
      good: "Sha256",
      bad: "md5",
    }),
    pattern(
      "taskInvocationParameters.automationParameters.documentVersion",
      DOCUMENT_VERSION,
      "$DEFAULT, $LATEST or a version number",
      {
        source: TASK,
        good: "$DEFAULT",
        bad: "default",
      },
    ),
  ],
  "aws:ssm/document:Document": [
    pattern("name", /^[0-9A-Za-z_.-]{3,128}$/, SSM_NAME_ALLOWED, {
      source: DOCUMENT,
      good: "retrain-prod-vision-train",
      bad: "my doc",
    }),
    oneOf(
      "documentType",
      [
        "Command",
        "Policy",
        "Automation",
        "Session",
        "Package",
        "ApplicationConfiguration",
        "ApplicationConfigurationSchema",
        "DeploymentStrategy",
        "ChangeCalendar",
        "Automation.ChangeTemplate",
        "ProblemAnalysis",
        "ProblemAnalysisTemplate",
        "CloudFormation",
        "ConformancePackTemplate",
        "QuickSetup",
        "ManualApprovalPolicy",
        "AutoApprovalPolicy",
      ],
      { source: DOCUMENT, good: "Command", bad: "Shell" },
    ),
    oneOf("documentFormat", ["YAML", "JSON", "TEXT"], { source: DOCUMENT, good: "JSON", bad: "XML" }),
    pattern(
      "targetType",
      /^\/[\w.\-:/]*$/,
      "'/' optionally followed by a resource type such as AWS::EC2::Instance",
      {
        source: DOCUMENT,
        good: "/AWS::EC2::Instance",
        bad: "AWS::EC2::Instance",
      },
    ),
    pattern("versionName", /^[0-9A-Za-z_.-]{3,128}$/, SSM_NAME_ALLOWED, {
      source: DOCUMENT,
      good: "v1.0",
      bad: "v1",
    }),
    rule(
      "content is JSON when documentFormat is JSON",
      (i) => {
        if ((i.documentFormat ?? "JSON") !== "JSON" || typeof i.content !== "string") return [];
        try {
          JSON.parse(i.content);
          return [];
        } catch (e) {
          return [{ path: "content", message: `content is not valid JSON (${(e as Error).message})` }];
        }
      },
      {
        source: api(
          "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html",
        ),
        phase: "up",
        good: { documentFormat: "JSON", content: '{"schemaVersion":"2.2"}' },
        bad: { documentFormat: "JSON", content: "schemaVersion: '2.2'" },
      },
    ),
    rule(
      "every parameter's allowedPattern compiles as the SSM agent compiles it (Go regexp)",
      (i) => {
        if ((i.documentFormat ?? "JSON") !== "JSON" || typeof i.content !== "string") return [];
        let parameters: unknown;
        try {
          parameters = (JSON.parse(i.content) as { parameters?: unknown }).parameters;
        } catch {
          return []; // the JSON rule above reports it
        }
        if (parameters === null || typeof parameters !== "object") return [];
        return Object.entries(parameters as Record<string, { allowedPattern?: unknown }>).flatMap(
          ([name, p]) => {
            if (typeof p?.allowedPattern !== "string") return [];
            try {
              RE2JS.compile(p.allowedPattern);
              return [];
            } catch (e) {
              return [
                {
                  path: `content.parameters.${name}.allowedPattern`,
                  message: `allowedPattern ${JSON.stringify(p.allowedPattern)} of parameter ${name} is no Go regexp (${(e as Error).message}): CreateDocument checks it with Java's regex and accepts it, the SSM agent compiles it again with Go's and fails the document at every run. Use RE2 syntax (no lookaround or backreference, repeat counts up to 1000; bound the length with minChars/maxChars)`,
                },
              ];
            }
          },
        );
      },
      {
        source:
          "https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html",
        phase: "run",
        good: {
          documentFormat: "JSON",
          content: JSON.stringify({
            schemaVersion: "2.2",
            parameters: {
              b64: { type: "String", allowedPattern: "^[A-Za-z0-9+/]+={0,2}$", maxChars: 16386 },
            },
          }),
        },
        bad: {
          documentFormat: "JSON",
          content: JSON.stringify({
            schemaVersion: "2.2",
            parameters: { b64: { type: "String", allowedPattern: "^[A-Za-z0-9+/]{2,16384}={0,2}$" } },
          }),
        },
      },
    ),
    rule(
      "content within 64 KB",
      (i) => {
        if (typeof i.content !== "string") return [];
        const bytes = Buffer.byteLength(i.content, "utf8");
        // "the content of the document must not exceed 64KB. This quota also includes the content
        // specified for input parameters at runtime" (Creating SSM documents): the parameters a
        // run passes take from the same 64 KB, so a document near it leaves them nothing.
        return bytes > DOCUMENT_CONTENT_BYTES
          ? [
              {
                path: "content",
                message: `content is ${bytes} bytes, over Systems Manager's ${DOCUMENT_CONTENT_BYTES} (64 KB, parameters passed at run time included)`,
              },
            ]
          : [];
      },
      {
        source: "https://docs.aws.amazon.com/systems-manager/latest/userguide/create-ssm-doc.html",
        phase: "up",
        good: {
          documentFormat: "JSON",
          content: JSON.stringify({ schemaVersion: "2.2", description: "d".repeat(60_000) }),
        },
        bad: {
          documentFormat: "JSON",
          content: JSON.stringify({ schemaVersion: "2.2", description: "\u00e9".repeat(33_000) }),
        },
      },
    ),
  ],
  "aws:ssm/parameter:Parameter": [
    length("name", 1, 2048, { source: tf("ssm/parameter.go"), good: "/retrain/prod/x", bad: "" }),
    oneOf("type", ["String", "StringList", "SecureString"], {
      source: tf("ssm/parameter.go"),
      good: "String",
      bad: "Secret",
    }),
    oneOf("tier", ["Standard", "Advanced", "Intelligent-Tiering"], {
      source: tf("ssm/parameter.go"),
      good: "Standard",
      bad: "Basic",
    }),
  ],
  "aws:ssm/association:Association": [
    pattern("associationName", /^[0-9A-Za-z_.-]{3,128}$/, SSM_NAME_ALLOWED, {
      source: ASSOCIATION,
      good: "retrain-dev-recsys-daily",
      bad: "ab",
    }),
    pattern("maxConcurrency", MAX_CONCURRENCY, "a count or percentage from 1 (no 0, no leading zeros)", {
      source: ASSOCIATION,
      good: "1",
      bad: "0%",
    }),
    pattern("maxErrors", MAX_ERRORS, "a count or percentage from 0 (no leading zeros)", {
      source: ASSOCIATION,
      good: "0%",
      bad: "101%",
    }),
    ...rateControlLength(ASSOCIATION_API),
    oneOf("complianceSeverity", ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNSPECIFIED"], {
      source: ASSOCIATION,
      good: "HIGH",
      bad: "SEVERE",
    }),
    pattern("documentVersion", DOCUMENT_VERSION, "$DEFAULT, $LATEST or a version number", {
      source: ASSOCIATION,
      good: "$DEFAULT",
      bad: "latest",
    }),
    length("scheduleExpression", 1, 256, { source: ASSOCIATION, good: "rate(1 day)", bad: "" }),
    oneOf("syncCompliance", ["AUTO", "MANUAL"], { source: ASSOCIATION, good: "AUTO", bad: "SYNC" }),
    length("automationTargetParameterName", 1, 50, {
      source: ASSOCIATION,
      good: "InstanceId",
      bad: "p".repeat(51),
    }),
    length("outputLocation.s3BucketName", 3, 63, {
      source: ASSOCIATION,
      good: "retrain-artifacts",
      bad: "ab",
    }),
    length("outputLocation.s3KeyPrefix", 0, 500, {
      source: ASSOCIATION,
      good: "runs/recsys",
      bad: "k".repeat(501),
    }),
    length("outputLocation.s3Region", 3, 20, { source: ASSOCIATION, good: "eu-west-1", bad: "eu" }),
    ...targets(ASSOCIATION),
  ],
};
