/** IPv4 CIDR parsing, formatting and subnet carving, exact and dependency-free. */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefixLength: number;
}

const CIDR_FORM = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined for anything that is not a well-formed IPv4 CIDR with host bits zero. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR_FORM.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((o) => o > 255) || prefixLength > 32) return undefined;
  if (match.slice(1, 5).some((o) => o.length > 1 && o.startsWith("0"))) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const network = maskedNetwork(address, prefixLength);
  if (network !== address) return undefined;
  return { network, prefixLength };
}

/** Explains why a string is not a usable CIDR, or returns undefined when it is one. */
export function describeCidrProblem(text: string): string | undefined {
  if (!CIDR_FORM.test(text)) return `"${text}" is not a valid CIDR (expected a.b.c.d/n)`;
  const [address, prefix] = text.split("/") as [string, string];
  if (address.split(".").some((o) => Number(o) > 255) || Number(prefix) > 32) return `"${text}" is not a valid CIDR`;
  if (!parseCidr(text)) return `"${text}" is not a valid CIDR: host bits are set (did you mean the network address?)`;
  return undefined;
}

export function formatCidr(cidr: Ipv4Cidr): string {
  return `${formatAddress(cidr.network)}/${cidr.prefixLength}`;
}

/** An unsigned 32-bit address in dotted-quad form. */
export function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join(".");
}

/** The first and last address of a CIDR, as firewall rules that take ranges want them. Throws on a malformed CIDR. */
export function cidrRange(cidr: string): { start: string; end: string } {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(describeCidrProblem(cidr) ?? `"${cidr}" is not a valid CIDR`);
  const size = 2 ** (32 - parsed.prefixLength);
  return { start: formatAddress(parsed.network), end: formatAddress(parsed.network + size - 1) };
}

/** The `index`-th subnet of size `/newPrefix` inside `parent`. Throws when it does not fit. */
export function carveSubnet(parent: Ipv4Cidr, newPrefix: number, index: number): Ipv4Cidr {
  if (newPrefix < parent.prefixLength || newPrefix > 32) {
    throw new Error(`cannot carve a /${newPrefix} out of ${formatCidr(parent)}`);
  }
  const size = 2 ** (32 - newPrefix);
  const count = 2 ** (newPrefix - parent.prefixLength);
  if (index < 0 || index >= count) throw new Error(`${formatCidr(parent)} holds only ${count} /${newPrefix} subnets`);
  return { network: parent.network + index * size, prefixLength: newPrefix };
}

/** True for RFC 1918 private ranges, where a platform VNet belongs. */
export function isPrivateRange(cidr: Ipv4Cidr): boolean {
  const inside = (base: string, prefix: number) => {
    const range = parseCidr(`${base}/${prefix}`)!;
    return cidr.prefixLength >= prefix && maskedNetwork(cidr.network, prefix) === range.network;
  };
  return inside("10.0.0.0", 8) || inside("172.16.0.0", 12) || inside("192.168.0.0", 16);
}

function maskedNetwork(address: number, prefixLength: number): number {
  if (prefixLength === 0) return 0;
  const mask = (0xffffffff << (32 - prefixLength)) >>> 0;
  return (address & mask) >>> 0;
}
