/**
 * Lets plain Node `require` this repository's TypeScript: each `.ts` file is transpiled (types dropped,
 * not checked: `npm run typecheck` does that) by the repository's own TypeScript, the devDependency that
 * `npm install` brings. Used where plain Node has to run TypeScript that is not part of the package: the
 * demo runs the engine stand-in (test/harness) and the quickstart program with it, and the tests' fake
 * `pulumi` (test/examples/fake-pulumi.ts) runs itself and the programs it is given.
 *
 * Why not a build: test/harness is test code, compiled by nothing else; a require hook keeps one copy of
 * it and nothing to keep in step. Why not ts-node: TypeScript is already here, and 20 lines do the job.
 */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const REPO = path.resolve(__dirname, "..");

let registered = false;

/**
 * Registers the `.ts` loader for this process. `cacheDir` (optional) keeps the transpiled files, keyed
 * by path and content, so that processes started many times (a fake CLI) skip the compiler after the
 * first run; it also turns on V8's compile cache there.
 */
function register({ cacheDir } = {}) {
  if (registered) return;
  registered = true;
  if (cacheDir) {
    fs.mkdirSync(cacheDir, { recursive: true });
    require("node:module").enableCompileCache?.(path.join(cacheDir, "v8"));
  }
  let ts;
  const transpile = (source, filename) => {
    ts ??= require(require.resolve("typescript", { paths: [REPO] }));
    return ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    }).outputText;
  };
  require.extensions[".ts"] = (module, filename) => {
    const source = fs.readFileSync(filename, "utf8");
    if (!cacheDir) return module._compile(transpile(source, filename), filename);
    const key = crypto.createHash("sha1").update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    if (!fs.existsSync(cached)) {
      // Written aside, then renamed: processes started side by side never read half a file.
      const partial = `${cached}.${process.pid}`;
      fs.writeFileSync(partial, transpile(source, filename));
      fs.renameSync(partial, cached);
    }
    module._compile(fs.readFileSync(cached, "utf8"), filename);
  };
}

module.exports = { register };
