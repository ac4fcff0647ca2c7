/** Paths of this package and of the fixture workspace its tests copy (the Nx plugin's, shared). */
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
/** The small workspace (stacks, tenant registry, CODEOWNERS) the Nx plugin's tests also run Nx in. */
export const FIXTURE = path.resolve(PACKAGE_DIR, "../nx-pulumi/test/fixtures/workspace");
