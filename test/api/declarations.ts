/**
 * The type side of the public-API guard (test/api/public-api.test.ts): which declaration files the entry
 * points reach, and a compiled comparison of every export of a frozen copy of them with the current build.
 *
 * Two declarations of the same API are compared structurally, by mutual assignability, so a type expressed
 * differently (an alias derived from a definition instead of a hand-written interface, a method declared
 * through a table) passes as long as a user sees the same thing. Plain mutual assignability is too weak in
 * three places, which the comparison closes:
 * - a class's private and protected members make it nominal (two copies are never assignable): both copies
 *   lose them before the comparison (they are not the public surface);
 * - methods compare their parameters bivariantly, so a narrowed parameter would pass: both copies turn
 *   every method into a property of function type, whose parameters compare strictly;
 * - `{ a: string; b?: string }` and `{ a: string }` are assignable both ways: `Strict<T>` makes every
 *   property required at every depth (functions excepted), so a key added or removed anywhere shows.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  types: ["node"],
};

/**
 * The declaration files under `root` that the given entry declaration files reach (relative to `root`), and
 * the program that found them (a later program reuses its parsed dependencies).
 */
export function reachableDeclarations(
  root: string,
  entries: readonly string[],
  reuse?: ts.Program,
): { files: string[]; program: ts.Program } {
  const program = ts.createProgram(
    entries.map((e) => path.join(root, e)),
    COMPILER_OPTIONS,
    undefined,
    reuse,
  );
  const prefix = `${path.resolve(root)}${path.sep}`;
  const files = program
    .getSourceFiles()
    .map((f) => path.resolve(f.fileName))
    .filter((f) => f.startsWith(prefix) && !f.includes(`${path.sep}node_modules${path.sep}`))
    .map((f) => path.relative(root, f).split(path.sep).join("/"))
    .sort();
  return { files, program };
}

const hidden = (member: ts.ClassElement): boolean =>
  (member.name !== undefined && ts.isPrivateIdentifier(member.name)) ||
  (ts.canHaveModifiers(member) &&
    (ts.getModifiers(member) ?? []).some(
      (m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword,
    ));

type Method = ts.MethodDeclaration | ts.MethodSignature;

const isStatic = (member: ts.Node): boolean =>
  ts.canHaveModifiers(member) && (ts.getModifiers(member) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);

/** `m<T>(a: A): R;` (and its overloads) as `m: { <T>(a: A): R; ... }`, in the place of the first overload. */
function methodsAsProperties<T extends ts.ClassElement | ts.TypeElement>(
  members: readonly T[],
  f: ts.NodeFactory,
): T[] {
  const isMethod = (m: ts.Node): m is Method => ts.isMethodDeclaration(m) || ts.isMethodSignature(m);
  const keyOf = (m: Method) => `${isStatic(m) ? "static " : ""}${m.name.getText()}`;
  const overloads = new Map<string, Method[]>();
  for (const member of members) {
    if (isMethod(member)) overloads.set(keyOf(member), [...(overloads.get(keyOf(member)) ?? []), member]);
  }
  return members.flatMap((member): T[] => {
    if (!isMethod(member)) return [member];
    const group = overloads.get(keyOf(member)) ?? [member];
    if (group[0] !== member) return [];
    const type = f.createTypeLiteralNode(
      group.map((m) =>
        f.createCallSignature(
          m.typeParameters,
          m.parameters,
          m.type ?? f.createKeywordTypeNode(ts.SyntaxKind.AnyKeyword),
        ),
      ),
    );
    if (ts.isMethodSignature(member)) {
      return [f.createPropertySignature(undefined, member.name, member.questionToken, type) as unknown as T];
    }
    const modifiers = isStatic(member) ? [f.createModifier(ts.SyntaxKind.StaticKeyword)] : undefined;
    return [f.createPropertyDeclaration(modifiers, member.name, member.questionToken, type, undefined) as unknown as T];
  });
}

/** A declaration file with private and protected class members removed and methods made properties. */
export function comparable(text: string, fileName: string): string {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const transformer: ts.TransformerFactory<ts.SourceFile> = (context) => {
    const f = context.factory;
    const rewrite = <T extends ts.ClassElement | ts.TypeElement>(members: readonly T[]): T[] =>
      methodsAsProperties(members, f).map((m) => ts.visitEachChild(m, visit, context));
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isClassDeclaration(node)) {
        const { modifiers, name, typeParameters, heritageClauses } = node;
        const members = rewrite(node.members.filter((m) => !hidden(m)));
        return f.updateClassDeclaration(node, modifiers, name, typeParameters, heritageClauses, members);
      }
      if (ts.isInterfaceDeclaration(node)) {
        const { modifiers, name, typeParameters, heritageClauses } = node;
        return f.updateInterfaceDeclaration(
          node,
          modifiers,
          name,
          typeParameters,
          heritageClauses,
          rewrite(node.members),
        );
      }
      if (ts.isTypeLiteralNode(node)) return f.updateTypeLiteralNode(node, f.createNodeArray(rewrite(node.members)));
      return ts.visitEachChild(node, visit, context);
    };
    return (sf) => ts.visitNode(sf, visit) as ts.SourceFile;
  };
  const result = ts.transform(source, [transformer]);
  const printed = ts.createPrinter().printFile(result.transformed[0] as ts.SourceFile);
  result.dispose();
  return printed;
}

/** Copies `files` (relative) from `from` to `to`, made comparable. */
export function writeComparable(from: string, to: string, files: readonly string[]): void {
  for (const rel of files) {
    const target = path.join(to, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, comparable(fs.readFileSync(path.join(from, rel), "utf8"), rel));
  }
}

export interface TypeEntry {
  /** The import specifier a user writes: `pulumi-romulus`, `pulumi-romulus/client`, ... */
  specifier: string;
  /** The declaration file, relative to the package root, without `.d.ts`: `dist/client/index`. */
  file: string;
}

interface ModuleExports {
  /** `export =` module: compared as a whole. */
  exportEquals: boolean;
  names: Map<
    string,
    { value: boolean; type: boolean; typeParameters: string | undefined; callable: boolean; constructable: boolean }
  >;
}

function moduleExports(checker: ts.TypeChecker, source: ts.SourceFile): ModuleExports {
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return { exportEquals: false, names: new Map() };
  if (moduleSymbol.exports?.has("export=" as ts.__String)) return { exportEquals: true, names: new Map() };
  const names: ModuleExports["names"] = new Map();
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const value = (symbol.flags & ts.SymbolFlags.Value) !== 0;
    const type = (symbol.flags & ts.SymbolFlags.Type) !== 0;
    const generic = symbol.declarations?.find(
      (d): d is ts.ClassDeclaration | ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
        (ts.isClassDeclaration(d) || ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d)) &&
        (d.typeParameters?.length ?? 0) > 0,
    );
    const valueType = value ? checker.getTypeOfSymbol(symbol) : undefined;
    names.set(exported.name, {
      value,
      type,
      typeParameters: generic?.typeParameters?.map((p) => p.getText()).join(", "),
      callable: (valueType?.getCallSignatures().length ?? 0) > 0,
      constructable: (valueType?.getConstructSignatures().length ?? 0) > 0,
    });
  }
  return { exportEquals: false, names };
}

/** One check in the generated file: what it compares, for the failure message. */
interface Check {
  line: number;
  label: string;
}

export interface Comparison {
  /** Per entry point, the frozen names it no longer exports and the names it exports in addition. */
  names: Record<string, { missing: string[]; added: string[] }>;
  /** Each comparison of an export present in both that failed, in words. */
  failures: string[];
}

/**
 * Compares the exports of every entry point in `<dir>/old` with the same entry point in `<dir>/new`: names,
 * then, for the names in both, a generated `<dir>/check.ts` that assigns each frozen export to the current
 * one and back, compiled.
 */
export function compareDeclarations(
  dir: string,
  entries: readonly { old: TypeEntry; now: TypeEntry }[],
  reuse?: ts.Program,
): Comparison {
  const fileOf = (side: "old" | "new", entry: TypeEntry) => path.join(dir, side, `${entry.file}.d.ts`);
  const bothSides = ts.createProgram(
    entries.flatMap((e) => [fileOf("old", e.old), fileOf("new", e.now)]),
    COMPILER_OPTIONS,
    undefined,
    reuse,
  );
  const checker = bothSides.getTypeChecker();
  const exportsOf = (side: "old" | "new", entry: TypeEntry): ModuleExports => {
    const source = bothSides.getSourceFile(fileOf(side, entry));
    if (!source) throw new Error(`${entry.specifier}: no declaration file ${entry.file}.d.ts (${side})`);
    return moduleExports(checker, source);
  };
  const names: Comparison["names"] = {};
  const lines: string[] = [
    "// Generated by test/api/declarations.ts: each block assigns the frozen export to the current one and back.",
    "type Fn = (...args: never) => unknown;",
    // zod's schema types are the same library on both sides, and large: compared by assignability only.
    "type Strict<T> = T extends Fn | { _zod: unknown } ? T : T extends object ? { [K in keyof T]-?: Strict<T[K]> } : T;",
  ];
  const checks: Check[] = [];
  const add = (label: string, text: string): void => {
    checks.push({ line: lines.length, label });
    lines.push(text);
  };
  let n = 0;
  entries.forEach(({ old, now }, i) => {
    lines.push(`import O${i} = require("./old/${old.file}");`, `import N${i} = require("./new/${now.file}");`);
    const exported = exportsOf("old", old);
    const current = exportsOf("new", now);
    const nameList = (e: ModuleExports) => (e.exportEquals ? ["export ="] : [...e.names.keys()]);
    names[old.specifier] = {
      missing: nameList(exported).filter((n) => !nameList(current).includes(n)),
      added: nameList(current).filter((n) => !nameList(exported).includes(n)),
    };
    const where = (name: string, aspect: string) => `entry "${old.specifier}", export ${name}: ${aspect}`;
    /**
     * `A` and `B` assignable both ways, and their Strict forms unless `shallow`, inside `<generics>` when
     * given. A value's type is compared shallow: its deep keys are those of its constructor's instance type,
     * its parameters and its return type, each compared in full, and a constant's value is in runtime.json.
     */
    const both = (label: string, a: string, b: string, generics?: string, shallow = false): void => {
      const open = generics ? `function check${n}<${generics}>() {` : "{";
      lines.push(open);
      const forms: (readonly [string, string, string])[] = [["", a, b]];
      if (!shallow) forms.push([", keys at every depth", `Strict<${a}>`, `Strict<${b}>`]);
      for (const [how, x, y] of forms) {
        add(
          `${label}${how} (frozen -> current)`,
          `  { const x${n} = null as unknown as ${x}; const y${n}: ${y} = x${n}; void y${n}; }`,
        );
        n += 1;
        add(
          `${label}${how} (current -> frozen)`,
          `  { const x${n} = null as unknown as ${y}; const y${n}: ${x} = x${n}; void y${n}; }`,
        );
        n += 1;
      }
      lines.push("}");
    };
    if (exported.exportEquals) {
      both(where("export =", "type of the module"), `typeof O${i}`, `typeof N${i}`);
      return;
    }
    for (const [name, info] of exported.names) {
      if (!current.names.has(name)) continue;
      const o = `O${i}.${name}`;
      const c = `N${i}.${name}`;
      if (info.value) {
        both(where(name, "value"), `typeof ${o}`, `typeof ${c}`, undefined, true);
        if (info.callable) both(where(name, "parameters"), `Parameters<typeof ${o}>`, `Parameters<typeof ${c}>`);
        if (info.callable) both(where(name, "return type"), `ReturnType<typeof ${o}>`, `ReturnType<typeof ${c}>`);
        if (info.constructable) {
          both(
            where(name, "constructor parameters"),
            `ConstructorParameters<typeof ${o}>`,
            `ConstructorParameters<typeof ${c}>`,
          );
        }
      }
      if (info.type) {
        const params = info.typeParameters;
        const args = params
          ? `<${params
              .split(",")
              .map((p) => p.trim().split(/\s|=/)[0])
              .join(", ")}>`
          : "";
        both(where(name, params ? `type<${params}>` : "type"), `${o}${args}`, `${c}${args}`, params);
      }
    }
  });
  const file = path.join(dir, "check.ts");
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  const program = ts.createProgram([file], COMPILER_OPTIONS, undefined, bothSides);
  const checked = program.getSourceFile(file);
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...(checked ? [...program.getSyntacticDiagnostics(checked), ...program.getSemanticDiagnostics(checked)] : []),
  ];
  if (checks.length === 0) return { names, failures: ["no export was compared"] };
  const failures = diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n").slice(0, 6).join("\n    ");
    if (!d.file || d.start === undefined) return `TS${d.code}: ${message}`;
    const line = d.file.getLineAndCharacterOfPosition(d.start).line;
    const check = checks.find((c) => c.line === line);
    return `${check?.label ?? `check.ts line ${line + 1}`}\n    TS${d.code}: ${message}`;
  });
  return { names, failures };
}
