import net from 'node:net';

/**
 * Makes any TCP connection to a non-loopback host fail, and records it, so a test proves that
 * nothing reached Google (token endpoint, metadata server, BigQuery itself). Import it before the
 * client. Also stops google-auth-library from probing the GCE metadata server.
 */
process.env.METADATA_SERVER_DETECTION = 'none';
delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
delete process.env.BIGQUERY_EMULATOR_HOST;
// Hermetic: a developer's ~/.dbt/profiles.yml must not change what the tests send.
process.env.DBT_PROFILES_DIR = '/nonexistent/ecomsim-tests';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;
export const blockedHosts: string[] = [];

const original = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  let opts = args[0] as unknown;
  if (Array.isArray(opts)) opts = opts[0];
  let host = 'localhost';
  if (opts && typeof opts === 'object') {
    const o = opts as { host?: string; hostname?: string; path?: string };
    host = o.host ?? o.hostname ?? (o.path ? 'unix-socket' : 'localhost');
  } else if (typeof args[1] === 'string') host = args[1];
  if (host !== 'unix-socket' && !LOOPBACK.test(host)) {
    blockedHosts.push(host);
    process.nextTick(() => this.destroy(new Error(`loopback guard: blocked connection to ${host}`)));
    return this;
  }
  return (original as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
