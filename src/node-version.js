/**
 * Stops the process with one line when Node.js is older than package.json's `engines.node`.
 *
 * Every entry module (the package and each subpath export, the `romulus-emulator` bin, `npm run demo`)
 * requires this first, before any dependency: on an older Node a dependency fails while it loads (undici's
 * `zlib.createZstdDecompress.bind` is a TypeError below 22.19) and the user sees its stack instead of the
 * reason. Plain JavaScript in the oldest syntax on purpose: the demo loads it from src/ before anything is
 * built, and it must parse on any Node that might run it. `engines.node` (`>=X.Y.Z`) in package.json is
 * the single statement of the minimum.
 */
// biome-ignore lint/style/useNodejsImportProtocol: a Node older than 14.18 has no "node:" prefix, and this file must run there to say so
const path = require("path");

/** package.json of this package: one level up from src/ and dist/; further up from a build elsewhere. */
function manifest() {
  for (let dir = path.dirname(__dirname); ; dir = path.dirname(dir)) {
    try {
      const pkg = require(path.join(dir, "package.json"));
      if (pkg.name === "pulumi-romulus") return pkg;
    } catch (_) {
      // no package.json here: look further up
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json of pulumi-romulus above ${__dirname}`);
  }
}

const engines = manifest().engines;
const wanted = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(engines.node);
if (!wanted) throw new Error(`package.json engines.node must read ">=X.Y.Z", got ${JSON.stringify(engines.node)}`);
const have = process.versions.node.split(".").map(Number);
let older = false;
for (let i = 0; i < 3; i++) {
  const need = Number(wanted[i + 1]);
  if (have[i] !== need) {
    older = have[i] < need;
    break;
  }
}
if (older) {
  const minimum = `${wanted[1]}.${wanted[2]}.${wanted[3]}`;
  process.stderr.write(
    `pulumi-romulus needs Node.js ${minimum} or newer, but this is Node.js ${process.version} ` +
      `(${process.execPath}); install a current Node.js from https://nodejs.org and run it again.\n`,
  );
  process.exit(1);
}
