#!/bin/sh
# `npm ci`, tolerating one known npm >= 11 refusal: a lockfile that does not list other
# platforms' optional binaries (npm/cli#8320). A registry mirror that lacks some of those
# binaries (as this project's build machines have) cannot produce a lockfile that lists them,
# while npm 10's `ci` installs exactly the same locked tree and still refuses a lockfile that
# is really out of sync with package.json. Any other failure is fatal.
set -eu
log="$(mktemp)"
if npm ci "$@" 2>"$log"; then rm -f "$log"; exit 0; fi
if grep -q 'code EUSAGE' "$log" && grep -q 'Missing: .* from lock file' "$log"; then
  rm -f "$log"
  echo "npm ci: the lockfile lacks other platforms' optional binaries; installing the same locked tree with npm 10's ci" >&2
  exec npx -y npm@10 ci "$@"
fi
cat "$log" >&2
rm -f "$log"
exit 1
