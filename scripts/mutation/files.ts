/**
 * The source files whose logic decides a policy's verdicts, derived from the code: its definition
 * `src/policies/<name>.ts` and every pack module that file imports for values, transitively. Type-only
 * imports carry no logic; the plumbing every policy shares (the definition kit, property readers,
 * config fields) is left out, since its mutants would be judged by every table at once and belong to
 * no rule.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** Pack-relative modules shared by every policy: not a rule of any of them. */
export const PLUMBING: ReadonlySet<string> = new Set([
  "src/policy-kit.ts",
  "src/values.ts",
  "src/config-fields.ts",
]);

/** Pack-relative paths of the relative modules `file` imports for values (not `import type`). */
export function valueImportsOf(packDir: string, file: string): string[] {
  const text = readFileSync(path.join(packDir, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const spec = statement.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith(".")) continue;
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      const onlyTypes =
        clause &&
        !clause.name &&
        named &&
        ts.isNamedImports(named) &&
        named.elements.every((e) => e.isTypeOnly);
      if (onlyTypes) continue;
    } else if (statement.isTypeOnly) continue;
    const target = path.posix.join(path.posix.dirname(file), spec.text).replace(/\.js$/, ".ts");
    if (!existsSync(path.join(packDir, target)))
      throw new Error(`${file}: cannot find ${spec.text} (${target})`);
    out.push(target);
  }
  return out;
}

/** The files of policy `name` (pack-relative, its definition first), plumbing excluded. */
export function policyFiles(packDir: string, name: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file) || PLUMBING.has(file)) return;
    seen.add(file);
    for (const next of valueImportsOf(packDir, file)) visit(next);
  };
  const definition = `src/policies/${name}.ts`;
  if (!existsSync(path.join(packDir, definition))) throw new Error(`no definition file ${definition}`);
  visit(definition);
  return [...seen];
}
