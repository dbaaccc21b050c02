import { webhookReceiver } from "./program";

// The Pulumi program of this example (the receiver itself is serve.ts, run with `npm start`).
export = webhookReceiver();
