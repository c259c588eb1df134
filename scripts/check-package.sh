#!/usr/bin/env bash
# Installs latent-ts the way a user does and uses it: `npm pack`, install the tarball into a new
# project (the two runtime dependencies come from the registry), then run the README's quick
# start verbatim (ESM), a require() smoke test (CJS) from another directory, the CLI through its
# bin, `tsc --noEmit` of a strict TypeScript file under node16-CommonJS and bundler resolution,
# the built-in digits in a browser bundle (esbuild + headless Chromium, when Chromium exists),
# and the packaging linters publint and attw. Needs a build (`npm run build`) first. Prints the
# tarball size, the installed footprint and the time of each step.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
HERE="$REPO/scripts/package-check"
BIN="$REPO/node_modules/.bin"
MAX_INSTALLED_KB=10240   # the package may add at most ~10 MB to node_modules

[ -f dist/index.js ] || { echo "check-package: dist/ is missing; run npm run build first" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/latent-ts-package-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
PROJ="$WORK/project"
START=$SECONDS
step() { echo "--- [$((SECONDS - START)) s] $*"; }
fail() { echo "check-package: $*" >&2; exit 1; }

step "npm pack"
PACK_JSON="$(npm pack --json --silent --pack-destination "$WORK")"
TARBALL="$WORK/$(node -e 'console.log(JSON.parse(process.argv[1])[0].filename)' "$PACK_JSON")"
node -e '
  const [info] = JSON.parse(process.argv[1]);
  const files = info.files.map((f) => f.path);
  console.log(`tarball ${(info.size / 1024).toFixed(0)} kB, unpacked ${(info.unpackedSize / 1024).toFixed(0)} kB, ${info.entryCount} files: ${files.join(", ")}`);
  const bad = [];
  for (const need of ["LICENSE", "DATA-LICENSE.md", "README.md", "package.json", "dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts", "dist/cli.js", "dist/digits-data.js"]) {
    if (!files.includes(need)) bad.push(`missing ${need}`);
  }
  for (const f of files) if (f.endsWith(".map")) bad.push(`source map ${f}`);
  if (bad.length) { console.error(`check-package: tarball: ${bad.join("; ")}`); process.exit(1); }
' "$PACK_JSON"
# The CLI imports the library (a chunk shared with dist/index.js) rather than bundling a copy.
grep -q "from './chunk-" dist/cli.js || fail "dist/cli.js does not import the library's chunk"
! grep -q "Tensor = class" dist/cli.js || fail "dist/cli.js bundles its own copy of the library"

step "publint, attw"
"$BIN/publint" run "$TARBALL" --strict
"$BIN/attw" "$TARBALL" --no-definitely-typed --format table-flipped

step "install the tarball into a new project"
mkdir -p "$PROJ" "$WORK/elsewhere"
# No "type": "module": a CommonJS project, as `npm init -y` makes; the quick start runs as .mjs.
printf '{ "name": "latent-ts-consumer", "version": "1.0.0", "private": true }\n' > "$PROJ/package.json"
(cd "$PROJ" && npm install --no-audit --no-fund --prefer-offline --loglevel=error "$TARBALL")
INSTALLED_KB=$(du -sk --apparent-size "$PROJ/node_modules/latent-ts" | cut -f1)
echo "node_modules: $(du -sk --apparent-size "$PROJ/node_modules" | cut -f1) kB in all, latent-ts $INSTALLED_KB kB (deps: $(ls "$PROJ/node_modules" | grep -v '^\.' | tr '\n' ' '))"
[ "$INSTALLED_KB" -le "$MAX_INSTALLED_KB" ] || fail "latent-ts takes $INSTALLED_KB kB in node_modules, more than $MAX_INSTALLED_KB"
cp "$HERE"/{smoke.cjs,types-check.ts,tsconfig.node16-cjs.json,tsconfig.bundler.json,node-digest.mjs,browser-entry.js} "$PROJ/"

step "tsc --noEmit: node16 CommonJS and bundler resolution"
(cd "$PROJ" && "$BIN/tsc" -p tsconfig.node16-cjs.json && "$BIN/tsc" -p tsconfig.bundler.json)

step "require() (CJS) from another directory, and the CLI's bin"
(cd "$WORK/elsewhere" && node "$PROJ/smoke.cjs")
(cd "$PROJ" && npx --no-install latent-ts --help | head -1)

step "the installed CLI's quick demo on two threads (its 2-D autoencoder trains on a worker thread)"
(cd "$PROJ" && LATENT_TS_THREADS=2 npx --no-install latent-ts demo --quick --out "$WORK/demo" 2>"$WORK/demo.log" >/dev/null) || { tail -5 "$WORK/demo.log"; fail "the installed CLI's quick demo failed"; }
grep -q "AE-2: done in" "$WORK/demo.log" || fail "the installed CLI's quick demo did not train AE-2"
[ -s "$WORK/demo/ae-2.safetensors" ] || fail "the installed CLI's quick demo wrote no ae-2.safetensors"

step "README quick start (ESM), verbatim"
node "$HERE/extract-quickstart.mjs" README.md > "$PROJ/quickstart.mjs"
(cd "$PROJ" && node quickstart.mjs)

step "built-in digits in a browser bundle"
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  "$BIN/esbuild" "$PROJ/browser-entry.js" --bundle --platform=browser --format=iife --outfile="$WORK/bundle.js" --log-level=warning
  echo "browser bundle: $(($(stat -c %s "$WORK/bundle.js") / 1024)) kB"
  NODE_DIGEST="$(cd "$PROJ" && node node-digest.mjs)"
  BROWSER_DIGEST="$(node "$HERE/browser-run.mjs" "$WORK/bundle.js")"
  [ "$NODE_DIGEST" = "$BROWSER_DIGEST" ] || fail "digits in the browser differ from Node's: $BROWSER_DIGEST vs $NODE_DIGEST"
  echo "browser digits = Node digits: $BROWSER_DIGEST"
else
  echo "warning: no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium}; the browser bundle check is skipped"
fi

step "package check passed"
