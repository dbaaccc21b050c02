import { quickstart } from "./program";

// The program lives in program.ts so that the repository's tests run exactly this code; the stack
// outputs are whatever it returns.
export = quickstart();
