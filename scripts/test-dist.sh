#!/usr/bin/env bash
# make test-dist: installs the artifacts of dist/ as a user would, outside the checkout, and
# runs the README's examples against them.
#
#   scripts/test-dist.sh DIST_DIR VERSION
#
# - the crates: `cargo package --list` names the licence files;
# - the wheel, into a fresh venv, with no cargo or rustc on PATH: check_install.py, the README's
#   Python blocks, and its Django app (Django from PyPI);
# - the sdist, into a fresh venv through pip, which builds it with Rust (a user without a wheel
#   for their platform needs Rust too); its build directory is kept under CARGO_TARGET/dist-sdist
#   and the sdist unpacked at the same place each time, so that a rerun compiles only what
#   changed; then check_install.py and the README's Python blocks;
# - the two npm tarballs, into a fresh npm project, with no cargo or rustc on PATH: the README's
#   JS blocks through require and import, its Express route on loopback, and a strict
#   TypeScript check of tests/node/types in both module systems; and `smtpcodes` alone, whose
#   import must fail with the error that names the missing platform package.
set -euo pipefail

dist=$1
version=$2
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
cargo_target=${CARGO_TARGET:-$root/target}
# One work directory per checkout, outside it, kept between runs (only the sdist's build uses that).
work=${TMPDIR:-/tmp}/smtpcodes-test-dist-$(printf %s "$root" | sha1sum | cut -c1-12)
mkdir -p "$work"
started=$SECONDS

say() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - started))"; }

one() { # the one file that matches, or fail
	local matches=("$@")
	if [[ ${#matches[@]} -ne 1 || ! -f ${matches[0]} ]]; then
		echo "test-dist: expected one file, found: ${matches[*]}" >&2
		exit 1
	fi
	printf '%s' "${matches[0]}"
}
shopt -s nullglob
wheel=$(one "$dist"/smtpcodes-"$version"-cp310-abi3-*manylinux*_x86_64*.whl)
sdist=$(one "$dist/smtpcodes-$version.tar.gz")
npm_main=$(one "$dist/smtpcodes-$version.tgz")
npm_platform=$(one "$dist/smtpcodes-linux-x64-gnu-$version.tgz")
shopt -u nullglob

# PATH without any directory that holds cargo, rustc or rustup.
norust=
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
	[[ -z $d || -e $d/cargo || -e $d/rustc || -e $d/rustup ]] && continue
	norust+=${norust:+:}$d
done
if PATH=$norust command -v cargo >/dev/null || PATH=$norust command -v rustc >/dev/null; then
	echo "test-dist: could not take cargo and rustc off PATH" >&2
	exit 1
fi

fresh_venv() {
	rm -rf "$1"
	"$python" -m venv "$1"
}
pip_quiet=(--quiet --disable-pip-version-check)

cd "$work"

say "crates: what cargo package would upload"
for crate in smtpcodes smtpcodes-cli; do
	listed=$(cd "$root" && cargo package --list --locked --allow-dirty -p "$crate")
	for want in LICENSE-MIT LICENSE-APACHE README.md Cargo.toml; do
		grep -qx "$want" <<<"$listed" || { echo "test-dist: the $crate crate lacks $want" >&2; exit 1; }
	done
	echo "$crate: $(wc -l <<<"$listed") files, with LICENSE-MIT and LICENSE-APACHE"
done

say "wheel $(basename "$wheel"): fresh venv, no Rust on PATH"
fresh_venv "$work/wheel-venv"
(
	export PATH="$work/wheel-venv/bin:$norust"
	python -m pip install "${pip_quiet[@]}" --no-index "$wheel"
	python -W error "$root/bindings-python/check_install.py"
	python -W error "$root/scripts/readme_python.py" "$root/README.md"
	# The README's Django app, with Django as its users install it.
	python -m pip install "${pip_quiet[@]}" --only-binary :all: "django>=5.2,<6"
	rm -rf "$work/django"
	mkdir -p "$work/django"
	(cd "$work/django" && python -W error "$root/tests/python/django_harness.py" "$root/README.md" "$work/django")
)

say "sdist $(basename "$sdist"): fresh venv, pip builds it with Rust"
rm -rf "$work/sdist-src"
mkdir -p "$work/sdist-src"
tar -xzf "$sdist" -C "$work/sdist-src"
# The sdist's files all carry one fixed time, so cargo would take a changed build script (or
# any changed source) for the one its kept build directory compiled before: give them the time
# of unpacking instead. Only this project's crates are rebuilt; their dependencies stay built.
find "$work/sdist-src" -type f -exec touch {} +
fresh_venv "$work/sdist-venv"
(
	cd "$work/sdist-src/smtpcodes-$version"
	CARGO_TARGET_DIR=$cargo_target/dist-sdist "$work/sdist-venv/bin/python" -m pip install "${pip_quiet[@]}" .
)
(
	export PATH="$work/sdist-venv/bin:$norust"
	python -W error "$root/bindings-python/check_install.py"
	python -W error "$root/scripts/readme_python.py" "$root/README.md"
)

say "npm $(basename "$npm_main") + $(basename "$npm_platform"): fresh project, no Rust on PATH"
lock_version() { node -p "require('$root/package-lock.json').packages['node_modules/$1'].version"; }
project=$work/npm-project
rm -rf "$project"
mkdir -p "$project/types"
printf '{ "name": "readme-examples", "version": "1.0.0", "private": true }\n' >"$project/package.json"
cp "$root"/tests/node/types/{tsconfig.json,usage.cts,usage.mts} "$project/types/"
(
	export PATH=$norust
	cd "$project"
	npm install --no-audit --no-fund --loglevel=error "$npm_main" "$npm_platform" \
		"typescript@$(lock_version typescript)" "express@$(lock_version express)"
	# The platform package is the one the loader found, and it needs no glibc newer than 2.17.
	node -e "
		const s = require('smtpcodes'), fs = require('fs')
		const p = require.resolve('smtpcodes-linux-x64-gnu')
		if (!p.startsWith(process.cwd() + '/node_modules/')) throw new Error('addon from ' + p)
		if (s.version() !== '$version') throw new Error('version ' + s.version())
		console.log('loaded', p)"
	addon=$(node -p "require.resolve('smtpcodes-linux-x64-gnu')")
	newest=$(objdump -T "$addon" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
	echo "$addon needs $newest at most"
	[[ $(printf '%s\nGLIBC_2.17\n' "$newest" | sort -V | tail -n 1) == GLIBC_2.17 ]] || {
		echo "test-dist: the addon needs $newest, newer than manylinux2014's glibc 2.17" >&2
		exit 1
	}
	node "$root/scripts/readme-js.js" "$project"
	node node_modules/typescript/bin/tsc -p types/tsconfig.json
	echo "tsc: types/usage.cts (require) and types/usage.mts (import) check"
)

say "npm $(basename "$npm_main") alone: the error for a missing platform package"
alone=$work/npm-alone
rm -rf "$alone"
mkdir -p "$alone"
printf '{ "name": "no-addon", "version": "1.0.0", "private": true }\n' >"$alone/package.json"
(
	export PATH=$norust
	cd "$alone"
	npm install --no-audit --no-fund --loglevel=error --omit=optional "$npm_main"
	if node -e "require('smtpcodes')" 2>"$alone/error.txt"; then
		echo "test-dist: require('smtpcodes') worked without its platform package" >&2
		exit 1
	fi
	cat "$alone/error.txt"
	for want in 'linux-x64-gnu' "smtpcodes-linux-x64-gnu@$version" 'npm run build' 'ERR_SMTPCODES_NATIVE_MISSING'; do
		grep -qF -- "$want" "$alone/error.txt" || { echo "test-dist: the error does not say $want" >&2; exit 1; }
	done
	if grep -qiE 'npm has a bug|npm/cli/issues' "$alone/error.txt"; then
		echo "test-dist: the error blames npm" >&2
		exit 1
	fi
	node --input-type=module -e "import('smtpcodes').then(() => process.exit(1), (e) => process.exit(e.code === 'ERR_SMTPCODES_NATIVE_MISSING' ? 0 : 1))"
)

say "test-dist: the wheel, the sdist and the npm packages installed and ran the README's examples"
echo "5 passed, 0 failed"
