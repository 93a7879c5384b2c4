// Packs the CommonJS module graph of an installed package (and of the packages it requires) into one JavaScript
// file, each module's source verbatim inside the function wrapper Node itself puts around it, so a process loads one
// file instead of dozens (each module file costs Node a resolution, a realpath, a read and a cache lookup). Plain
// JavaScript: scripts/fresh-build.js runs it before anything is compiled.
//
// The pack runs exactly the installed code: it records the version of every package it holds, and the validator
// uses it only when those are the versions installed now (found the way Node finds them); otherwise the package is
// required from node_modules as usual. (docs/decisions/0008-compiled-start-up.md)
//
// A pack is two files: <name>.js (the versions, the check, a CommonJS require over the packed modules) and
// <name>.modules.js (the modules). The second is compiled with a V8 code cache of its own, kept beside Node's
// compile cache (module.getCompileCacheDir(): only when the process turned that cache on, as bin/cxpact.js does) and
// written when the process exits, after the code ran: unlike Node's cache, which is taken when a file is compiled
// and so holds only the functions compiled eagerly, it also holds the functions compiled while the process ran (most
// of ajv's code generator), which the next start then does not compile again.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** The package a file belongs to: its name and root folder (the nearest package.json with a name, going up). */
function packageOf(file) {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      const json = JSON.parse(fs.readFileSync(pj, 'utf8'));
      if (typeof json.name === 'string') return { name: json.name, version: json.version, root: dir };
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${file}`);
  }
}

/** Literal require('...') / require("...") specifiers in a module's source (strings that look like one included). */
function requiresOf(source) {
  const out = new Set();
  for (const m of source.matchAll(/\brequire\(\s*(?:"([^"\n]+)"|'([^'\n]+)')\s*\)/g)) out.add(m[1] ?? m[2]);
  return [...out];
}

/**
 * Writes `out`: the module graph of `entry` (a package name, resolved from `fromDir`). Every literal require of a
 * module inside the graph maps to its packed copy; anything else (a Node builtin, a specifier that only appears in a
 * string) is left to Node's require at run time. `extras` ({ name: file }) are modules of the packing project itself
 * that require only modules of that graph (code generated from the packed package, say): packed too, under their
 * name, and left out (so loaded as usual) when they require anything else.
 */
function writeModulePack({ entry, fromDir, out, extras = {} }) {
  const entryFile = require.resolve(entry, { paths: [fromDir] });
  const ids = new Map();
  const modules = [];
  /** name -> { version, from: name of the package that requires it (undefined for the entry) } */
  const packages = new Map();
  const visit = (file, requiredFrom) => {
    if (ids.has(file)) return ids.get(file);
    const id = modules.length;
    ids.set(file, id);
    const pkg = packageOf(file);
    if (!packages.has(pkg.name)) packages.set(pkg.name, { version: pkg.version, from: requiredFrom });
    else if (packages.get(pkg.name).version !== pkg.version)
      throw new Error(`two versions of ${pkg.name} in the graph of ${entry}`);
    const record = {
      file: path.relative(pkg.root, file).split(path.sep).join('/'),
      pkg: pkg.name,
      source: fs.readFileSync(file, 'utf8'),
      deps: {},
    };
    modules.push(record);
    if (file.endsWith('.json')) return id;
    for (const spec of requiresOf(record.source)) {
      if (require('node:module').isBuiltin(spec)) continue;
      let target;
      try {
        target = require.resolve(spec, { paths: [path.dirname(file)] });
      } catch {
        continue; // not resolvable from here (a specifier in generated code, say): Node's require decides at run time
      }
      const targetPkg = packageOf(target).name;
      record.deps[spec] = visit(target, targetPkg === pkg.name ? requiredFrom : pkg.name);
    }
    return id;
  };
  visit(entryFile, undefined);
  const extraIds = {};
  for (const [name, file] of Object.entries(extras)) {
    const source = fs.readFileSync(file, 'utf8');
    const deps = {};
    let inGraph = true;
    for (const spec of requiresOf(source)) {
      if (require('node:module').isBuiltin(spec)) continue;
      let target;
      try {
        target = require.resolve(spec, { paths: [path.dirname(file)] });
      } catch {
        continue;
      }
      if (!ids.has(target)) inGraph = false;
      else deps[spec] = ids.get(target);
    }
    if (!inGraph) continue;
    extraIds[name] = modules.length;
    modules.push({ file: path.basename(file), pkg: name, source, deps });
  }
  const versions = Object.fromEntries(
    [...packages].map(([name, p]) => [name, { version: p.version, from: p.from ?? null }]),
  );
  const factories = modules.map((m) => {
    const body = m.file.endsWith('.json')
      ? `module.exports = JSON.parse(${JSON.stringify(m.source.replace(/^\uFEFF/, ''))});`
      : m.source.replace(/^#!.*/, '');
    return `// ${m.pkg}/${m.file}\n[function (exports, require, module, __filename, __dirname) {${body}\n}, ${JSON.stringify(m.deps)}, ${JSON.stringify(`${m.pkg}/${m.file}`)}]`;
  });
  const header = `// GENERATED by scripts/module-pack.js from the installed ${[...packages].map(([n, p]) => `${n} ${p.version}`).join(', ')}: do not edit.`;
  const modulesText = [
    header,
    '// Their sources, unchanged, under their own licenses (in each package). See scripts/module-pack.js.',
    `[\n${factories.join(',\n')}\n]`,
    '',
  ].join('\n');
  const modulesFile = out.replace(/\.js$/, '.modules.js');
  const text = [
    header,
    `'use strict';`,
    `const VERSIONS = ${JSON.stringify(versions)};`,
    `const MODULES_FILE = ${JSON.stringify(path.basename(modulesFile))};`,
    `const EXTRAS = ${JSON.stringify(extraIds)};`,
    `const MODULES_HASH = ${JSON.stringify(crypto.createHash('sha256').update(modulesText).digest('hex').slice(0, 16))};`,
    PACK_RUNTIME,
  ].join('\n');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  for (const [file, content] of [
    [modulesFile, modulesText],
    [out, text],
  ]) {
    fs.writeFileSync(`${file}.tmp`, content);
    fs.renameSync(`${file}.tmp`, file);
  }
  return { modules: modules.length, packages: versions, extras: Object.keys(extraIds) };
}

/** The part of a pack that runs: a CommonJS require over the packed modules, and the check of the versions. */
const PACK_RUNTIME = `
const nodePath = require('node:path');

/**
 * The packed modules, compiled with the pack's own V8 code cache when Node's compile cache is on (see
 * scripts/module-pack.js): read from it, and written at exit when it was missing or V8 refused it (another Node).
 */
function compileModules() {
  const fs = require('node:fs');
  const vm = require('node:vm');
  const file = nodePath.join(__dirname, MODULES_FILE);
  const dir = require('node:module').getCompileCacheDir?.();
  const cacheFile = dir === undefined ? undefined : nodePath.join(dir, 'cxpact-pack-' + MODULES_HASH);
  let cachedData;
  if (cacheFile !== undefined) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(fs.readFileSync(file, 'utf8'), { filename: file, cachedData });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => {
      try {
        const tmp = cacheFile + '.' + process.pid + '.tmp';
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        // a cache that cannot be written only costs the next start its compile time
      }
    });
  }
  return script.runInThisContext();
}

let MODULES;
let cache;
function load(id) {
  if (MODULES === undefined) {
    MODULES = compileModules();
    cache = new Array(MODULES.length);
  }
  if (cache[id] !== undefined) return cache[id].exports;
  const [factory, deps, name] = MODULES[id];
  const module = { id: name, exports: {}, loaded: false };
  cache[id] = module;
  // Where the module would be (no packed module reads it). Strings are joined by hand here and below: node:path's
  // normalizing, on top of the module loader's, makes V8 optimize it during start-up, which costs more than it saves.
  const filename = __dirname + '/node_modules/' + name;
  const local = (spec) => (Object.prototype.hasOwnProperty.call(deps, spec) ? load(deps[spec]) : require(spec));
  factory.call(module.exports, module.exports, local, module, filename, filename.slice(0, filename.lastIndexOf('/')));
  module.loaded = true;
  return module.exports;
}

/**
 * True when every packed package is installed in the packed version, each found from the package that requires it
 * (the entry from 'fromDir') as Node finds it: the nearest node_modules/<name> going up from the requiring
 * package's real folder. Anything unusual (NODE_PATH, a missing folder) answers false.
 */
function matchesInstalled(fromDir) {
  const fs = require('node:fs');
  const roots = {};
  const rootOf = (name) => {
    if (roots[name] !== undefined) return roots[name];
    const from = VERSIONS[name].from === null ? fromDir : rootOf(VERSIONS[name].from);
    if (from === undefined) return undefined;
    const sep = nodePath.sep;
    for (let dir = from; ; ) {
      if (!dir.endsWith(sep + 'node_modules')) {
        const root = (dir.endsWith(sep) ? dir : dir + sep) + 'node_modules' + sep + name;
        let text;
        try {
          text = fs.readFileSync(root + sep + 'package.json', 'utf8');
        } catch {
          text = undefined;
        }
        if (text !== undefined) {
          if (JSON.parse(text).version !== VERSIONS[name].version) return undefined;
          return (roots[name] = fs.realpathSync.native(root));
        }
      }
      const cut = dir.lastIndexOf(sep);
      if (cut < 0 || dir.length === cut + 1) return undefined; // the root (or a relative folder): not found
      dir = cut === 0 ? sep : dir.slice(0, cut);
    }
  };
  return Object.keys(VERSIONS).every((name) => rootOf(name) !== undefined);
}

/**
 * True when this pack runs in Node's main realm. The packed modules are compiled there (vm.Script#runInThisContext),
 * so code loaded in another realm (a vm context, as jest runs tests) would get objects of the main realm's Object,
 * Array, RegExp: ajv's deep equality tells such objects apart from its caller's. There, the packages are required as
 * usual.
 */
function inMainRealm() {
  return require('node:vm').runInThisContext('Object') === Object;
}

module.exports = {
  VERSIONS,
  matchesInstalled,
  /** True when the pack can stand for the installed packages here: the same versions, and Node's main realm. */
  usableFrom: (fromDir) => inMainRealm() && matchesInstalled(fromDir),
  /** The entry package's exports. */
  entry: () => load(0),
  /** An extra module's exports, or undefined when it was not packed. */
  extra: (name) => (Object.prototype.hasOwnProperty.call(EXTRAS, name) ? load(EXTRAS[name]) : undefined),
};
`;

module.exports = { writeModulePack };
