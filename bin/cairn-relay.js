#!/usr/bin/env node
// cairn-relay: the self-hostable relay. Built to dist/ by `npm run build` (npm's `prepare` runs it).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`cairn-relay needs Node >= 22.12 (this is ${process.versions.node}); better-sqlite3 crashes on older Node.\n`);
  process.exit(1);
}
let cli;
try {
  cli = await import('../dist/relay/cli.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/relay/cli.js')) {
    process.stderr.write('cairn-relay is not built: run `npm run build:node` (npm install does it through prepare).\n');
    process.exit(1);
  }
  throw error;
}
await cli.main(process.argv.slice(2));
