/**
 * Nx with N generated teams (one project per stack config folder, inferred by @retrain/nx-pulumi):
 * `nx show projects` (builds the project graph) and `nx show projects --affected`, cold as on a CI
 * runner (no daemon, .nx/workspace-data removed before every run). The baseline is the same
 * command in an identical copy of the repository whose nx.json registers no plugin: Nx's own cost of
 * walking and hashing the same files and reading git, so the ratio is what the plugin adds. A second
 * baseline, the floor, declares the same projects (targets, metadata, dependencies) as project.json
 * files and registers no plugin: Nx's own cost of having that many projects, which the plugin cannot
 * go below; the ratio to it is the plugin's own cost.
 *
 * The workspace is nx-pulumi's test fixture (TempWorkspace, reused) with N team folders added and
 * committed in a temp git repository.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { TempWorkspace } from "../../packages/nx-pulumi/test/support/workspace.js";
import { compare } from "../lib/measure.js";
import { machineInfo, type Row, type SuiteResult } from "../lib/report.js";
import { registry, teamConfig, teamConfigFile, teamName } from "../lib/workspace.js";

function withTeams(teams: number, plugin: boolean): TempWorkspace {
  const ws = TempWorkspace.create();
  rmSync(path.join(ws.root, "stacks/scheduling/teams"), { recursive: true, force: true });
  for (let i = 0; i < teams; i++) {
    const file = path.join(ws.root, teamConfigFile(teamName(i)));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, stringify(teamConfig(i)));
  }
  // Every generated team registered, as onboarding would have done.
  mkdirSync(path.join(ws.root, "policies"), { recursive: true });
  writeFileSync(path.join(ws.root, "policies/tenants.yaml"), stringify(registry(teams)));
  if (!plugin) {
    const nxJson = path.join(ws.root, "nx.json");
    const json = JSON.parse(readFileSync(nxJson, "utf8")) as { plugins: unknown[] };
    json.plugins = [];
    writeFileSync(nxJson, JSON.stringify(json, null, 2));
  }
  ws.git("add", "-A");
  ws.git("commit", "-q", "-m", `${teams} teams`);
  return ws;
}

interface GraphFile {
  graph: {
    nodes: Record<string, { data: Record<string, unknown> & { root: string; tags?: string[] } }>;
    dependencies: Record<string, { target: string }[]>;
  };
}

/**
 * The floor: a copy of `bare` (no plugin) with every stack project `withPlugin` infers written as
 * its folder's project.json (Nx's graph of it: the same targets, tags, metadata; the plugin's
 * dependencies as implicit ones), committed.
 */
function withProjectJsons(teams: number, withPlugin: TempWorkspace): TempWorkspace {
  const ws = withTeams(teams, false);
  const file = path.join(ws.root, "graph.json");
  const r = withPlugin.nx(["graph", `--file=${file}`]);
  if (r.status !== 0) throw new Error(`nx graph failed:\n${r.stdout}\n${r.stderr}`);
  const { graph } = JSON.parse(readFileSync(file, "utf8")) as GraphFile;
  rmSync(file);
  for (const [name, { data }] of Object.entries(graph.nodes)) {
    if (!data.tags?.includes("pulumi")) continue;
    const { root, ...rest } = data;
    const implicitDependencies = (graph.dependencies[name] ?? []).map((d) => d.target);
    writeFileSync(
      path.join(ws.root, root, "project.json"),
      JSON.stringify({ ...rest, name, root, implicitDependencies }, null, 2),
    );
  }
  ws.git("add", "-A");
  ws.git("commit", "-q", "-m", "project.json floor");
  return ws;
}

/** Commits `edit` on a branch `name` from the generated base; returns that base commit. */
function change(ws: TempWorkspace, name: string, file: string, append: string): string {
  const base = ws.git("rev-parse", "HEAD").trim();
  ws.git("checkout", "-q", "-B", name, base);
  const abs = path.join(ws.root, file);
  writeFileSync(abs, readFileSync(abs, "utf8") + append);
  ws.git("add", "-A");
  ws.git("commit", "-q", "-m", name);
  return base;
}

/**
 * One `nx` command per sample. Cold (default): `.nx` removed first, as on a fresh CI runner. Warm:
 * `.nx/workspace-data` kept from the previous run (Nx's file map and the plugins' discovery caches),
 * as on a developer's machine or a CI runner that restores it; still no daemon.
 */
function nxTask(
  ws: TempWorkspace,
  args: string[],
  label: string,
  opts: { warm?: boolean; env?: NodeJS.ProcessEnv } = {},
) {
  return {
    name: label,
    setup: () => {
      if (!opts.warm) rmSync(path.join(ws.root, ".nx"), { recursive: true, force: true });
    },
    fn: () => {
      const r = ws.nx(args, opts.env);
      if (r.status !== 0) throw new Error(`nx ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
      return r;
    },
  };
}

function countProjects(ws: TempWorkspace, args: string[]): number {
  const r = ws.nx([...args, "--json"]);
  if (r.status !== 0) throw new Error(`nx ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return (JSON.parse(r.stdout) as string[]).length;
}

export async function runNxSuite(opts: { quick: boolean; teams: number[] }): Promise<SuiteResult> {
  const machine = machineInfo();
  const rows: Row[] = [];
  const budget = opts.quick
    ? { warmupMs: -1, batchMs: 0, minRounds: 1, maxRounds: 1 }
    : { warmupMs: -1, batchMs: 0, minRounds: 3, maxRounds: 5, maxMs: 30_000, tolerance: 0.05 };
  for (const teams of opts.teams) {
    const withPlugin = withTeams(teams, true);
    const bare = withTeams(teams, false);
    const floor = withProjectJsons(teams, withPlugin);
    try {
      const show = ["show", "projects"];
      const projects = countProjects(withPlugin, show);
      rows.push({
        case: `nx show projects, ${teams} teams`,
        unit: "s",
        subject: "with @retrain/nx-pulumi",
        baseline: "no plugin",
        comparison: await compare(
          nxTask(bare, show, "no plugin"),
          nxTask(withPlugin, show, "plugin"),
          budget,
        ),
        show: "seconds",
        note: `${projects} projects inferred`,
      });
      const declared = countProjects(floor, show);
      rows.push({
        case: `nx show projects, ${teams} teams, vs the floor`,
        unit: "s",
        subject: "with @retrain/nx-pulumi",
        baseline: "no plugin, the same projects as project.json",
        comparison: await compare(
          nxTask(floor, show, "project.json floor"),
          nxTask(withPlugin, show, "plugin"),
          budget,
        ),
        show: "seconds",
        note: `${projects} projects inferred, ${declared} declared`,
      });
      // Warm: primed once each, then every sample reuses what the previous one left in .nx/.
      for (const ws of [bare, withPlugin, floor]) nxTask(ws, show, "prime").fn();
      rows.push({
        case: `nx show projects, ${teams} teams, warm, vs the floor`,
        unit: "s",
        subject: "with @retrain/nx-pulumi, warm",
        baseline: "no plugin, the same projects as project.json, warm",
        comparison: await compare(
          nxTask(floor, show, "project.json floor", { warm: true }),
          nxTask(withPlugin, show, "plugin", { warm: true }),
          budget,
        ),
        show: "seconds",
        note: `${projects} projects inferred, ${declared} declared`,
      });
      for (const [subject, ws, env] of [
        ["with @retrain/nx-pulumi, warm", withPlugin, {}],
        ["with @retrain/nx-pulumi, warm, discovery cache off", withPlugin, { RETRAIN_NX_PLUGIN_CACHE: "0" }],
      ] as const) {
        rows.push({
          case: `nx show projects, ${teams} teams, warm`,
          unit: "s",
          subject,
          baseline: "no plugin, warm",
          comparison: await compare(
            nxTask(bare, show, "no plugin", { warm: true }),
            nxTask(ws, show, "plugin", { warm: true, env }),
            budget,
          ),
          show: "seconds",
          note: `${projects} projects inferred`,
        });
      }
      const scenarios = [
        {
          name: "one-team",
          file: teamConfigFile(teamName(0)),
          append: "# edited\n",
          what: "one team's config",
        },
        {
          name: "program",
          file: "stacks/scheduling/src/index.ts",
          append: "// edited\n",
          what: "the scheduling program",
        },
      ];
      for (const s of scenarios) {
        const bases = [withPlugin, bare].map((ws) => change(ws, s.name, s.file, s.append));
        const args = (i: number) => ["show", "projects", "--affected", `--base=${bases[i]}`, "--head=HEAD"];
        const affected = countProjects(withPlugin, args(0));
        rows.push({
          case: `nx show projects --affected, ${teams} teams, ${s.what} changed`,
          unit: "s",
          subject: "with @retrain/nx-pulumi",
          baseline: "no plugin",
          comparison: await compare(
            nxTask(bare, args(1), "no plugin"),
            nxTask(withPlugin, args(0), "plugin"),
            budget,
          ),
          show: "seconds",
          note: `${affected} projects affected`,
        });
        for (const [i, ws] of [withPlugin, bare].entries()) ws.git("checkout", "-q", bases[i]!);
      }
    } finally {
      withPlugin.dispose();
      bare.dispose();
      floor.dispose();
    }
  }
  return { suite: "nx", machine, rows, extra: { daemon: false, cold: true } };
}
