/**
 * deploy.yml's and pr.yml's fan-out (`deploy-matrix`) on a real git repository when a change renames
 * or removes a stack's file, or edits the tenant registry: the cases where `nx affected` alone is
 * wrong (a deleted or renamed project file affects every project; a file outside every project, none).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NX_ENV, REPO_ROOT, TempWorkspace } from "./support/workspace.js";

const DEPLOY_MATRIX = path.join(REPO_ROOT, "packages/workspace-tools/dist/bin/deploy-matrix.js");
const VISION = "stacks/scheduling/teams/vision/Pulumi.vision.yaml";
const REGISTRY = "policies/tenants.yaml";

let ws: TempWorkspace;
beforeAll(() => {
  ws = TempWorkspace.create();
});
afterAll(() => ws?.dispose());

/** A branch from the base commit with `change` applied (git operations allowed) and committed. */
function branch(name: string, change: () => void): void {
  ws.git("checkout", "-q", "-B", name, ws.base);
  change();
  ws.git("add", "-A");
  ws.git("commit", "-q", "-m", name);
}

const edit = (file: string, f: (text: string) => string) =>
  writeFileSync(path.join(ws.root, file), f(readFileSync(path.join(ws.root, file), "utf8")));
/** The registry without team `team`'s entry (the fixture's entries are 4 lines each). */
const unregister = (team: string) =>
  edit(REGISTRY, (t) => t.replace(new RegExp(`(  # [^\\n]*\\n)?  ${team}:\\n(    .*\\n){3}`), ""));

function matrix(...flags: string[]) {
  const r = spawnSync(process.execPath, [DEPLOY_MATRIX, ...flags, `--base=${ws.base}`, "--head=HEAD"], {
    cwd: ws.root,
    encoding: "utf8",
    env: { ...process.env, ...NX_ENV },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** The deployed projects of every level. */
const deployed = (stdout: string) =>
  (JSON.parse(stdout) as { levels: { projects: string }[][] }).levels.map((l) => l.map((e) => e.projects));

describe("deploy-matrix on removed, renamed and registry changes", () => {
  it("a team deleting its own file is refused in every mode, and nothing deploys", () => {
    branch("vision-deletes-its-file", () => ws.git("rm", "-q", VISION));
    // What Nx alone would deploy: every project, the platform stacks of both environments included.
    expect(
      JSON.parse(
        ws.nx(["show", "projects", "--affected", `--base=${ws.base}`, "--head=HEAD", "--json"]).stdout,
      ),
    ).toEqual(expect.arrayContaining(["iam-dev", "iam-prod", "fleet-dev", "fleet-prod"]));
    for (const mode of [[], ["--preview"], ["--check-removed"]]) {
      const r = matrix(...mode);
      expect(r.status, `${mode.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`${VISION}: removed, but team "vision" is still registered in ${REGISTRY}`);
      expect(r.stderr).toContain("npx nx run scheduling-vision:destroy --confirm=scheduling-vision");
      expect(r.stdout).toBe("");
    }
  });

  it("an offboarding (the file and the registry entry removed together) passes", () => {
    branch("vision-offboarded", () => {
      ws.git("rm", "-q", VISION);
      unregister("vision");
    });
    const check = matrix("--check-removed");
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr).toContain("with their registry entries: scheduling/vision");
    const r = matrix();
    expect(r.status, r.stderr).toBe(0);
    // The registry changed: the iam stacks, which make a role per registered team, redeploy.
    expect(deployed(r.stdout)[0]).toEqual(["iam-dev", "iam-prod"]);
    expect(deployed(r.stdout).flat()).not.toContain("scheduling-vision");
  });

  it("an environment's stack removed while the registry still grants it is refused", () => {
    branch("fleet-dev-removed", () => ws.git("rm", "-q", "stacks/fleet/envs/dev/Pulumi.dev.yaml"));
    const r = matrix("--check-removed");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${REGISTRY} still grants environment "dev" to nlp`);
  });

  it("a team moving its stack to another granted environment is refused until the old grant goes", () => {
    const NLP = "stacks/scheduling/teams/nlp/Pulumi.nlp.yaml";
    const toProd = () =>
      edit(NLP, (t) => t.replace("scheduling:environment: dev", "scheduling:environment: prod"));
    branch("nlp-moves-keeping-dev", () => {
      toProd();
      edit(REGISTRY, (t) =>
        t.replace(/( {2}nlp:\n {4}grants:\n)/, "$1      - environment: prod\n        pools: [a10g]\n"),
      );
    });
    const refused = matrix("--check-removed");
    expect(refused.status, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(
      `${NLP}: scheduling:environment changes from dev to prod, but ${REGISTRY} still grants team "nlp" environment "dev"`,
    );
    branch("nlp-moves-dropping-dev", () => {
      toProd();
      edit(REGISTRY, (t) => t.replace(/( {2}nlp:\n {4}grants:\n {6}- environment: )dev/, "$1prod"));
    });
    const moved = matrix("--check-removed");
    expect(moved.status, moved.stderr).toBe(0);
    expect(moved.stderr).toContain("scheduling/nlp");
  });

  it("a team renaming its file (.yaml to .yml) is refused before Nx is asked", () => {
    branch("vision-renames", () => ws.git("mv", VISION, VISION.replace(/\.yaml$/, ".yml")));
    const r = matrix();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("stacks/scheduling/teams/vision/Pulumi.vision.yml");
    expect(r.stdout).toBe("");
  });

  it("a registry-only change (a new grant) deploys the iam stacks, which Nx places in no project", () => {
    branch("grant", () =>
      edit(REGISTRY, (t) => t.replace("pools: [a10g]\n  nlp:", "pools: [a10g, l4]\n  nlp:")),
    );
    const r = matrix();
    expect(r.status, r.stderr).toBe(0);
    expect(deployed(r.stdout)[0]).toEqual(["iam-dev", "iam-prod"]);
  });

  it("a pool's root volume made smaller (ModifyVolume only grows) is refused in every mode; larger passes", () => {
    const FLEET = "stacks/fleet/envs/prod/Pulumi.prod.yaml";
    // The base file leaves rootVolumeGb out: the schema's default, 200 GiB, is what is deployed.
    branch("fleet-shrinks", () =>
      edit(FLEET, (t) =>
        t.replace("instanceType: g5.xlarge", "instanceType: g5.xlarge\n      rootVolumeGb: 150"),
      ),
    );
    for (const mode of [[], ["--preview"], ["--check-removed"]]) {
      const r = matrix(...mode);
      expect(r.status, `${mode.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(
        `${FLEET}: fleet:pools[0].rootVolumeGb of pool "a10g" goes down from 200 to 150 GiB, but an EBS volume only grows`,
      );
      expect(r.stdout).toBe("");
    }
    branch("fleet-grows", () =>
      edit(FLEET, (t) =>
        t.replace("instanceType: g5.xlarge", "instanceType: g5.xlarge\n      rootVolumeGb: 300"),
      ),
    );
    const grows = matrix("--check-removed");
    expect(grows.status, grows.stderr).toBe(0);
  });
});
