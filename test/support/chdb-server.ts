/**
 * A private chDB server (infra/local/chdb/server.py) on a free port with its own data dir and users
 * file, for tests that need users the shared stack does not have, or the current server code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVER = join(ROOT, 'infra/local/chdb/server.py');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function python(): string {
  if (process.env.CHDB_PYTHON) return process.env.CHDB_PYTHON;
  // The stack's venv once its install has completed (it writes .stamp last), else python3 on PATH.
  return existsSync(join(ROOT, '.stack/venv/.stamp')) ? join(ROOT, '.stack/venv/bin/python') : 'python3';
}

export async function startChdb(port: number, dataDir: string, usersFile: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(python(), [SERVER, '--host', '127.0.0.1', '--port', String(port), '--data', dataDir, '--users', usersFile, ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`chDB server exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ping`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`chDB server did not answer /ping within 60s: ${stderr}`);
}

export async function stopChdb(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}
