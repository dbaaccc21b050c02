/**
 * The built package, loaded the way a user's program loads it: engine-protocol tests run the shipped
 * JavaScript in dist/ (built by `npm test`'s pretest), typed by its sources.
 */
export const romulus: typeof import("../../src") = require("../../dist");
export const emulator: typeof import("../../src/emulator") = require("../../dist/emulator");
