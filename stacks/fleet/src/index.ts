// Pulumi's Node runtime calls the default export and uses its result as the stack outputs.
import { fleetProgram } from "./program.js";

export default fleetProgram;
