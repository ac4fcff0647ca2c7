#!/usr/bin/env node
// A committed entry, so pnpm can link the `retrain` bin before `tsc -b` has built dist/.
import "../dist/bin.js";
