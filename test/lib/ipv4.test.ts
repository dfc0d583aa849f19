import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { carveSubnet, cidrRange, describeCidrProblem, formatAddress, formatCidr, isPrivateRange, parseCidr } from "../../lib/ipv4";

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  assert.ok(parsed, `${text} parses`);
  return parsed;
};

describe("parseCidr / formatCidr", () => {
  it("round-trips well-formed CIDRs, including the extremes", () => {
    for (const text of ["10.0.0.0/16", "0.0.0.0/0", "255.255.255.255/32", "192.168.1.128/25", "172.16.0.0/12"]) {
      assert.equal(formatCidr(cidr(text)), text);
    }
    assert.deepEqual(parseCidr("10.1.0.0/16"), { network: 0x0a010000, prefixLength: 16 });
  });

  it("refuses malformed text, out-of-range octets and prefixes, leading zeros and host bits", () => {
    for (const text of ["10.0.0.0", "10.0.0/16", "10.0.0.0/33", "256.0.0.0/8", "10.0.0.0/-1", "010.0.0.0/8", "10.0.0.1/24", " 10.0.0.0/8", "a.b.c.d/8"]) {
      assert.equal(parseCidr(text), undefined, text);
    }
  });

  it("explains what is wrong", () => {
    assert.match(describeCidrProblem("10.0.0.0")!, /expected a\.b\.c\.d\/n/);
    assert.match(describeCidrProblem("10.0.0.300/24")!, /is not a valid CIDR$/);
    assert.match(describeCidrProblem("10.0.0.0/40")!, /is not a valid CIDR$/);
    assert.match(describeCidrProblem("10.0.0.1/24")!, /host bits are set/);
    assert.equal(describeCidrProblem("10.0.0.0/24"), undefined);
  });
});

describe("formatAddress", () => {
  it("writes dotted quads across the whole unsigned range", () => {
    assert.equal(formatAddress(0), "0.0.0.0");
    assert.equal(formatAddress(0xffffffff), "255.255.255.255");
    assert.equal(formatAddress(0xac10fe01), "172.16.254.1");
  });
});

describe("carveSubnet", () => {
  it("takes the index-th subnet, up to the last one", () => {
    const parent = cidr("10.0.0.0/24");
    assert.equal(formatCidr(carveSubnet(parent, 25, 0)), "10.0.0.0/25");
    assert.equal(formatCidr(carveSubnet(parent, 25, 1)), "10.0.0.128/25");
    assert.equal(formatCidr(carveSubnet(parent, 27, 7)), "10.0.0.224/27");
    assert.equal(formatCidr(carveSubnet(parent, 24, 0)), "10.0.0.0/24");
    assert.equal(formatCidr(carveSubnet(cidr("0.0.0.0/0"), 1, 1)), "128.0.0.0/1");
  });

  it("refuses subnets that do not fit", () => {
    const parent = cidr("10.0.0.0/24");
    assert.throws(() => carveSubnet(parent, 23, 0), /cannot carve a \/23 out of 10\.0\.0\.0\/24/);
    assert.throws(() => carveSubnet(parent, 33, 0), /cannot carve a \/33/);
    assert.throws(() => carveSubnet(parent, 25, 2), /holds only 2 \/25 subnets/);
    assert.throws(() => carveSubnet(parent, 25, -1), /holds only 2 \/25 subnets/);
  });
});

describe("isPrivateRange", () => {
  it("accepts RFC 1918 ranges up to their bounds", () => {
    for (const text of ["10.0.0.0/8", "10.255.255.0/24", "172.16.0.0/12", "172.31.255.0/24", "192.168.0.0/16", "192.168.255.0/24"]) {
      assert.ok(isPrivateRange(cidr(text)), text);
    }
  });

  it("refuses public ranges, neighbours just outside, and supersets of a private range", () => {
    for (const text of ["11.0.0.0/8", "9.255.255.0/24", "172.15.255.0/24", "172.32.0.0/16", "192.167.0.0/16", "192.169.0.0/16", "8.0.0.0/7", "172.0.0.0/11", "192.168.0.0/15", "0.0.0.0/0"]) {
      assert.ok(!isPrivateRange(cidr(text)), text);
    }
  });
});

describe("cidrRange", () => {
  it("answers the first and last address, for firewall rules that take ranges", () => {
    assert.deepEqual(cidrRange("173.245.48.0/20"), { start: "173.245.48.0", end: "173.245.63.255" });
    assert.deepEqual(cidrRange("104.16.0.0/13"), { start: "104.16.0.0", end: "104.23.255.255" });
    assert.deepEqual(cidrRange("1.2.3.4/32"), { start: "1.2.3.4", end: "1.2.3.4" });
    assert.deepEqual(cidrRange("0.0.0.0/0"), { start: "0.0.0.0", end: "255.255.255.255" });
  });

  it("refuses a malformed CIDR rather than widening it", () => {
    assert.throws(() => cidrRange("173.245.48.1/20"), /host bits are set/);
    assert.throws(() => cidrRange("173.245.48.0"), /not a valid CIDR/);
  });
});
