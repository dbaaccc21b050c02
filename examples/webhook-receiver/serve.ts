import { createReceiver } from "./receiver";

// `npm start`: listens on PORT (default 3000) on every interface; put it behind HTTPS before giving
// Romulus its address.
const port = Number(process.env.PORT ?? 3000);
createReceiver().listen(port, () => console.log(`Romulus webhook receiver listening on :${port}`));
