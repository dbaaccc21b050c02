/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Types are checked once by `npm run typecheck`; jest only needs to transpile.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  moduleNameMapper: {
    // The examples import the package by its name, as a user's program does. In this repository that name
    // is the built package itself (tests of the examples run the shipped JavaScript, like test/support).
    "^pulumi-romulus$": "<rootDir>/dist/index.js",
    "^pulumi-romulus/testing$": "<rootDir>/dist/testing/index.js",
    // One @pulumi/pulumi for every module of a test, even when an example folder has its own node_modules
    // (after `npm install` there): the harness's mocks live in this copy.
    "^@pulumi/pulumi$": "<rootDir>/node_modules/@pulumi/pulumi/index.js",
  },
  testTimeout: 60000,
  // Two cores: the engine-protocol suites spawn provider hosts and emulators of their own.
  // A run ends with "A worker process has failed to exit gracefully": @pulumi/pulumi's closure serialiser
  // requires every Node built-in (createClosure.ts, computeBuiltInModules), `node:test` among them, which
  // leaves a TestReporterScope handle in each worker that serialised a provider. `--detectOpenHandles`
  // reports only that one; nothing of ours is left open.
  maxWorkers: 2,
};
