// Packs a package the way `pnpm publish` does (workspace: ranges replaced) and reads the tarball.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { run } from './exec.mjs';

/**
 * `pnpm pack` of `pkg` into a temp dir. Returns the tarball path, its bytes, the packed file list
 * (`{ path, size }`, paths without the `package/` prefix), the packed package.json and `dispose()`.
 */
export async function packPackage(pkg) {
  const dest = mkdtempSync(join(tmpdir(), 'codexus-pack-'));
  const { stdout } = await run('pnpm', ['pack', '--pack-destination', dest, '--json'], {
    cwd: pkg.dir,
    timeoutMs: 60_000,
  });
  const info = JSON.parse(stdout);
  const bytes = readFileSync(info.filename);
  const entries = readTarGz(bytes);
  const manifestEntry = entries.find((e) => e.path === 'package.json');
  return {
    tarball: info.filename,
    bytes,
    files: entries.map(({ path, size }) => ({ path, size })),
    entries,
    manifest: manifestEntry ? JSON.parse(manifestEntry.data.toString('utf8')) : undefined,
    dispose: () => rmSync(dest, { recursive: true, force: true }),
  };
}

/** The regular files of a gzipped (npm) tarball: `{ path, size, data }`, `package/` stripped. */
export function readTarGz(gz) {
  const buf = gunzipSync(gz);
  const out = [];
  let offset = 0;
  let longName;
  while (offset + 512 <= buf.length) {
    const header = buf.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const str = (a, n) =>
      header
        .subarray(a, a + n)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = Number.parseInt(str(124, 12).trim() || '0', 8);
    const type = str(156, 1) || '0';
    const prefix = str(345, 155);
    let name = longName ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    longName = undefined;
    const data = buf.subarray(offset + 512, offset + 512 + size);
    if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '\0') {
      name = name.replace(/^[^/]+\//, ''); // npm tarballs put everything under package/
      out.push({ path: name, size, data });
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
