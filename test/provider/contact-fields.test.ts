/**
 * Contact details the reference allows and the provider must live with, through the real provider host
 * over gRPC against the emulator over HTTP: the same phone or email more than once, and the read-only
 * fields the API answers (a CRM sync's `external_id`, `crm_*`, `metadata`), which are outputs and never
 * drift.
 */
import { byName, type Engine } from "../harness/engine";
import { runProgram } from "../harness/program";
import { emulator as emu, romulus } from "../support/package";
import { closeEmulatorStack, type EmulatorStack, resourceOps, startEmulatorStack } from "../support/stack";

const { Contact } = romulus;
const ORG = emu.DEFAULT_ORGANIZATION_ID;

let server: EmulatorStack["server"];
let programDir: EmulatorStack["programDir"];
let engine: Engine;

const phones = [
  { number: "+442071234567", label: "MOBILE" as const },
  { number: "+442071234567", label: "MOBILE" as const },
  { number: "+442079460000" },
];
const emails = [{ email: "ada@example.com" }, { email: "ada@example.com", label: "JOB" as const }];
const program = () => () => {
  new Contact("ada", { firstName: "Ada", phones, emails });
};

beforeAll(async () => {
  ({ server, programDir, engine } = await startEmulatorStack());
});
afterAll(() => closeEmulatorStack({ server, programDir, engine }));

test("a contact with repeated phones and emails is created as declared, and then shows no change", async () => {
  const up = await engine.upProgram(program());
  expect(resourceOps(up.steps)).toEqual(["create"]);
  const ada = byName(up.state, "ada")!;
  const stored = server.object(ORG, "contacts", ada.id) as unknown as { phones: unknown[]; emails: unknown[] };
  expect(stored.phones).toEqual([
    expect.objectContaining({ number: "+442071234567", label: "MOBILE" }),
    expect.objectContaining({ number: "+442071234567", label: "MOBILE" }),
    expect.objectContaining({ number: "+442079460000", label: "OTHER" }),
  ]);
  expect(stored.emails).toHaveLength(2);

  const again = await engine.upProgram(program());
  expect(resourceOps(again.steps)).toEqual(["same"]);
  const { resources } = await runProgram(program(), engine.programOptions());
  expect((await engine.previewRefreshExpectNoChanges(resources)).ok).toBe(true);
});

test("the read-only fields are outputs, and a CRM sync changing them is no drift", async () => {
  const ada = byName(engine.state, "ada")!;
  expect(ada.outputs).toMatchObject({ metadata: {} });
  expect(ada.outputs).not.toHaveProperty("externalId");
  server.edit(ORG, "contacts", ada.id, {
    external_id: "hs-42",
    crm_name: "HubSpot",
    crm_contact_url: "https://crm.example.com/contacts/42",
    crm_logo: "https://crm.example.com/logo.png",
    metadata: { segment: "b2b" },
  });
  const { resources } = await runProgram(program(), engine.programOptions());
  const check = await engine.previewRefreshExpectNoChanges(resources);
  expect(check.ok).toBe(true);
  expect(byName(check.refresh.state, "ada")?.outputs).toMatchObject({
    externalId: "hs-42",
    crmName: "HubSpot",
    crmContactUrl: "https://crm.example.com/contacts/42",
    crmLogo: "https://crm.example.com/logo.png",
    metadata: { segment: "b2b" },
  });
});
