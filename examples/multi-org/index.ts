import { multiOrg } from "./program";

// The program lives in program.ts so that the repository's tests run exactly this code.
export = multiOrg();
