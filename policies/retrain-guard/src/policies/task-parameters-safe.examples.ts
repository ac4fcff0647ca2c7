import {
  DOCUMENT_PARAMETERS,
  documentParameterList,
  documentParameterMap,
} from "@retrain/components/training-document";
import { UNKNOWN } from "@retrain/config/unknown";
import type { ExampleResource, PolicyExample } from "../examples.js";

const task = (parameters: unknown, taskType = "RUN_COMMAND"): ExampleResource => ({
  type: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
  name: "retrain",
  props: {
    taskType,
    taskArn: "retrain-prod-vision-train",
    taskInvocationParameters:
      taskType === "RUN_COMMAND"
        ? { runCommandParameters: { parameters } }
        : { automationParameters: { parameters } },
  },
});
const association = (parameters: unknown): ExampleResource => ({
  type: "aws:ssm/association:Association",
  name: "nightly",
  props: { name: "retrain-prod-vision-train", parameters },
});
const good = { command: "python train.py\nretrain_cleanup", executionTimeout: 3600 };

/** `pattern`, in a message that holds no raw control character (C0, DEL, C1, U+2028/U+2029). */
const lineFree = (pattern: RegExp) =>
  new RegExp(`^(?![\\s\\S]*[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029])[\\s\\S]*${pattern.source}`, "u");

export const examples: PolicyExample[] = [
  {
    title: "parameters built by the document's encoder, a multi-line command included",
    resources: [task(documentParameterList(good)), association(documentParameterMap(good))],
    violations: [],
  },
  {
    title: "the start/stop automations' parameters",
    resources: [
      task(
        [
          { name: "InstanceId", values: ["{{RESOURCE_ID}}"] },
          {
            name: "AutomationAssumeRole",
            values: ["arn:aws:iam::123456789012:role/retrain-prod-startstop-a10g"],
          },
        ],
        "AUTOMATION",
      ),
    ],
    violations: [],
  },
  {
    title: "a value unknown during preview is not judged",
    resources: [task([{ name: "commandBase64", values: [UNKNOWN] }])],
    violations: [],
  },
  {
    title: "the old raw command and runAs parameters",
    resources: [
      task([
        { name: "command", values: ["python train.py"] },
        { name: "runAs", values: ["root"] },
      ]),
    ],
    violations: [
      /runCommandParameters\.parameters\[0\] \(command\) is not a parameter of the training document \(it declares commandBase64, executionTimeout\)/,
      /parameters\[1\] \(runAs\) is not a parameter of the training document/,
    ],
  },
  {
    title: "a newline, a CR and U+2028 where a line is expected",
    resources: [
      association({ commandBase64: "QUJD\nRETRAIN_COMMAND_END", executionTimeout: "3600\r" }),
      task([{ name: "executionTimeout", values: ["36\u202800"] }]),
    ],
    violations: [
      /Association "nightly": parameters\.commandBase64 value .* holds the control character U\+000A at 4/,
      /parameters\.executionTimeout value .* holds the control character U\+000D at 4/,
      /parameters\[0\] \(executionTimeout\) value .* holds the control character U\+2028 at 2/,
    ],
  },
  {
    title: "shell text instead of base64, and a timeout that is not a number",
    resources: [association({ commandBase64: "'; reboot; '", executionTimeout: "$(reboot)" })],
    violations: [
      /parameters\.commandBase64 value "'; reboot; '" does not match the document's allowedPattern \^\[A-Za-z0-9\+\/\]/,
      /parameters\.executionTimeout value "\$\(reboot\)" does not match the document's allowedPattern \^\[0-9\]\{2,6\}\$/,
    ],
  },
  {
    title: "base64 shorter than the document's minChars (SSM rejects it before the run)",
    resources: [association({ commandBase64: "QQ", executionTimeout: "3600" })],
    violations: [
      /parameters\.commandBase64 value "QQ" does not match the document's allowedPattern .* \(at least 4, at most 16386 characters\)/,
    ],
  },
  {
    title: "two values for one parameter",
    resources: [task([{ name: "executionTimeout", values: ["3600", "60"] }])],
    violations: [/parameters\[0\] \(executionTimeout\) has 2 values; the document takes one/],
  },
  {
    title: "a value with control characters is shown escaped and cut at 40 characters, never raw",
    resources: [
      association({
        // 41 characters: cut to 40, the newline past the cut left out.
        commandBase64: `${"A".repeat(40)}\n`,
        // 40 characters: shown whole, ESC as \u001b.
        executionTimeout: `\u001b[2J${"9".repeat(36)}`,
      }),
      task([{ name: "executionTimeout", values: [`${"1".repeat(39)}\u2028reboot`] }]),
    ],
    violations: [
      lineFree(/parameters\.commandBase64 value "A{40}…" holds the control character U\+000A at 40/),
      lineFree(
        /parameters\.executionTimeout value "\\u001b\[2J9{36}" holds the control character U\+001B at 0/,
      ),
      lineFree(
        /parameters\[0\] \(executionTimeout\) value "1{39}\\u2028…" holds the control character U\+2028 at 39/,
      ),
    ],
  },
  {
    title: "a parameter name with control characters is shown escaped in the message, never raw",
    resources: [
      association({ "x\nFix: all good\u001b[2K": ["1"] }),
      task([{ name: "y\u2028z", values: ["1"] }]),
    ],
    violations: [
      lineFree(/Association "nightly": parameters\["x\\u000aFix: all good\\u001b\[2K"\] is not a parameter/),
      lineFree(
        /MaintenanceWindowTask "retrain": taskInvocationParameters\.runCommandParameters\.parameters\[0\] \("y\\u2028z"\) is not a parameter/,
      ),
    ],
  },
  {
    title: "a parameter the document does not declare is reported once, whatever its values",
    resources: [task([{ name: "runAs", values: ["root", "ad\nmin"] }])],
    violations: [/parameters\[0\] \(runAs\) is not a parameter of the training document/],
  },
  {
    title: "a value that is not a string is reported once",
    resources: [task([{ name: "executionTimeout", values: [{ "Fn::Sub": "3600" }] }])],
    violations: [/parameters\[0\] \(executionTimeout\) value 0 is not a string/],
  },
  {
    title: "an automation runbook's parameter named like a document parameter is not held to its pattern",
    resources: [task([{ name: "executionTimeout", values: ["PT1H"] }], "AUTOMATION")],
    violations: [],
  },
  {
    title: "a commandBase64 of the document's full length limit passes",
    resources: [
      task([
        {
          name: "commandBase64",
          values: [`${"A".repeat(DOCUMENT_PARAMETERS.commandBase64.maxChars - 2)}==`],
        },
      ]),
    ],
    violations: [],
  },
  {
    title: "a control character in an automation parameter's name is reported, escaped, once",
    resources: [
      task(
        [
          { name: "Instance\nId", values: ["i-0123\n"] },
          { name: "InstanceId", values: ["i-0123"] },
        ],
        "AUTOMATION",
      ),
    ],
    violations: [
      lineFree(
        /automationParameters\.parameters\[0\] \("Instance\\u000aId"\) has a parameter name holding the control character U\+000A at 8/,
      ),
    ],
  },
  {
    title: "a control character in an automation parameter",
    resources: [task([{ name: "InstanceId", values: ["i-0123\u0000"] }], "AUTOMATION")],
    violations: [
      /automationParameters\.parameters\[0\] \(InstanceId\) value .* holds the control character U\+0000/,
    ],
  },
];
