/**
 * Run by plain `node` (not jest, whose module registry hides Node's require.cache from Pulumi's closure
 * serialiser) from a program folder: constructs one resource of every kind the package exports as a
 * `pulumi.dynamic.Resource` under `pulumi.runtime.setMocks`, and prints, per kind, what its registration
 * carries into state: the type token, the `__provider` text exactly as `pulumi.dynamic.Resource` serialised
 * it, and the names of the resource's output properties, both in a unit test (where the package sees the
 * mocks and checks resources in the program, src/mocks.ts) and in `pulumi up` (where it sees an engine: the
 * mocks' monitor behind a plain object, as test/harness/program.ts does it).
 *
 * Usage: node serialise-providers.js <module to require as the package>
 */
const pulumi = require("@pulumi/pulumi");
const runtimeState = require("@pulumi/pulumi/runtime/state");

const packageModule = process.argv[2];
if (!packageModule) throw new Error("usage: node serialise-providers.js <package module>");
const romulus = require(packageModule);

/** Valid arguments for each kind (under mocks the resource's own check runs in the program). */
const SAMPLE_ARGS = {
  Contact: { firstName: "Ada" },
  WebhookSubscription: { event: "AGENT_CALL_COMPLETED", url: "https://example.com/hooks/calls" },
  CallTaskWebhookSubscription: { url: "https://example.com/hooks/robocalls" },
};

(async () => {
  const registered = new Map();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.set(args.name, args);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "api-guard",
    "dev",
    false,
  );
  const kinds = Object.entries(romulus).filter(
    ([, value]) => typeof value === "function" && value.prototype instanceof pulumi.dynamic.Resource,
  );
  if (kinds.length === 0) throw new Error(`${packageModule} exports no pulumi.dynamic.Resource`);
  /** Constructs one resource of each kind; answers its registration and its output property names. */
  const construct = async (prefix) => {
    const made = {};
    for (const [exportName, Kind] of kinds) {
      const args = SAMPLE_ARGS[exportName];
      if (!args) {
        throw new Error(`${exportName} registers a dynamic provider: add valid sample args for it to ${__filename}`);
      }
      const name = `${prefix}-${exportName}`;
      const resource = new Kind(name, args);
      await new Promise((resolve) => resource.urn.apply(resolve));
      const registration = registered.get(name);
      if (typeof registration?.inputs?.__provider !== "string") {
        throw new Error(`${exportName}: the registration carried no serialised __provider`);
      }
      const outputs = Object.keys(resource)
        .filter((key) => pulumi.Output.isInstance(resource[key]))
        .sort();
      made[exportName] = { type: registration.type, provider: registration.inputs.__provider, outputs };
    }
    return made;
  };
  const underMocks = await construct("unit-test");
  const monitor = runtimeState.getStore().settings.monitor;
  const engine = {};
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(monitor))) {
    if (key !== "constructor" && typeof monitor[key] === "function") engine[key] = monitor[key].bind(monitor);
  }
  runtimeState.getStore().settings.monitor = engine;
  const underEngine = await construct("up");
  const out = {};
  for (const [kind, made] of Object.entries(underEngine)) {
    if (made.provider !== underMocks[kind].provider) throw new Error(`${kind}: __provider differs under mocks`);
    out[kind] = { ...made, outputsInUnitTests: underMocks[kind].outputs };
  }
  process.stdout.write(JSON.stringify(out));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
