// First, before any dependency loads: an unsupported Node stops here with one line.
import "../../node-version";
import { stubFor } from "../stub";

/**
 * The CallTaskWebhookSubscription stub as a module of its own: when the package is installed (under node_modules), Pulumi
 * serialises a module's exports as `require("pulumi-romulus/provider/stubs/call-task-webhook-subscription")` instead of copying its
 * code, so the stored `__provider` is a one-line require, unchanged by any release.
 */
export = stubFor("CallTaskWebhookSubscription");
