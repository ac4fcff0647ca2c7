/**
 * Reading a Pulumi stack config file (`Pulumi.<stack>.yaml`) outside Pulumi (plan, Nx plugin, CLI) and
 * validating it with the same zod schemas the stack programs use. Every problem is collected before
 * throwing, each naming the config key and its line in the file.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError, type ConfigProblem, problemsFromZod } from "./errors.js";
import { PULUMI_PROJECTS, type StackKind } from "./naming.js";
import { checkAlertDestinations, checkTopicRegion } from "./notify.js";
import { ambiguousScalars, configKeyOf, directiveProblems, unsafeCharacters } from "./portable-yaml.js";
import { toPosix } from "./problem.js";
import { readRegularFile, UnreadableFileError } from "./regular-file.js";
import { notifySchema, regionSchema, STACK_SCHEMAS, type StackConfigOf } from "./schemas.js";
import {
  checkTenancy,
  findTenantRegistry,
  type LoadedTenantRegistry,
  loadTenantRegistry,
  TENANT_REGISTRY_PATH,
} from "./tenants.js";

/** A validated stack config of one kind. */
export interface LoadedStack<K extends StackKind> {
  /** Absolute path of the config file. */
  file: string;
  kind: K;
  /** Pulumi project name (Pulumi.yaml `name`), e.g. `retrain-scheduling`. */
  project: string;
  /** Pulumi stack name, from the file name `Pulumi.<stack>.yaml`. */
  stack: string;
  /** `aws:region`. */
  region: string;
  /** The kind's namespace validated, defaults applied. */
  config: StackConfigOf<K>;
  /**
   * Every Pulumi config key (`aws:region`, `scheduling:windows`, ...) with its value as written in
   * YAML: objects and arrays stay structured, secrets stay `{ secure: "<ciphertext>" }`. Feed it to
   * Pulumi's runtime config (which stores non-strings as JSON text).
   */
  raw: Record<string, unknown>;
}

/** A validated stack config; `kind` discriminates `config`. */
export type LoadedStackConfig = { [K in StackKind]: LoadedStack<K> }[StackKind];

export interface LoadStackConfigOptions {
  /** The stack kind; default: from the Pulumi project above the file, its path, or its namespace. */
  kind?: StackKind;
  /** The Pulumi project name; default: the nearest Pulumi.yaml's `name`, else the kind's project. */
  project?: string;
  /** How errors name the file (e.g. workspace-relative); default: the path as given. */
  displayName?: string;
  /**
   * The tenant registry a scheduling stack is checked against: loaded, or its file. Default: the
   * nearest `policies/tenants.yaml` at or above the config file's folder (`findTenantRegistry`).
   */
  tenantRegistry?: LoadedTenantRegistry | string;
}

/** `aws:` keys a platform stack config (iam, fleet) may set; only `aws:region` is required and validated. */
export const AWS_CONFIG_KEYS = ["region", "profile", "allowedAccountIds", "forbiddenAccountIds"] as const;

/** Top-level settings of a platform stack file besides `config` (secrets provider state, ESC). */
const STACK_FILE_SETTINGS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

/**
 * What each kind's file may hold. A team's file is untrusted input: only `config:` with its
 * namespace and `aws:region`. No ESC `environment:` imports (they inject config and credentials), no
 * secrets-provider state (the stack's secrets belong to platform), no other provider settings
 * (`aws:profile`, `aws:assumeRole`, `aws:endpoints` would change whose account and API it uses).
 */
export const FILE_RULES: Record<StackKind, { settings: readonly string[]; awsKeys: readonly string[] }> = {
  iam: { settings: STACK_FILE_SETTINGS, awsKeys: AWS_CONFIG_KEYS },
  fleet: { settings: STACK_FILE_SETTINGS, awsKeys: AWS_CONFIG_KEYS },
  scheduling: { settings: ["config"], awsKeys: ["region"] },
};

/** Why a team file may not hold a top-level setting, for the error message. */
const TEAM_SETTING_WHY: Record<string, string> = {
  environment: "ESC environment imports are stack-level: platform configures them, not a team's file",
  secretsprovider: "the secrets provider is stack-level: platform configures it, not a team's file",
  encryptedkey: "secrets-provider state is stack-level: platform configures it, not a team's file",
  encryptionsalt: "secrets-provider state is stack-level: platform configures it, not a team's file",
};

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function invalidUtf8At(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // The longest valid prefix, by bisection (a sequence cut in half is invalid too).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

const STACK_FILE_NAME = /^Pulumi\.([^/\\]+)\.ya?ml$/;

const KINDS = Object.keys(PULUMI_PROJECTS) as StackKind[];

/** The key naming the stack in each kind's namespace: it must equal the Pulumi stack name. */
const IDENTITY_KEY: Record<StackKind, string> = {
  iam: "environment",
  fleet: "environment",
  scheduling: "team",
};

/** The stack name a config file holds, from `Pulumi.<stack>.yaml`; undefined for other names. */
export function stackNameFromFile(file: string): string | undefined {
  return STACK_FILE_NAME.exec(path.basename(file))?.[1];
}

/** The nearest Pulumi.yaml at or above `dir`, with its project `name`. */
export function findPulumiProject(dir: string): { dir: string; name: string | undefined } | undefined {
  let current = path.resolve(dir);
  for (;;) {
    const candidate = path.join(current, "Pulumi.yaml");
    if (existsSync(candidate)) return { dir: current, name: readProjectName(candidate) };
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** `name` of a Pulumi.yaml project file; undefined when unreadable or absent. */
export function readProjectName(pulumiYaml: string): string | undefined {
  try {
    const doc = parseDocument(readFileSync(pulumiYaml, "utf8"));
    const name = doc.get("name");
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The kind of a Pulumi project name (`retrain-iam` → `iam`). */
export function kindOfProject(project: string | undefined): StackKind | undefined {
  return KINDS.find((k) => PULUMI_PROJECTS[k] === project);
}

/** The kind a path lies under: `.../stacks/<kind>/...`. */
function kindOfPath(file: string): StackKind | undefined {
  const parts = path.resolve(file).split(path.sep);
  for (let i = parts.length - 2; i >= 0; i--) {
    if (parts[i] === "stacks") return KINDS.find((k) => k === parts[i + 1]);
  }
  return undefined;
}

/** Line and column (1-based) of the YAML node a path leads to, or of its deepest existing ancestor. */
function locate(
  doc: Document,
  lines: LineCounter,
  yamlPath: readonly PropertyKey[],
): Pick<ConfigProblem, "line" | "column"> {
  let node: unknown = doc.contents;
  let at: Node | null | undefined = doc.contents;
  for (const seg of yamlPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) break;
      // Point at the key: a block value starts on the next line.
      at = isScalar(pair.key) ? pair.key : (pair.value as Node | null);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (!item) break;
      at = item as Node;
      node = item;
    } else break;
  }
  const offset = at?.range?.[0];
  if (offset === undefined) return {};
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/**
 * Line and column of a Pulumi config key (`aws:region`, `scheduling:windows[0].name`) in a stack
 * config file, or nothing when the file cannot be read or parsed or lacks the key.
 */
export function locateConfigKey(file: string, key: string): Pick<ConfigProblem, "line" | "column"> {
  try {
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: lines });
    const namespace = key.slice(0, key.indexOf(":"));
    return locate(doc, lines, yamlPathOf(key, namespace));
  } catch {
    return {};
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function isSecure(v: unknown): v is { secure: string } {
  return isRecord(v) && Object.keys(v).length === 1 && typeof v.secure === "string";
}

/**
 * Replaces Pulumi `secure:` values with their ciphertext (an opaque string: present, not checkable)
 * and records where they were, so format checks on them can be skipped.
 */
function openSecrets(value: unknown, at: PropertyKey[], found: PropertyKey[][]): unknown {
  if (isSecure(value)) {
    found.push(at);
    return value.secure;
  }
  if (Array.isArray(value)) return value.map((v, i) => openSecrets(v, [...at, i], found));
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, openSecrets(v, [...at, k], found)]));
  }
  return value;
}

/** Paths of a team's `scheduling:` keys the tenant registry judges: team, environment, pools, alerts. */
const isTenancyPath = (p: readonly PropertyKey[]) =>
  p[0] === "team" ||
  p[0] === "environment" ||
  p[0] === "notify" ||
  (p[0] === "windows" && p[2] === "pool" && p.length === 3);

const samePath = (a: readonly PropertyKey[], b: readonly PropertyKey[]) =>
  a.length === b.length && a.every((p, i) => p === b[i]);

function decideKind(file: string, opts: LoadStackConfigOptions, namespaces: Set<string>) {
  if (opts.kind) return { kind: opts.kind, project: opts.project };
  const program = findPulumiProject(path.dirname(file));
  const fromProject = kindOfProject(opts.project ?? program?.name);
  const project = opts.project ?? program?.name;
  if (fromProject) return { kind: fromProject, project };
  const fromPath = kindOfPath(file);
  if (fromPath) return { kind: fromPath, project };
  const used = KINDS.filter((k) => namespaces.has(STACK_SCHEMAS[k].namespace));
  return { kind: used.length === 1 ? used[0] : undefined, project };
}

/** YAML syntax errors reported per file; the rest are counted. */
const MAX_SYNTAX_ERRORS = 5;

/**
 * Reads and validates one Pulumi stack config file. Throws a {@link ConfigError} listing every
 * problem (YAML syntax with line and column; unknown settings, namespaces and keys; schema violations
 * by key path; a missing `aws:region`; a stack name disagreeing with the file name).
 */
export function loadStackConfig(file: string, opts: LoadStackConfigOptions = {}): LoadedStackConfig {
  const display = opts.displayName ?? file;
  const absolute = path.resolve(file);
  // The stack name, from the file name, before reading it: `retrain config check README.md` would
  // otherwise bury this under the YAML errors of a file that was never a stack config.
  const stack = stackNameFromFile(absolute);
  if (stack === undefined)
    throw new ConfigError(display, [
      { key: "", message: `the file name must be Pulumi.<stack>.yaml (got ${path.basename(absolute)})` },
    ]);
  let bytes: Buffer;
  try {
    bytes = readRegularFile(absolute);
  } catch (e) {
    const message =
      e instanceof UnreadableFileError ? e.message : `cannot read the file: ${(e as Error).message}`;
    throw new ConfigError(display, [{ key: "", message }]);
  }
  // Decoding with replacement would read invalid bytes as U+FFFD; Go's YAML refuses the file.
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    throw new ConfigError(display, [
      {
        key: "",
        message: `is not valid UTF-8 (at byte ${invalidUtf8At(bytes)}): Pulumi's YAML refuses such a file. Fix: save it as UTF-8`,
      },
    ]);
  }

  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  // Text Pulumi's YAML reads otherwise: refused before anything is judged (see portable-yaml.ts),
  // also when it broke this parse (a bare CR is then reported as what it is, not as a syntax error).
  const hidden = unsafeCharacters(text, lines);
  if (hidden.length > 0) {
    throw new ConfigError(
      display,
      hidden.map((p) => ({ key: "", message: `the file ${p.message}`, line: p.line, column: p.column })),
    );
  }
  if (doc.errors.length > 0) {
    // The first few: one broken line often sets off dozens more, each quoting the text.
    const shown = doc.errors.slice(0, MAX_SYNTAX_ERRORS).map((e): ConfigProblem => {
      const pos = lines.linePos(e.pos[0]);
      const first = (e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
      return {
        key: "",
        message: `YAML syntax error: ${first.length > 200 ? `${first.slice(0, 200)}…` : first}`,
        line: pos.line,
        column: pos.col,
      };
    });
    const more = doc.errors.length - shown.length;
    if (more > 0)
      shown.push({ key: "", message: `and ${more} more YAML syntax ${more === 1 ? "error" : "errors"}` });
    throw new ConfigError(display, shown);
  }

  const problems: ConfigProblem[] = [
    ...directiveProblems(doc, lines, text),
    ...ambiguousScalars(doc.contents, lines),
  ].map((p) => ({
    key: configKeyOf(p.path),
    message: p.message,
    line: p.line,
    column: p.column,
  }));
  const problem = (key: string, message: string, yamlPath: readonly PropertyKey[]) =>
    problems.push({ key, message, ...locate(doc, lines, yamlPath) });

  // toJS resolves aliases: one naming no anchor (`*x`) or an alias cycle throws here, not at parse.
  let top: unknown;
  try {
    top = doc.toJS() ?? {};
  } catch (e) {
    throw new ConfigError(display, [{ key: "", message: `YAML error: ${(e as Error).message}` }]);
  }
  if (!isRecord(top)) {
    throw new ConfigError(display, [
      {
        key: "",
        message: "a stack config file must be a YAML mapping with a `config:` key",
        line: 1,
        column: 1,
      },
    ]);
  }
  const configValue = top.config ?? {};
  if (!isRecord(configValue)) {
    problem("config", "must be a mapping of `<namespace>:<key>` to values", ["config"]);
  }
  const raw: Record<string, unknown> = isRecord(configValue) ? configValue : {};

  // Split `<namespace>:<key>` keys by namespace.
  const byNamespace = new Map<string, Record<string, unknown>>();
  for (const [key, value] of Object.entries(raw)) {
    const colon = key.indexOf(":");
    if (colon <= 0 || colon === key.length - 1) {
      problem(key, "config keys must be `<namespace>:<key>`, e.g. `aws:region`", ["config", key]);
      continue;
    }
    const ns = key.slice(0, colon);
    const entries = byNamespace.get(ns) ?? {};
    entries[key.slice(colon + 1)] = value;
    byNamespace.set(ns, entries);
  }

  const { kind, project: projectName } = decideKind(absolute, opts, new Set(byNamespace.keys()));
  if (!kind) {
    problems.unshift({
      key: "",
      message: `cannot tell the stack kind: put the file under stacks/<${KINDS.join("|")}>/ or use one of the namespaces ${KINDS.map((k) => `${k}:`).join(", ")}`,
    });
    throw new ConfigError(display, problems);
  }
  const { namespace, schema } = STACK_SCHEMAS[kind];
  const rules = FILE_RULES[kind];

  for (const setting of Object.keys(top)) {
    if (rules.settings.includes(setting)) continue;
    const why = kind === "scheduling" ? TEAM_SETTING_WHY[setting] : undefined;
    problem(
      "",
      why
        ? `top-level setting "${setting}" is not allowed in a team's file: ${why}; a team file holds only config: with ${namespace}: keys and aws:region`
        : `unknown top-level setting "${setting}"; allowed: ${rules.settings.join(", ")}`,
      [setting],
    );
  }

  for (const ns of byNamespace.keys()) {
    if (ns !== "aws" && ns !== namespace) {
      for (const key of Object.keys(byNamespace.get(ns) ?? {})) {
        problem(`${ns}:${key}`, `unknown namespace "${ns}" in a ${kind} stack; allowed: aws, ${namespace}`, [
          "config",
          `${ns}:${key}`,
        ]);
      }
    }
  }

  // aws:region and the few other provider settings allowed.
  const aws = byNamespace.get("aws") ?? {};
  for (const key of Object.keys(aws)) {
    if (!rules.awsKeys.includes(key)) {
      const allowed = rules.awsKeys.map((k) => `aws:${k}`).join(", ");
      problem(
        `aws:${key}`,
        kind === "scheduling"
          ? `not allowed in a team's file: provider settings are platform's; the only aws: key allowed is ${allowed}`
          : `unknown key; allowed: ${allowed}`,
        ["config", `aws:${key}`],
      );
    }
  }
  let region = "";
  if (aws.region === undefined) {
    problem("aws:region", "required: the AWS region the stack deploys to, e.g. eu-west-1", ["config"]);
  } else {
    const parsed = regionSchema.safeParse(aws.region);
    if (parsed.success) region = parsed.data;
    else problem("aws:region", parsed.error.issues[0]?.message ?? "invalid", ["config", "aws:region"]);
  }

  // The kind's namespace, with secrets opened to opaque strings.
  const secretPaths: PropertyKey[][] = [];
  const input = openSecrets(byNamespace.get(namespace) ?? {}, [], secretPaths);
  if (kind === "scheduling") {
    // What the tenant registry decides on must be plain: here the ciphertext would be judged (a
    // `secure: dev` passes as "dev") while Pulumi deploys the plaintext.
    for (const at of secretPaths.filter(isTenancyPath)) {
      const key = `${namespace}:${String(at[0])}${at
        .slice(1)
        .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
        .join("")}`;
      problem(
        key,
        "may not be a secret: the tenant registry checks it, and a secure: value cannot be read here; write it in plain text",
        ["config", `${namespace}:${String(at[0])}`, ...at.slice(1)],
      );
    }
  }
  const parsed = (schema as z.ZodType).safeParse(input);
  if (!parsed.success) {
    // A rule a secure: value's ciphertext breaks is reported too (marked below): the stack cannot
    // be planned without the parse, so dropping it would drop the stack with no problem to show.
    for (const p of problemsFromZod(namespace, parsed.error, input, schema as z.ZodType)) {
      const issuePath = yamlPathOf(p.key, namespace);
      const secret = secretPaths.some((s) =>
        samePath(["config", `${namespace}:${String(s[0])}`, ...s.slice(1)], issuePath),
      );
      problems.push({
        ...p,
        message: secret
          ? `${p.message} (a secure: value is an encrypted string, which the plan cannot check: write it in plain text)`
          : p.message,
        ...locate(doc, lines, issuePath),
      });
    }
  }

  // The stack name (from the file name, above) must agree with the namespace's identity key.
  const idKey = IDENTITY_KEY[kind];
  const idValue = (input as Record<string, unknown>)[idKey];
  if (typeof idValue === "string" && idValue !== stack) {
    problem(
      `${namespace}:${idKey}`,
      `is "${idValue}" but the file name says stack "${stack}" (${path.basename(absolute)}); they must agree`,
      ["config", `${namespace}:${idKey}`],
    );
  }

  if (kind === "scheduling") {
    const notify = parsed.success ? (parsed.data as StackConfigOf<"scheduling">).notify : undefined;
    for (const p of [
      ...tenancyProblems(input, absolute, opts.tenantRegistry),
      ...(region ? checkTopicRegion(notify, region) : []),
    ]) {
      problems.push({ ...p, ...(p.key ? locate(doc, lines, yamlPathOf(p.key, namespace)) : {}) });
    }
  }

  if (problems.length > 0 || !parsed.success) {
    // In file order, whole-file problems first, so the list reads top to bottom like the file.
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    throw new ConfigError(display, problems);
  }
  return {
    file: absolute,
    kind,
    project: projectName ?? PULUMI_PROJECTS[kind],
    stack,
    region,
    config: parsed.data,
    raw,
  } as LoadedStackConfig;
}

/** The YAML path (`config`, `<ns>:<key>`, ...rest) of a config key such as `scheduling:windows[0].schedule`. */
function yamlPathOf(key: string, namespace: string): PropertyKey[] {
  const rest = key.slice(namespace.length + 1);
  const parts: PropertyKey[] = [];
  for (const m of rest.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    parts.push(m[2] !== undefined ? Number(m[2]) : (m[1] as string));
  const [first, ...tail] = parts;
  return first === undefined ? ["config"] : ["config", `${namespace}:${String(first)}`, ...tail];
}

/** How a registry file is named in messages: `policies/tenants.yaml` when found in a workspace. */
function registryDisplay(file: string): string {
  const posix = toPosix(file);
  if (posix.endsWith(`/${TENANT_REGISTRY_PATH}`)) return TENANT_REGISTRY_PATH;
  const rel = path.relative(process.cwd(), file);
  return rel === "" || rel.startsWith("..") ? path.resolve(file) : rel;
}

/**
 * Where the registry search starts for a config file: above the layout's `stacks/` folder, so a
 * `policies/tenants.yaml` planted inside a team's own folder can never stand in for security's.
 */
function registrySearchStart(configFile: string): string {
  const parts = path.resolve(configFile).split(path.sep);
  const at = parts.lastIndexOf("stacks");
  return at > 0 ? parts.slice(0, at).join(path.sep) || path.sep : path.dirname(configFile);
}

/**
 * The tenant registry's verdict on a team's config (`input`: its `scheduling:` keys as written), or
 * why it cannot be checked: no registry above the file, or a broken one (naming the registry file).
 * Checks what is there even when other keys are invalid, so one run shows every problem.
 */
function tenancyProblems(
  input: unknown,
  configFile: string,
  given: LoadedTenantRegistry | string | undefined,
): ConfigProblem[] {
  let loaded: LoadedTenantRegistry;
  if (typeof given === "object") loaded = given;
  else {
    const file = given ?? findTenantRegistry(registrySearchStart(configFile));
    if (file === undefined) {
      return [
        {
          key: "",
          message: `no tenant registry (${TENANT_REGISTRY_PATH}) at or above ${registrySearchStart(configFile)}: a team's stack is checked against the environments and pools security grants it there`,
        },
      ];
    }
    const shown = registryDisplay(file);
    try {
      loaded = loadTenantRegistry(file, shown);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems.map((p) => ({
        key: "",
        message: `cannot check the team's grants: the tenant registry ${shown} is invalid: ${p.key ? `${p.key}${p.line === undefined ? "" : ` (line ${p.line})`}: ` : p.line === undefined ? "" : `line ${p.line}: `}${p.message}`,
      }));
    }
  }
  const config = isRecord(input) ? input : {};
  const { team, environment } = config;
  if (typeof team !== "string" || typeof environment !== "string") return [];
  const windows = Array.isArray(config.windows) ? config.windows : [];
  const pools = windows.flatMap((w, i) =>
    isRecord(w) && typeof w.pool === "string" ? [{ pool: w.pool, key: `scheduling:windows[${i}].pool` }] : [],
  );
  const problems = checkTenancy(
    loaded.registry,
    { team, environment, pools, windows: windows.length },
    registryDisplay(loaded.file),
  );
  // Alert destinations the registry governs (e-mail domains, other teams' topics): docs/operations.md.
  const notify = notifySchema.safeParse(config.notify);
  if (config.notify !== undefined && notify.success)
    problems.push(
      ...checkAlertDestinations(loaded.registry, team, notify.data, registryDisplay(loaded.file)),
    );
  return problems;
}
