import { createReceiver } from "./receiver";

// `npm start`: listens on PORT (default 3000) on every interface; put it behind HTTPS before giving
// Romulus its address. WEBHOOK_TOKEN is the secret the stack's `webhookToken` holds.
const port = Number(process.env.PORT ?? 3000);
const token = process.env.WEBHOOK_TOKEN;
if (token === undefined || token.length < 16) {
  console.error("Set WEBHOOK_TOKEN to the stack's webhookToken (at least 16 characters): deliveries must carry it.");
  process.exit(2);
}
createReceiver({ token }).listen(port, () => console.log(`Romulus webhook receiver listening on :${port}`));
