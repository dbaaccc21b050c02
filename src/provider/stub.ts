import type * as pulumi from "@pulumi/pulumi";

/**
 * The object Pulumi serialises into state as each resource's `__provider`. It must stay small and the same
 * across releases: it captures nothing but the resource kind, and loads the implementation lazily from the
 * installed package (inside the provider host, `require` resolves from the program's directory).
 * Capturing a client, a schema or a credential here would fail serialisation or write it into state.
 *
 * Its text is stored twice per resource, hence arrow functions with terse parameter names (the host awaits
 * whatever they return). Changing a single character here changes every stored `__provider`: don't.
 */
function makeStub(kind: string): pulumi.dynamic.ResourceProvider {
  return {
    configure: (r) => require("pulumi-romulus/provider").configure(r),
    check: (o, n) => require("pulumi-romulus/provider").handler(kind).check(o, n),
    diff: (i, o, n) => require("pulumi-romulus/provider").handler(kind).diff(i, o, n),
    create: (n) => require("pulumi-romulus/provider").handler(kind).create(n),
    read: (i, p) => require("pulumi-romulus/provider").handler(kind).read(i, p),
    update: (i, o, n) => require("pulumi-romulus/provider").handler(kind).update(i, o, n),
    delete: (i, p) => require("pulumi-romulus/provider").handler(kind).delete(i, p),
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
