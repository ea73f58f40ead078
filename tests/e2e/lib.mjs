// Shared helpers for the end-to-end tests: start the fixture site and cinder
// on free loopback ports, talk to them, stop them.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CINDER_BIN = process.env.CINDER_BIN || path.join(root, 'build/cinder');
export const SITE_BIN = process.env.SITE_BIN || path.join(root, 'build/fixture-site');

// Every child a test starts is tracked and killed when the test process exits, whatever state
// the test left it in: a failed assertion in an after() hook must not leave a server holding
// the process open (the runner is started with --test-force-exit, so 'exit' always comes), and
// the data directories made by dataDir() are removed.
const children = new Set();
const dirs = new Set();
export function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
// The runner ends a file that overran --test-timeout with SIGTERM: exit, so the above runs.
process.on('SIGTERM', () => process.exit(143));

// Waits until `pattern` appears on the child's stream; resolves with the match.
function waitFor(child, stream, pattern, what, timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${seen}`)), timeoutMs);
    const onData = (chunk) => {
      seen += chunk.toString();
      const m = seen.match(pattern);
      if (m) {
        clearTimeout(timer);
        stream.off('data', onData);
        resolve(m);
      }
    };
    stream.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${seen}`));
    });
  });
}

export async function startSite() {
  const child = track(spawn(SITE_BIN, ['--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const m = await waitFor(child, child.stdout, /listening on (\d+)/, 'fixture site');
  const port = Number(m[1]);
  return {
    child,
    port,
    url: (p) => `http://127.0.0.1:${port}${p}`,
    stats: async () => (await fetch(`http://127.0.0.1:${port}/_stats`)).json(),
    reset: async () => fetch(`http://127.0.0.1:${port}/_reset`, { method: 'POST' }),
    stop: () => stopChild(child),
  };
}

export async function startCinder(extraArgs = [], env = {}, dataDir = undefined) {
  const data = dataDir || mkdtempSync(path.join(tmpdir(), 'cinder-e2e-'));
  const args = ['serve', '--port', '0', '--data', data, ...extraArgs];
  const child = track(spawn(CINDER_BIN, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  }));
  let log = '';
  let stopping = false;
  child.stderr.on('data', (c) => { log += c.toString(); });
  child.on('exit', (code, signal) => {
    if (!stopping) // died on its own: show why (sanitizer reports, aborts)
      process.stderr.write(`cinder exited unexpectedly (${code ?? signal}); its log:\n${log.slice(-20000)}\n`);
  });
  // SIGTERM, keeping the data directory; a code other than 0 shows the log
  const term = async () => {
    stopping = true;
    const code = await stopChild(child);
    if (code !== 0) process.stderr.write(`cinder stopped with ${code}; its log:\n${log.slice(-20000)}\n`);
    return code;
  };
  const m = await waitFor(child, child.stderr, /listening on http:\/\/[^:]+:(\d+)/, 'cinder');
  const port = Number(m[1]);
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    port,
    base,
    data,
    log: () => log,
    post: (p, body, headers = {}) => request(base + p, 'POST', body, headers),
    get: (p, headers = {}) => request(base + p, 'GET', undefined, headers),
    delete: (p, headers = {}) => request(base + p, 'DELETE', undefined, headers),
    stop: async () => {
      const code = await term();
      rmSync(data, { recursive: true, force: true });
      return code;
    },
    kill9: () => new Promise((resolve) => { stopping = true; child.on('exit', resolve); child.kill('SIGKILL'); }),
    term,
  };
}

export async function request(url, method, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    init.headers['content-type'] ??= 'application/json';
  }
  const t0 = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json, ms: performance.now() - t0 };
}

export function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => {
      process.stderr.write(`pid ${child.pid} still running 10 s after SIGTERM: SIGKILL\n`);
      child.kill('SIGKILL');
    }, 10000);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve(code ?? signal); });
    child.kill('SIGTERM');
  });
}

export function threadsOf(pid) {
  // Linux: the Threads: line of /proc/PID/status
  return import('node:fs').then(({ readFileSync }) => {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Threads:\s+(\d+)/m);
    return m ? Number(m[1]) : -1;
  });
}

// Runs `cinder keys ARGS...` on a data directory; returns {status, stdout, stderr}.
export async function cinderKeys(data, args) {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(CINDER_BIN, ['keys', ...args, '--data', data], { encoding: 'utf8', timeout: 30000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Creates a key for team (extra: ['--credits', 'N', '--rate', 'N/min']); returns the key.
export async function makeKey(data, team, extra = []) {
  const r = await cinderKeys(data, ['create', '--team', team, ...extra]);
  if (r.status !== 0) throw new Error(`cinder keys create failed: ${r.stderr}`);
  return r.stdout.trim();
}

// A fresh data directory, removed when the test process exits.
export function dataDir() {
  const d = mkdtempSync(path.join(tmpdir(), 'cinder-e2e-'));
  dirs.add(d);
  return d;
}
