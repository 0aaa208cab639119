/**
 * Loopback names: where plain http is acceptable for a token endpoint (resim/auth.ts) and the
 * only `Host` names the local sandbox answers (sandbox/server.ts). docs/security.md.
 */

/**
 * True for a host name of this machine's loopback interface: `localhost` and `*.localhost`
 * (RFC 6761: never resolved by DNS), an address in 127.0.0.0/8, or `::1` (with or without the
 * brackets URLs write it in).
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** True for an HTTP `Host` header (`name[:port]`) whose name is a loopback name. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  let hostname: string;
  try {
    const u = new URL(`http://${host}/`);
    // Only a plain `name[:port]`: user info, a path or a number the URL parser rewrites is refused.
    const lower = host.toLowerCase();
    if (u.host !== lower && `${u.host}:80` !== lower) return false;
    hostname = u.hostname;
  } catch {
    return false;
  }
  return isLoopbackHost(hostname);
}
