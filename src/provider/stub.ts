import type * as pulumi from "@pulumi/pulumi";

/**
 * The object Pulumi serialises into state as each resource's `__provider`. It must stay tiny and the same
 * across releases: it captures nothing but the resource kind, and loads the implementation lazily from
 * the installed package (inside the provider host, `require` resolves from the program's directory).
 * Capturing a client, a schema or a credential here would fail serialisation or write it into state.
 *
 * Changing a single character of these functions changes every stored `__provider`: don't.
 */
function makeStub(kind: string): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      require("pulumi-romulus/provider").configure(req);
    },
    async check(olds, news) {
      return require("pulumi-romulus/provider").handler(kind).check(olds, news);
    },
    async diff(id, olds, news) {
      return require("pulumi-romulus/provider").handler(kind).diff(id, olds, news);
    },
    async create(inputs) {
      return require("pulumi-romulus/provider").handler(kind).create(inputs);
    },
    async read(id, props) {
      return require("pulumi-romulus/provider").handler(kind).read(id, props);
    },
    async update(id, olds, news) {
      return require("pulumi-romulus/provider").handler(kind).update(id, olds, news);
    },
    async delete(id, props) {
      return require("pulumi-romulus/provider").handler(kind).delete(id, props);
    },
  };
}

/** One stub object per kind, reused by every resource: Pulumi caches serialisation per object. */
const stubs = new Map<string, pulumi.dynamic.ResourceProvider>();

export function stubFor(kind: string): pulumi.dynamic.ResourceProvider {
  let stub = stubs.get(kind);
  if (!stub) {
    stub = makeStub(kind);
    stubs.set(kind, stub);
  }
  return stub;
}
