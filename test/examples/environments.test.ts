/**
 * examples/environments: one program, two stacks (sandbox and prod) in two organizations; the suite itself
 * is environments.suite.ts, which the packed-package suite runs on the installed tarball too.
 */

import { ENGINE_TEST_TIMEOUT_MS } from "../harness/engine";
import { environmentsSuite } from "./environments.suite";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

environmentsSuite();
