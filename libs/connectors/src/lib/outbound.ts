import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';

/**
 * Where the service may connect on a caller's behalf (callback URLs, ODK and other pulled sources): with
 * `denyPrivate`, loopback, private, link-local, CGNAT, multicast and reserved addresses are refused unless `allow`
 * names the host, the address or a CIDR range holding it.
 */
export interface OutboundPolicy {
  denyPrivate: boolean;
  /** Host names (exact, any case), addresses, or CIDR ranges (`10.1.0.0/16`, `fd00::/8`). */
  allow?: readonly string[];
}

/** A connection the policy refused. Not retryable: the same address will be refused again. */
export class OutboundDeniedError extends Error {
  readonly code = 'OUTBOUND_DENIED';
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'OutboundDeniedError';
  }
}

const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96]] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is checked as the IPv4 address it carries. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

/**
 * The policy as a predicate over (host, resolved address).
 * @example createOutboundCheck({ denyPrivate: true, allow: ['127.0.0.1'] })('localhost', '127.0.0.1') // true
 */
export function createOutboundCheck(policy: OutboundPolicy): (host: string, address: string) => boolean {
  const hosts = new Set<string>();
  const ranges = new BlockList();
  for (const entry of policy.allow ?? []) {
    const [net, bits] = entry.trim().split('/');
    if (!net) continue;
    if (isIP(net) && bits !== undefined) ranges.addSubnet(net, Number(bits), family(net));
    else if (isIP(net)) ranges.addAddress(net, family(net));
    else hosts.add(net.toLowerCase());
  }
  return (host, address) => {
    if (!policy.denyPrivate) return true;
    const a = unmapped(address);
    if (hosts.has(host.toLowerCase()) || ranges.check(a, family(a))) return true;
    return !NOT_PUBLIC.check(a, family(a));
  };
}

/**
 * A fetch that applies the policy when it connects: every address a host name resolves to is checked (so a
 * name that resolves to a private address is refused however it was spelt), and an address literal in the URL
 * before any connection. A refusal rejects with a `TypeError` whose cause is {@link OutboundDeniedError}, as
 * fetch reports connection failures.
 *
 * @example
 * ```ts
 * const guarded = createGuardedFetch({ denyPrivate: true });
 * await guarded('http://127.0.0.1:8080/'); // rejects: cause.code === 'OUTBOUND_DENIED'
 * ```
 */
export function createGuardedFetch(policy: OutboundPolicy): typeof fetch {
  const allowed = createOutboundCheck(policy);
  const lookup = (hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      const refused = addresses.find((a) => !allowed(hostname, a.address));
      if (refused) return callback(new OutboundDeniedError(`${hostname} resolves to an address the outbound policy refuses`));
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const agent = new Agent({ connect: { lookup: lookup as never } });
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) && !allowed(host, host)) {
      throw new TypeError('fetch failed', { cause: new OutboundDeniedError(`${host} is an address the outbound policy refuses`) });
    }
    return undiciFetch(input as never, { ...(init as object), dispatcher: agent } as never);
  }) as unknown as typeof fetch;
}
