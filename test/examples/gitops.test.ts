/**
 * examples/gitops: the contact book through the engine protocol; the suite itself is gitops.suite.ts,
 * which the packed-package suite runs on the installed tarball too.
 */
import { gitopsSuite } from "./gitops.suite";

gitopsSuite();
