// Pulumi's Node runtime calls the default export and uses its result as the stack outputs.
import { schedulingProgram } from "./program.js";

export default schedulingProgram;
