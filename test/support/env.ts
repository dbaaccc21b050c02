/**
 * Registers hooks that unset the given environment variables before each test of the calling file and
 * put back what they held after it: a test sees only the variables it sets itself.
 */
export function isolateEnv(names: readonly string[]): void {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const name of names) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
}
