/**
 * The parameters tasks and associations pass carry no shell text: to the training document only the
 * parameters it declares, each a single value matching the document's own `allowedPattern` (read from
 * `@retrain/components/training-document`, the renderer of the document itself); and no value of any
 * task or association, whatever it runs, holds a control character where a line is expected (C0, DEL,
 * C1, U+2028/U+2029 — what a shell, a log or a heredoc reads as a line break or worse), nor does
 * the name of a parameter passed to any other runbook.
 */
import { DOCUMENT_PARAMETERS, type DocumentParameterName } from "@retrain/components/training-document";
import { z } from "zod";
import { defineResourcePolicy, type Violation } from "../policy-kit.js";
import { at, isRecord, isUnknown, list, reveal, str } from "../values.js";
import { ASSOCIATION_TYPE, TASK_TYPE } from "../windows/model.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

const DECLARED = new Map(Object.entries(DOCUMENT_PARAMETERS)) as Map<
  DocumentParameterName,
  (typeof DOCUMENT_PARAMETERS)[DocumentParameterName]
>;

/** The value quoted for a message: at most 40 characters, every control character as \\uXXXX. */
function escaped(s: string): string {
  const cut = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return `"${cut.replace(new RegExp(CONTROL.source, "gu"), (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`)}"`;
}

/** "U+000A" of a character. */
const codeOf = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

/** A parameter name as the message shows it: as is, or escaped when it could forge lines there. */
const shownName = (name: string) => (CONTROL.test(name) || name.length > 40 ? escaped(name) : name);

/** `{ name, values }` of a task's parameter list or an association's map, known values only. */
function parametersOf(value: unknown): { name: string; values: unknown[]; where: string }[] {
  const v = reveal(value);
  if (Array.isArray(v))
    return v.flatMap((p, i) => {
      const name = str(at(p, "name"));
      return name === undefined
        ? []
        : [{ name, values: list(at(p, "values")), where: `[${i}] (${shownName(name)})` }];
    });
  if (isRecord(v))
    return Object.entries(v).map(([name, value]) => ({
      name,
      values: Array.isArray(reveal(value)) ? list(value) : [value],
      where: shownName(name) === name ? `.${name}` : `[${shownName(name)}]`,
    }));
  return [];
}

export const taskParametersSafe = defineResourcePolicy({
  name: "task-parameters-safe",
  description:
    "Task and association parameters carry no control characters, and pass the training document only the parameters it declares, each matching its allowedPattern.",
  remediation:
    "Build the parameters with documentParameterList/documentParameterMap of @retrain/components (the command goes base64-encoded as commandBase64); pass no other parameter.",
  enforcementLevel: "mandatory",
  config: z.strictObject({}),
  resourceTypes: [TASK_TYPE, ASSOCIATION_TYPE],
  check(resource): Violation[] {
    const p = resource.props;
    const isTask = resource.type === TASK_TYPE;
    const label = `${isTask ? "MaintenanceWindowTask" : "Association"} "${resource.name}"`;
    const out: Violation[] = [];
    const lists: { field: string; value: unknown; trainingDocument: boolean }[] = isTask
      ? [
          {
            field: "taskInvocationParameters.runCommandParameters.parameters",
            value: at(p, "taskInvocationParameters", "runCommandParameters", "parameters"),
            trainingDocument: str(p.taskType) === "RUN_COMMAND",
          },
          {
            field: "taskInvocationParameters.automationParameters.parameters",
            value: at(p, "taskInvocationParameters", "automationParameters", "parameters"),
            trainingDocument: false,
          },
        ]
      : [{ field: "parameters", value: p.parameters, trainingDocument: true }];
    for (const { field, value, trainingDocument } of lists) {
      for (const param of parametersOf(value)) {
        const where = `${field}${param.where}`;
        const declared = DECLARED.get(param.name as DocumentParameterName);
        // A runbook's parameter names are its own (no list to check against); a line break in one
        // is what a value may not carry either, and no SSM document declares such a name.
        const nameControl = !trainingDocument && CONTROL.exec(param.name);
        if (nameControl) {
          out.push({
            message: `${label}: ${where} has a parameter name holding the control character ${codeOf(nameControl[0])} at ${nameControl.index}. Fix: name parameters as the runbook declares them.`,
          });
          continue;
        }
        if (trainingDocument && !declared) {
          out.push({
            message: `${label}: ${where} is not a parameter of the training document (it declares ${[...DECLARED.keys()].join(", ")}). Fix: remove it.`,
          });
          continue;
        }
        if (trainingDocument && param.values.length !== 1) {
          out.push({
            message: `${label}: ${where} has ${param.values.length} values; the document takes one. Fix: pass exactly one.`,
          });
        }
        for (const [i, raw] of param.values.entries()) {
          const v = reveal(raw);
          if (isUnknown(v)) continue;
          if (typeof v !== "string") {
            out.push({ message: `${label}: ${where} value ${i} is not a string. Fix: pass a string.` });
            continue;
          }
          const control = CONTROL.exec(v);
          if (control) {
            out.push({
              message: `${label}: ${where} value ${escaped(v)} holds the control character ${codeOf(control[0])} at ${control.index}. Fix: pass line-free values (the command goes base64-encoded).`,
            });
            continue;
          }
          if (declared && trainingDocument) {
            const max = "maxChars" in declared ? declared.maxChars : undefined;
            const min = "minChars" in declared ? declared.minChars : undefined;
            const bounds = [
              min !== undefined ? `at least ${min}` : "",
              max !== undefined ? `at most ${max}` : "",
            ]
              .filter(Boolean)
              .join(", ");
            if (
              !new RegExp(declared.allowedPattern, "u").test(v) ||
              (max !== undefined && v.length > max) ||
              (min !== undefined && v.length < min)
            )
              out.push({
                message: `${label}: ${where} value ${escaped(v)} does not match the document's allowedPattern ${declared.allowedPattern}${bounds ? ` (${bounds} characters)` : ""}; SSM would reject it. Fix: build it with documentParameterList/documentParameterMap.`,
              });
          }
        }
      }
    }
    return out;
  },
});
