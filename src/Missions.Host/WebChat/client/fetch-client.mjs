// Fetches the browser bundles listed in packages.json from the npm registry (npm pack), checks each tarball against
// its pinned integrity, and extracts only the listed files into lib/. Run by the host's build; does nothing when
// lib/ already matches packages.json.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const manifestText = readFileSync(join(here, 'packages.json'), 'utf8');
const { packages } = JSON.parse(manifestText);
const lib = join(here, 'lib');
const stamp = join(lib, '.stamp');
const wanted = createHash('sha256').update(manifestText).digest('hex');

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) {
  process.exit(0);
}

mkdirSync(lib, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'missions-webchat-'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
try {
  for (const pkg of packages) {
    const spec = `${pkg.name}@${pkg.version}`;
    const out = execFileSync(npm, ['pack', spec, '--json', '--silent', '--pack-destination', work], { encoding: 'utf8', shell: process.platform === 'win32' });
    const [{ filename }] = JSON.parse(out);
    const tarball = join(work, filename);
    const integrity = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
    if (integrity !== pkg.integrity) {
      throw new Error(`${spec}: integrity ${integrity} does not match the pinned ${pkg.integrity}`);
    }

    const extractTo = join(work, pkg.name);
    mkdirSync(extractTo, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', extractTo]);
    for (const [from, to] of Object.entries(pkg.files)) {
      copyFileSync(join(extractTo, from), join(lib, to));
    }

    console.log(`fetch-client: ${spec} -> lib/`);
  }

  writeFileSync(stamp, wanted);
} finally {
  rmSync(work, { recursive: true, force: true });
}
