import { documentParameterList, documentParameterMap } from "@retrain/components/training-document";
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
    title: "two values for one parameter",
    resources: [task([{ name: "executionTimeout", values: ["3600", "60"] }])],
    violations: [/parameters\[0\] \(executionTimeout\) has 2 values; the document takes one/],
  },
  {
    title: "a control character in an automation parameter",
    resources: [task([{ name: "InstanceId", values: ["i-0123\u0000"] }], "AUTOMATION")],
    violations: [
      /automationParameters\.parameters\[0\] \(InstanceId\) value .* holds the control character U\+0000/,
    ],
  },
];
