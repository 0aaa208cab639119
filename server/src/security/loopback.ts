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

/**
 * Why a credential (a bearer token, a refresh token, a client secret, a device code) may not be
 * sent to `url`, or undefined when it may: only `https:`, or plain `http:` to a loopback host
 * (`isLoopbackHost`; local servers and tests). One rule for the API URL (CLI, language server,
 * VS Code), the token endpoint of client credentials and every endpoint of the sign-in, those
 * that OIDC discovery names included (docs/security.md, "The auth server as an attacker").
 * The reason names the scheme and host only (never a path, query or user info).
 */
export function credentialUrlProblem(url: string | URL): string | undefined {
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return 'it is not a URL';
  }
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:')
    return isLoopbackHost(u.hostname) ? undefined : `it uses plain http to ${u.host} (https is required; plain http only to this machine)`;
  return `it is not an https URL (${u.protocol})`;
}
