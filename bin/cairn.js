#!/usr/bin/env node
// cairn: the device CLI (always-on device, scripting). Built to dist/ by `npm run build` (npm's `prepare` runs it).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`cairn needs Node >= 22.12 (this is ${process.versions.node}); better-sqlite3 crashes on older Node.\n`);
  process.exit(1);
}
let cli;
try {
  cli = await import('../dist/src/cli/main.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli/main.js')) {
    process.stderr.write('cairn is not built: run `npm run build:node` (npm install does it through prepare).\n');
    process.exit(1);
  }
  throw error;
}
// Exit explicitly: a finished command must not linger on a handle (the output is already flushed).
process.exit(await cli.main(process.argv.slice(2)));
