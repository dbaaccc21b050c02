/**
 * examples/gitops: the contact book through the engine protocol; the suite itself is gitops.suite.ts,
 * which the packed-package suite runs on the installed tarball too.
 */

import { ENGINE_TEST_TIMEOUT_MS } from "../harness/engine";
import { gitopsSuite } from "./gitops.suite";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

gitopsSuite();
