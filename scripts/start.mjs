// `npm start`: builds the browser demo (index.html, src/web/) and serves it on localhost, printing
// its URL. Open it in Chrome or Edge 113+ (on Linux with WebGPU enabled; the page says how).
// Options: --port N (default 5173), --host (listen on every interface, not only localhost).
import { ensureNodeModules, ROOT } from './setup.mjs';

try {
  ensureNodeModules();
} catch (error) {
  console.error(`wgym: ${error.message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const portIndex = args.indexOf('--port');
const port = portIndex >= 0 ? Number(args[portIndex + 1]) : 5173;
const host = args.includes('--host') ? '0.0.0.0' : 'localhost';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`wgym: --port takes a port number, got '${args[portIndex + 1]}'`);
  process.exit(2);
}

const { build, preview } = await import('vite');
console.log('wgym: building the demo (vite build)');
await build({ root: ROOT, logLevel: 'warn' });
const server = await preview({ root: ROOT, preview: { port, host, strictPort: false, open: false } });
const urls = server.resolvedUrls;
const url = urls?.local[0] ?? `http://localhost:${port}/`;
console.log(`wgym: the demo is at ${url}`);
for (const other of urls?.network ?? []) console.log(`wgym: on the network: ${other}`);
console.log('wgym: WebGPU needs a secure context: use localhost (or https). Ctrl+C stops the server.');
