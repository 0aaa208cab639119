/** The CLI names a server that is not a ReSim API as such, and the flag that sets the URL. */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';

const cliPath = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

describe('resim-sync against a server that is not a ReSim API', () => {
  let server: http.Server;
  let url = '';
  before(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html><body>Not Found</body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('says so in one line and names --url (RESIM_URL)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-notapi-'));
    const file = path.join(dir, 'a.experiences.yaml');
    fs.writeFileSync(file, 'experiences: []\n');
    const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cliPath, 'preview', '--project', 'demo', '--config', file], {
        env: { PATH: process.env.PATH, HOME: dir, RESIM_URL: url, RESIM_TOKEN: 'tok' },
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => resolve({ status, stderr }));
    });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `^Error: The server at ${url.replace(/[/.]/g, '\\$&')} is not a ReSim API \\(it answered 404 to GET ListProjects\\)\\. Check --url \\(RESIM_URL\\)\\.$`,
        'm',
      ),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
