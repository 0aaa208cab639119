/** Small network helpers shared by the VS Code client (Start Local Sandbox) and the tests. */
import * as net from 'net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS's choice for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
