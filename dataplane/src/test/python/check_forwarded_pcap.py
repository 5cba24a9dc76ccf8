#!/usr/bin/python3
"""Checks what the appliance transmitted in the pcap forwarding test, decoding with tshark.

usage: check_forwarded_pcap.py IN_PCAP EAST_OUT_PCAP WEST_OUT_PCAP EAST_MAC GW_MAC_1 GW_MAC_2 FLOWS

Prints one line per check and exits non-zero on the first failure. tshark decodes the frames
(with IPv4 checksum validation on), so the verdict does not depend on our own parser.
"""
import collections
import subprocess
import sys


def tshark(pcap, *fields):
    cmd = ["tshark", "-r", pcap, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
           "-T", "fields", "-E", "separator=|"]
    for field in fields:
        cmd += ["-e", field]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    in_pcap, east_out, west_out, east_mac, gw1, gw2, flows = sys.argv[1:8]
    flows = int(flows)
    sent = {(int(r[0]), r[1]): r[2] for r in tshark(in_pcap, "udp.srcport", "ip.id", "data.data") if r[0]}
    rows = tshark(east_out, "eth.src", "eth.dst", "ip.ttl", "ip.checksum.status", "udp.srcport", "ip.id", "data.data")
    expected = 2 * flows
    if len(rows) != expected:
        fail("east transmitted %d frames, expected %d (the TTL-1 and bad-checksum packets must not appear)" % (len(rows), expected))
    print("ok: %d frames forwarded" % len(rows))
    path_of_flow = {}
    per_gateway = collections.Counter()
    for src, dst, ttl, checksum_status, sport, ip_id, data in rows:
        if src != east_mac:
            fail("source MAC %s, expected the egress port's %s" % (src, east_mac))
        if dst not in (gw1, gw2):
            fail("destination MAC %s is neither ECMP next hop" % dst)
        if ttl != "63":
            fail("TTL %s, expected 63" % ttl)
        if checksum_status not in ("1", "Good"):
            fail("IPv4 header checksum status %s for flow %s" % (checksum_status, sport))
        if sent.get((int(sport), ip_id)) != data:
            fail("payload of flow %s changed" % sport)
        if path_of_flow.setdefault(sport, dst) != dst:
            fail("flow %s took two paths" % sport)
        per_gateway[dst] += 1
    print("ok: MACs, TTL 63, valid checksums, payloads intact")
    share = min(per_gateway[gw1], per_gateway[gw2]) / expected
    if share < 0.35:
        fail("ECMP spread too uneven: %s" % dict(per_gateway))
    print("ok: ECMP spread %s, every flow on one path" % dict(per_gateway))
    # An ICMP error quotes the original IP header, so tshark lists the outer value first, then the quoted one.
    icmp = [[value.split(",")[0] for value in row]
            for row in tshark(west_out, "icmp.type", "icmp.code", "ip.dst", "ip.checksum.status", "icmp.checksum.status")]
    if [r[:3] for r in icmp] != [["11", "0", "10.0.0.50"]]:
        fail("west transmitted %s, expected one ICMP time exceeded to 10.0.0.50" % icmp)
    if icmp[0][3] not in ("1", "Good") or icmp[0][4] not in ("1", "Good"):
        fail("ICMP error checksums: %s" % icmp)
    print("ok: one ICMP time exceeded with valid checksums")


if __name__ == "__main__":
    main()
