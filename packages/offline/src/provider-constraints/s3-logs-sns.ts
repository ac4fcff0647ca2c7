/** S3 buckets and their configuration resources, CloudWatch Logs/Events/alarms, SNS. */
import { bucketNameProblem } from "@retrain/config/workspace";
import {
  atMostOne,
  type Constraint,
  conflicts,
  intRange,
  json,
  length,
  oneOf,
  pattern,
  rule,
  tf,
} from "./engine.js";

const BUCKET_RULES = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html";
/** EventBridge quotas: "Event pattern size | 2,048 | Maximum size of an event pattern, in characters". */
const EB_QUOTAS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html";
/** CloudWatch Events / EventBridge rule and target ids. */
const EVENTS_NAME = /^[.\-_A-Za-z0-9]+$/;

export const S3_LOGS_SNS_CONSTRAINTS: Record<string, Constraint[]> = {
  "aws:s3/bucket:Bucket": [
    length("bucket", 3, 63, { source: BUCKET_RULES, phase: "up", good: "retrain-artifacts-prod", bad: "ab" }),
    pattern(
      "bucket",
      /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
      "lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
      {
        source: BUCKET_RULES,
        phase: "up",
        good: "retrain-artifacts-prod",
        bad: "Retrain_Artifacts",
      },
    ),
    rule(
      "bucket name form",
      (i) => {
        // No '..', no IP-address form, none of S3's reserved prefixes (xn--, sthree-, amzn-s3-demo-)
        // or suffixes (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3): the same rule as iam:artifactBucketName.
        const problem = typeof i.bucket === "string" ? bucketNameProblem(i.bucket) : undefined;
        return problem
          ? [{ path: "bucket", message: `bucket = ${JSON.stringify(i.bucket)}: ${problem}` }]
          : [];
      },
      { source: BUCKET_RULES, phase: "up", good: { bucket: "a.b-c" }, bad: { bucket: "a..b" } },
    ),
    conflicts("bucket", ["bucketPrefix"], {
      source: tf("s3/bucket.go"),
      good: { bucket: "a-b-c" },
      bad: { bucket: "a-b-c", bucketPrefix: "a-" },
    }),
  ],
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": [
    oneOf("rule.objectOwnership", ["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"], {
      source: tf("s3/bucket_ownership_controls.go"),
      good: "BucketOwnerEnforced",
      bad: "Owner",
    }),
  ],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
    oneOf("rules[].applyServerSideEncryptionByDefault.sseAlgorithm", ["AES256", "aws:kms", "aws:kms:dsse"], {
      source: tf("s3/bucket_server_side_encryption_configuration.go"),
      good: "aws:kms",
      bad: "kms",
    }),
  ],
  "aws:s3/bucketVersioning:BucketVersioning": [
    oneOf("versioningConfiguration.status", ["Enabled", "Suspended", "Disabled"], {
      source: tf("s3/bucket_versioning.go"),
      good: "Enabled",
      bad: "On",
    }),
    oneOf("versioningConfiguration.mfaDelete", ["Enabled", "Disabled"], {
      source: tf("s3/bucket_versioning.go"),
      good: "Disabled",
      bad: "No",
    }),
  ],
  // Booleans only: nothing the provider can reject before the call.
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": [],
  "aws:s3/bucketPolicy:BucketPolicy": [
    json("policy", {
      source: tf("s3/bucket_policy.go"),
      good: '{"Version":"2012-10-17","Statement":[]}',
      bad: "{",
    }),
  ],
  "aws:cloudwatch/logGroup:LogGroup": [
    pattern("name", /^[.\-_/#A-Za-z0-9]+$/, "letters, digits and '._-/#'", {
      source: tf("logs/group.go"),
      good: "/retrain/prod",
      bad: "/retrain prod",
    }),
    length("name", 1, 512, { source: tf("logs/group.go"), good: "/retrain/prod", bad: "l".repeat(513) }),
    oneOf(
      "retentionInDays",
      [
        0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
        3653,
      ],
      { source: tf("logs/group.go"), good: 30, bad: 31 },
    ),
    oneOf("logGroupClass", ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"], {
      source: tf("logs/group.go"),
      good: "STANDARD",
      bad: "COLD",
    }),
    conflicts("name", ["namePrefix"], {
      source: tf("logs/group.go"),
      good: { name: "/a" },
      bad: { name: "/a", namePrefix: "/b" },
    }),
  ],
  "aws:cloudwatch/logStream:LogStream": [
    pattern("name", /^[^:*]*$/, "any characters but ':' and '*'", {
      source: tf("logs/stream.go"),
      good: "train/i-1",
      bad: "train:1",
    }),
    length("name", 1, 512, { source: tf("logs/stream.go"), good: "train", bad: "s".repeat(513) }),
  ],
  "aws:cloudwatch/eventRule:EventRule": [
    pattern("name", EVENTS_NAME, "letters, digits and '._-'", {
      source: tf("events/rule.go"),
      good: "retrain-alarms",
      bad: "retrain alarms",
    }),
    length("name", 1, 64, { source: tf("events/rule.go"), good: "retrain-alarms", bad: "r".repeat(65) }),
    length("description", 0, 512, {
      source: tf("events/rule.go"),
      good: "window failures",
      bad: "d".repeat(513),
    }),
    length("scheduleExpression", 1, 256, { source: tf("events/rule.go"), good: "rate(5 minutes)", bad: "" }),
    json("eventPattern", { source: tf("events/rule.go"), good: '{"source":["aws.ssm"]}', bad: "{source:" }),
    // The provider checks 4,096 (validateEventPatternValue); PutRule applies the account's quota,
    // 2,048 by default (adjustable): a pattern listing ids must stay under it.
    length("eventPattern", 1, 2048, {
      source: EB_QUOTAS,
      phase: "up",
      good: `{"detail":{"window-id":[${Array.from({ length: 50 }, (_, i) => `"mw-0${String(i).padStart(16, "0")}"`).join(",")}]}}`,
      bad: `{"detail":{"association-id":[${Array.from({ length: 60 }, () => `"6e37940a-23ba-4ab0-9b96-5d0a1a05464f"`).join(",")}]}}`,
    }),
    oneOf("state", ["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"], {
      source: tf("events/rule.go"),
      good: "ENABLED",
      bad: "ON",
    }),
    conflicts("isEnabled", ["state"], {
      source: tf("events/rule.go"),
      good: { state: "ENABLED" },
      bad: { isEnabled: true, state: "ENABLED" },
    }),
  ],
  "aws:cloudwatch/eventTarget:EventTarget": [
    pattern("targetId", EVENTS_NAME, "letters, digits and '._-'", {
      source: tf("events/target.go"),
      good: "sns",
      bad: "to sns",
    }),
    length("targetId", 1, 64, { source: tf("events/target.go"), good: "sns", bad: "t".repeat(65) }),
    pattern("rule", EVENTS_NAME, "letters, digits and '._-'", {
      source: tf("events/target.go"),
      good: "retrain-alarms",
      bad: "a rule",
    }),
    json("input", { source: tf("events/target.go"), good: '{"a":1}', bad: "{a:1}" }),
    atMostOne(["input", "inputPath", "inputTransformer"], {
      source: tf("events/target.go"),
      good: { input: "{}" },
      bad: { input: "{}", inputPath: "$.detail" },
    }),
  ],
  "aws:cloudwatch/metricAlarm:MetricAlarm": [
    length("name", 1, 255, {
      source: tf("cloudwatch/metric_alarm.go"),
      good: "retrain-gpu-idle",
      bad: "a".repeat(256),
    }),
    oneOf(
      "comparisonOperator",
      [
        "GreaterThanOrEqualToThreshold",
        "GreaterThanThreshold",
        "LessThanThreshold",
        "LessThanOrEqualToThreshold",
        "LessThanLowerOrGreaterThanUpperThreshold",
        "LessThanLowerThreshold",
        "GreaterThanUpperThreshold",
      ],
      { source: tf("cloudwatch/metric_alarm.go"), good: "GreaterThanThreshold", bad: ">" },
    ),
    intRange("evaluationPeriods", 1, Number.MAX_SAFE_INTEGER, {
      source: tf("cloudwatch/metric_alarm.go"),
      good: 1,
      bad: 0,
    }),
    intRange("datapointsToAlarm", 1, Number.MAX_SAFE_INTEGER, {
      source: tf("cloudwatch/metric_alarm.go"),
      good: 1,
      bad: 0,
    }),
    rule(
      "period",
      (i) =>
        typeof i.period === "number" && ![10, 20, 30].includes(i.period) && i.period % 60 !== 0
          ? [
              {
                path: "period",
                message: `period = ${i.period}: must be 10, 20, 30 or a multiple of 60 seconds`,
              },
            ]
          : [],
      { source: tf("cloudwatch/metric_alarm.go"), good: { period: 300 }, bad: { period: 90 } },
    ),
    oneOf("statistic", ["SampleCount", "Average", "Sum", "Minimum", "Maximum"], {
      source: tf("cloudwatch/metric_alarm.go"),
      good: "Average",
      bad: "Mean",
    }),
    conflicts("statistic", ["extendedStatistic", "metricQueries"], {
      source: tf("cloudwatch/metric_alarm.go"),
      good: { statistic: "Average" },
      bad: { statistic: "Average", extendedStatistic: "p99" },
    }),
    oneOf("treatMissingData", ["missing", "ignore", "breaching", "notBreaching"], {
      source: tf("cloudwatch/metric_alarm.go"),
      good: "notBreaching",
      bad: "zero",
    }),
    length("alarmDescription", 0, 1024, {
      source: tf("cloudwatch/metric_alarm.go"),
      good: "GPU idle",
      bad: "d".repeat(1025),
    }),
  ],
  "aws:sns/topic:Topic": [
    rule(
      "name",
      (i) => {
        if (typeof i.name !== "string") return [];
        const fifo = i.fifoTopic === true;
        const re = fifo ? /^[A-Za-z0-9_-]{1,251}\.fifo$/ : /^[A-Za-z0-9_-]{1,256}$/;
        return re.test(i.name)
          ? []
          : [
              {
                path: "name",
                message: `name = ${JSON.stringify(i.name)}: must be 1-256 letters, digits, '_' or '-'${fifo ? ", ending in .fifo" : ""} (${re.source})`,
              },
            ];
      },
      { source: tf("sns/topic.go"), good: { name: "retrain-alerts" }, bad: { name: "retrain alerts" } },
    ),
    length("displayName", 0, 100, { source: tf("sns/topic.go"), good: "Retrain", bad: "d".repeat(101) }),
    json("policy", { source: tf("sns/topic.go"), good: '{"Version":"2012-10-17","Statement":[]}', bad: "{" }),
  ],
  // Alerting (docs/operations.md): the missed-run metric filters, composite alarms, the run log's
  // resource policy and the alert topic's key.
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": [
    length("name", 1, 512, {
      source: tf("logs/validate.go"),
      good: "vision-weekly-succeeded",
      bad: "n".repeat(513),
    }),
    pattern("name", /^[^:*]+$/, "no ':' or '*'", {
      source: tf("logs/validate.go"),
      good: "vision-weekly-succeeded",
      bad: "vision:weekly",
    }),
    length("pattern", 0, 1024, {
      source: tf("logs/metric_filter.go"),
      good: '"SUCCESS"',
      bad: "p".repeat(1025),
    }),
    length("metricTransformation.name", 1, 255, {
      source: tf("logs/validate.go"),
      good: "vision/weekly/succeeded",
      bad: "m".repeat(256),
    }),
    pattern("metricTransformation.name", /^[^:*$]*$/, "no ':', '*' or '$'", {
      source: tf("logs/validate.go"),
      good: "vision/weekly/succeeded",
      bad: "vision:weekly",
    }),
    pattern("metricTransformation.namespace", /^[^:*$]*$/, "no ':', '*' or '$'", {
      source: tf("logs/validate.go"),
      good: "Retrain/prod",
      bad: "Retrain:prod",
    }),
  ],
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": [
    length("alarmName", 1, 255, {
      source: tf("cloudwatch/composite_alarm.go"),
      good: "retrain-missed",
      bad: "a".repeat(256),
    }),
    length("alarmRule", 1, 10240, {
      source: tf("cloudwatch/composite_alarm.go"),
      good: 'ALARM("a") AND NOT ALARM("b")',
      bad: "r".repeat(10241),
    }),
    length("alarmDescription", 0, 1024, {
      source: tf("cloudwatch/composite_alarm.go"),
      good: "missed run",
      bad: "d".repeat(1025),
    }),
  ],
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": [
    length("policyName", 1, 255, {
      source: tf("logs/resource_policy.go"),
      good: "retrain-prod-vision-runs",
      bad: "",
    }),
    json("policyDocument", {
      source: tf("logs/resource_policy.go"),
      good: '{"Version":"2012-10-17","Statement":[]}',
      bad: "{",
    }),
  ],
  "aws:kms/key:Key": [
    length("description", 0, 8192, { source: tf("kms/key.go"), good: "alerts", bad: "d".repeat(8193) }),
    intRange("deletionWindowInDays", 7, 30, { source: tf("kms/key.go"), good: 30, bad: 31 }),
    json("policy", { source: tf("kms/key.go"), good: '{"Version":"2012-10-17","Statement":[]}', bad: "{" }),
  ],
  "aws:sns/topicPolicy:TopicPolicy": [
    json("policy", {
      source: tf("sns/topic_policy.go"),
      good: '{"Version":"2012-10-17","Statement":[]}',
      bad: "{",
    }),
  ],
  "aws:sns/topicSubscription:TopicSubscription": [
    oneOf(
      "protocol",
      ["application", "email", "email-json", "firehose", "http", "https", "lambda", "sms", "sqs"],
      {
        source: tf("sns/topic_subscription.go"),
        good: "email",
        bad: "slack",
      },
    ),
    json("filterPolicy", { source: tf("sns/topic_subscription.go"), good: '{"a":["b"]}', bad: "{a" }),
    intRange("confirmationTimeoutInMinutes", 1, Number.MAX_SAFE_INTEGER, {
      source: tf("sns/topic_subscription.go"),
      good: 1,
      bad: 0,
    }),
  ],
};
