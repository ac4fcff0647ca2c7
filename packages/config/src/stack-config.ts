/**
 * Reading a stack's config inside its Pulumi program: every key of the kind's namespace, validated
 * with the same zod schema the plan and the CLI use, so a bad file fails before any resource is
 * registered, with one error naming the file and listing every problem.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { ConfigError, type ConfigProblem, problemsFromZod } from "./errors.js";
import { FILE_RULES } from "./load.js";
import type { StackKind } from "./naming.js";
import { checkAlertDestinations, checkTopicRegion } from "./notify.js";
import { toPosix } from "./problem.js";
import { otherEnvironmentReference } from "./references.js";
import {
  type FleetConfig,
  regionSchema,
  type SchedulingConfig,
  STACK_SCHEMAS,
  type StackConfigOf,
} from "./schemas.js";
import {
  checkTenancy,
  findTenantRegistry,
  type LoadedTenantRegistry,
  loadTenantRegistry,
  TENANT_REGISTRY_PATH,
} from "./tenants.js";
import { schemaDef } from "./zod-internals.js";

/** A stack's validated config as its program sees it. */
export interface StackConfig<K extends StackKind> {
  kind: K;
  project: string;
  stack: string;
  /** `aws:region`. */
  region: string;
  /** The namespace's keys validated, defaults applied. */
  config: StackConfigOf<K>;
}

/** The key naming the stack in each namespace; its value must equal the Pulumi stack name. */
const IDENTITY_KEY: Record<StackKind, string> = {
  iam: "environment",
  fleet: "environment",
  scheduling: "team",
};

/** The zod type behind optional/default wrappers. */
function innerType(schema: z.core.$ZodType | undefined): string | undefined {
  let s = schema;
  while (s) {
    const def = schemaDef(s);
    if (def.innerType) s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else return def.type;
  }
  return undefined;
}

/**
 * A config value as the program receives it (always text) back to what the YAML held: the CLI passes
 * objects, arrays, numbers and booleans as JSON. Keys the schema declares as strings stay text, so a
 * value such as `"2024"` is not turned into a number.
 */
function decodeValue(raw: string, expected: string | undefined): unknown {
  if (expected === "string") return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * The running stack's config file as a program's {@link ConfigError} names it: Pulumi gives the
 * program its config, not the file's path.
 */
export function programConfigFile(): string {
  const stack = pulumi.getStack();
  return `Pulumi.${stack}.yaml (project ${pulumi.getProject()}, stack ${stack})`;
}

/**
 * Reads and validates the config of a stack of `kind` (namespace `iam`, `fleet` or `scheduling`, plus
 * `aws:region`). Throws a {@link ConfigError} naming `Pulumi.<stack>.yaml` with every problem; call it
 * before creating any resource.
 */
export interface ReadStackConfigOptions {
  /**
   * The tenant registry a scheduling stack is checked against: loaded, or its file. Default: the
   * nearest `policies/tenants.yaml` at or above the first of `searchFrom` that has one.
   */
  tenantRegistry?: LoadedTenantRegistry | string;
  /** Folders the registry is searched from, in order; default the working directory (Pulumi's: the program folder). */
  searchFrom?: readonly string[];
}

export function readStackConfig<K extends StackKind>(
  kind: K,
  options: ReadStackConfigOptions = {},
): StackConfig<K> {
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  const { namespace, schema } = STACK_SCHEMAS[kind];
  const shape = (schema as unknown as { shape: Record<string, z.core.$ZodType> }).shape;
  const file = programConfigFile();

  const all = pulumi.runtime.allConfig();
  const input: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(all)) {
    if (!key.startsWith(`${namespace}:`)) continue;
    const name = key.slice(namespace.length + 1);
    input[name] = decodeValue(raw, innerType(shape[name]));
  }

  const problems: ConfigProblem[] = [];
  // What Pulumi parsed, checked again here: a team's file may set only its namespace and aws:region.
  // Config validation refuses anything else in the file, but it reads the file with another parser
  // than Pulumi's; a key only Pulumi sees (aws:profile, aws:endpoints, ...) stops the program here.
  if (kind === "scheduling") {
    const allowed = FILE_RULES.scheduling.awsKeys.map((k) => `aws:${k}`);
    for (const key of Object.keys(all).sort()) {
      if (key.startsWith(`${namespace}:`) || allowed.includes(key)) continue;
      problems.push({
        key,
        message: `not allowed in a team's stack: a team's file sets only ${namespace}: keys and ${allowed.join(", ")} (provider and other settings are platform's)`,
      });
    }
  }
  const region = regionSchema.safeParse(all["aws:region"]);
  if (all["aws:region"] === undefined) {
    problems.push({
      key: "aws:region",
      message: "required: the AWS region the stack deploys to, e.g. eu-west-1",
    });
  } else if (!region.success) {
    problems.push({ key: "aws:region", message: region.error.issues[0]?.message ?? "invalid" });
  }
  const parsed = (schema as z.ZodType).safeParse(input);
  if (!parsed.success) problems.push(...problemsFromZod(namespace, parsed.error, input, schema as z.ZodType));
  const idKey = IDENTITY_KEY[kind];
  const idValue = input[idKey];
  if (typeof idValue === "string" && idValue !== stack) {
    problems.push({
      key: `${namespace}:${idKey}`,
      message: `is "${idValue}" but the stack is "${stack}"; they must agree (the stack name is ${idKey})`,
    });
  }
  if (kind === "scheduling" && parsed.success) {
    problems.push(...programTenancy(parsed.data as SchedulingConfig, options));
    if (region.success)
      problems.push(...checkTopicRegion((parsed.data as SchedulingConfig).notify, region.data));
  }
  // A fleet on another environment's IAM stack plans, but every run fails (its team roles trust only
  // their own environment's instance role): refused before any resource, in `pulumi preview` and the plan.
  if (kind === "fleet" && parsed.success) {
    const fleet = parsed.data as FleetConfig;
    const foreign =
      fleet.iamStack !== undefined
        ? otherEnvironmentReference({
            key: "fleet:iamStack",
            stackRef: fleet.iamStack,
            environment: fleet.environment,
          })
        : undefined;
    if (foreign) problems.push({ key: "fleet:iamStack", message: foreign.replace(/^fleet:iamStack: /, "") });
  }
  if (problems.length > 0 || !parsed.success || !region.success) throw new ConfigError(file, problems);
  return { kind, project, stack, region: region.data, config: parsed.data as StackConfigOf<K> };
}

/**
 * The registry's verdict inside the program: the same check as config validation, so a stack run
 * without the plan (`pulumi preview` on a file nobody validated) still stops on a team, environment
 * or pool that is not granted. A missing or broken registry stops it too: the check fails closed.
 */
function programTenancy(config: SchedulingConfig, options: ReadStackConfigOptions): ConfigProblem[] {
  let loaded: LoadedTenantRegistry;
  if (typeof options.tenantRegistry === "object") loaded = options.tenantRegistry;
  else {
    const from = options.searchFrom ?? [process.cwd()];
    const file =
      options.tenantRegistry ?? from.map((d) => findTenantRegistry(d)).find((f) => f !== undefined);
    if (file === undefined) {
      return [
        {
          key: "scheduling:team",
          message: `no tenant registry (${TENANT_REGISTRY_PATH}) at or above ${from.join(" or ")}: the team's grants cannot be checked`,
        },
      ];
    }
    try {
      loaded = loadTenantRegistry(
        file,
        toPosix(file).endsWith(`/${TENANT_REGISTRY_PATH}`) ? TENANT_REGISTRY_PATH : file,
      );
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems.map((p) => ({
        key: "scheduling:team",
        message: `cannot check the team's grants: the tenant registry ${e.file} is invalid: ${p.key ? `${p.key}${p.line === undefined ? "" : ` (line ${p.line})`}: ` : ""}${p.message}`,
      }));
    }
  }
  return [
    ...checkTenancy(loaded.registry, {
      team: config.team,
      environment: config.environment,
      pools: config.windows.map((w, i) => ({ pool: w.pool, key: `scheduling:windows[${i}].pool` })),
      windows: config.windows.length,
    }),
    // Alert destinations the registry governs (e-mail domains, other teams' topics).
    ...checkAlertDestinations(loaded.registry, config.team, config.notify),
  ];
}
