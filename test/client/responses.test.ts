/**
 * Response leniency with the real section models, over real HTTP on loopback: the vendor may add fields
 * (they must parse, and be kept), but a field the model needs missing is an error that names the endpoint
 * template and the field, so a support ticket can say "the API changed" rather than "it broke".
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RomulusClient } from "../../src/client";
import { ResponseValidationError } from "../../src/client/core/errors";
import { closeConnections } from "../../src/client/core/transport";
import { failure, json, startServer, type TestServer } from "./core/test-server";

const contactAnswer = JSON.parse(
  readFileSync(join(__dirname, "../fixtures/reference/contacts.get.response.json"), "utf8"),
) as Record<string, unknown>;

let server: TestServer;
let client: RomulusClient;

beforeEach(async () => {
  server = await startServer();
  client = new RomulusClient({ apiKey: "rk_responses", endpoint: server.url, maxRetries: 0 });
});
afterEach(async () => {
  await closeConnections();
  await server.close();
});

describe("a contact answer", () => {
  test("with a field the model does not know parses, and keeps the field", async () => {
    server.handle((_req, res) =>
      json(res, 200, {
        ...contactAnswer,
        loyalty_tier: "gold",
        phones: [{ id: "p1", number: "+39012345678", label: "MOBILE", verified: true }],
      }),
    );
    const contact = await client.contacts.get("a1b2c3d4-e5f6-7890-ab12-cd34ef567890");
    expect(contact.first_name).toBe("John");
    expect(contact).toMatchObject({ loyalty_tier: "gold" });
    expect(contact.phones[0]).toMatchObject({ number: "+39012345678", verified: true });
    expect(server.requests[0]!.url).toBe("/v2/contacts/a1b2c3d4-e5f6-7890-ab12-cd34ef567890");
  });

  test("without first_name fails, naming GET /v2/contacts/{contactId} and the path first_name", async () => {
    const { first_name: _dropped, ...withoutFirstName } = contactAnswer;
    server.handle((_req, res) => json(res, 200, withoutFirstName));
    const err = (await failure(client.contacts.get("a1b2c3d4"))) as ResponseValidationError;
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(err.endpoint).toBe("GET /v2/contacts/{contactId}");
    expect(err.path).toBe("first_name");
    expect(err.expected).toBe("string");
    expect(err.message).toContain("Romulus API response to GET /v2/contacts/{contactId}");
    expect(err.message).toContain("at first_name");
  });

  test("in a search page, a bad item names its index", async () => {
    const { first_name: _dropped, ...withoutFirstName } = contactAnswer;
    server.handle((_req, res) =>
      json(res, 200, {
        content: [contactAnswer, withoutFirstName],
        page: 0,
        size: 200,
        total_elements: 2,
        total_pages: 1,
      }),
    );
    const err = (await failure(client.contacts.search().toArray())) as ResponseValidationError;
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(err.endpoint).toBe("POST /v2/contacts/search");
    expect(err.path).toBe("content.1.first_name");
  });
});
