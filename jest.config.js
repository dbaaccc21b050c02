/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Types are checked once by `npm run typecheck`; jest only needs to transpile.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 60000,
  // Two cores: the engine-protocol suites spawn provider hosts and emulators of their own.
  maxWorkers: 2,
};
