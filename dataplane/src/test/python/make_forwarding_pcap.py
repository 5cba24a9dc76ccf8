#!/usr/bin/python3
"""Writes the input of the pcap forwarding test with scapy, an implementation independent of ours.

usage: make_forwarding_pcap.py IN_PCAP EMPTY_PCAP APPLIANCE_MAC FLOWS

IN_PCAP gets FLOWS UDP flows (two packets each, TTL 64) from 10.0.0.50 to 198.18.0.0/16,
which the appliance routes over a two-member ECMP group, then one packet with TTL 1 and one
with a broken header checksum. EMPTY_PCAP gets no packets (the other port's rx side).
"""
import sys

from scapy.all import Ether, IP, UDP, Raw, wrpcap, PcapWriter

HOST_MAC = "02:00:00:00:00:50"


def main():
    in_pcap, empty_pcap, appliance_mac, flows = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    packets = []
    for round_ in range(2):
        for flow in range(flows):
            payload = bytes([(flow + i) & 0xFF for i in range(18)])
            packets.append(Ether(dst=appliance_mac, src=HOST_MAC) /
                           IP(src="10.0.0.50", dst="198.18.%d.%d" % (flow // 250, flow % 250 + 1), ttl=64, id=flow) /
                           UDP(sport=10000 + flow, dport=4789) / Raw(payload))
    packets.append(Ether(dst=appliance_mac, src=HOST_MAC) / IP(src="10.0.0.50", dst="198.18.9.9", ttl=1) /
                   UDP(sport=1, dport=2) / Raw(b"x" * 18))
    broken = Ether(dst=appliance_mac, src=HOST_MAC) / IP(src="10.0.0.50", dst="198.18.9.9", ttl=64, chksum=0x1234) / \
        UDP(sport=3, dport=4) / Raw(b"y" * 18)
    packets.append(broken)
    wrpcap(in_pcap, packets)
    PcapWriter(empty_pcap, linktype=1, sync=True).close()


if __name__ == "__main__":
    main()
