// Stops `npm start`, `npm test` and `npm run simulators` at once on a Node too old to run the
// TypeScript sources (type stripping) and undici, with one line saying what to do. The
// minimum is read from package.json "engines" (the one place it is written); this file is
// plain CommonJS so that an old Node can run it.
'use strict';
const path = require('node:path');
const range = require(path.join(__dirname, '..', 'package.json')).engines.node;
const wanted = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(range);
const need = [Number(wanted[1]), Number(wanted[2]), Number(wanted[3] || 0)];
const have = process.versions.node.split('.').map(Number);
const at = have.findIndex((part, i) => part !== need[i]);

if (at !== -1 && have[at] < need[at]) {
  console.error(
    `carrier-gateway needs Node ${need[0]}.${need[1]} or newer, this is ${process.version}: ` +
      'install Node 24 LTS (`nvm install` here reads .nvmrc, or https://nodejs.org/en/download)',
  );
  process.exit(1);
}
