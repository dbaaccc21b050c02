/**
 * Lists the organization's AI agents, then creates and deletes a contact, with the typed client.
 *
 *   ROMULUS_API_KEY=<key> node list-agents.ts                                          # production
 *   ROMULUS_API_KEY=romulus-emulator-key ROMULUS_ENDPOINT=http://127.0.0.1:8787 node list-agents.ts  # emulator
 */
import { RomulusClient } from "pulumi-romulus";

async function main(): Promise<void> {
  const client = new RomulusClient({
    apiKey: process.env.ROMULUS_API_KEY,
    endpoint: process.env.ROMULUS_ENDPOINT, // unset: https://api.romulus.live
  });

  // Every page of the list, fetched as the loop needs it.
  for await (const agent of client.agents.list()) {
    console.log(`agent: ${agent.name} (${agent.type}, ${agent.status})`);
  }

  const contact = await client.contacts.create({
    first_name: "Ada",
    last_name: "Lovelace",
    phones: [{ number: "+390212345678", label: "MOBILE" }],
    tags: ["example"],
  });
  console.log(`created contact ${contact.id}: ${contact.first_name} ${contact.last_name}`);

  await client.contacts.delete(contact.id);
  console.log(`deleted contact ${contact.id}`);
}

main().catch((error: unknown) => {
  // Client errors never contain the API key, so they are safe to print.
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
