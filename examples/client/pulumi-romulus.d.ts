/**
 * Lets `tsc -p tsconfig.json` type-check the examples, which import the package by its published name as a
 * user's program does, against the sources. The examples run against the built package (see
 * test/client/readme-example.test.ts). Remove this file if tsconfig.json maps "pulumi-romulus" with `paths`.
 */
declare module "pulumi-romulus" {
  const romulus: typeof import("../../src");
  export = romulus;
}
