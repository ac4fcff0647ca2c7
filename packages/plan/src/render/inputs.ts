/** The inputs worth showing per resource type, so a reviewer sees what a window will really do. */

/** Type token → input paths (dot-separated) shown under the resource, in this order. */
const KEY_INPUTS: Record<string, string[]> = {
  "aws:ssm/maintenanceWindow:MaintenanceWindow": [
    "schedule",
    "scheduleTimezone",
    "scheduleOffset",
    "duration",
    "cutoff",
    "enabled",
  ],
  "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": ["resourceType", "targets"],
  "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": [
    "taskType",
    "taskArn",
    "priority",
    "maxConcurrency",
    "maxErrors",
    "taskInvocationParameters.runCommandParameters.timeoutSeconds",
    "taskInvocationParameters.runCommandParameters.parameters",
    "taskInvocationParameters.automationParameters.documentVersion",
  ],
  "aws:ssm/association:Association": [
    "name",
    "scheduleExpression",
    "targets",
    "maxConcurrency",
    "maxErrors",
    "complianceSeverity",
    "parameters",
  ],
  "aws:ssm/document:Document": ["documentType", "documentFormat"],
  "aws:ec2/instance:Instance": ["instanceType", "associatePublicIpAddress"],
  "aws:ec2/launchTemplate:LaunchTemplate": ["instanceType", "metadataOptions.httpTokens"],
  "aws:iam/role:Role": ["name"],
};

function at(value: unknown, path: string): unknown {
  let v = value;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Compact one-line rendering of an input value, cut at `max` characters. */
export function formatValue(value: unknown, max = 100): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const oneLine = (text ?? String(value)).replace(/\s+/g, " ");
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** `[key, value]` pairs of the key inputs of a resource type, skipping absent ones. */
export function keyInputs(type: string, inputs: Record<string, unknown>): [string, string][] {
  const paths = KEY_INPUTS[type];
  if (!paths) return [];
  const out: [string, string][] = [];
  for (const path of paths) {
    const v = at(inputs, path);
    if (v === undefined || v === null) continue;
    out.push([path.split(".").at(-1)!, formatValue(v)]);
  }
  return out;
}
