// First, before any dependency loads: an unsupported Node stops here with one line.
import "../node-version";

export * from "./client";
export { DEFAULT_V2_PAGE_SIZE, MAX_V2_PAGE_SIZE } from "./contacts";
export * from "./core";
export { orUndefined } from "./section";

import { ConnectionError, ResponseTooLargeError, RomulusApiError, TimeoutError } from "./core/errors";

/**
 * Whether a failed non-idempotent request may nevertheless have been carried out by the server: its answer
 * was lost (timeout, dropped connection after sending, an answer too large to read) or the server failed mid-way (500, 502, 504). The
 * transport does not retry those for a POST; the provider reconciles before it tries again.
 */
export function isMaybeProcessedError(error: unknown): boolean {
  if (error instanceof TimeoutError || error instanceof ResponseTooLargeError) return true;
  if (error instanceof ConnectionError) return error.code !== "ECONNREFUSED";
  if (error instanceof RomulusApiError) return error.status === 500 || error.status === 502 || error.status === 504;
  return false;
}
