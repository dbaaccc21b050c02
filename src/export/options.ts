/** What `--only` accepts; kept apart from the exporter so the CLI answers --help and usage errors fast. */
export const ONLY = ["contacts", "webhooks", "call-task-webhooks"] as const;
export type Only = (typeof ONLY)[number];
