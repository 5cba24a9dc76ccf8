#!/usr/bin/python3
"""The independent peer of FragmentationInteropTest: scapy writes packets too big for the east
link's MTU, then reassembles (scapy's defragment) and checks what the appliance sent; tshark
checks every fragment's header checksum.

  fragment_peer.py make  IN_PCAP EMPTY_PCAP APPLIANCE_MAC
  fragment_peer.py check EAST_OUT WEST_OUT MTU
"""
import subprocess
import sys

from scapy.all import Ether, IP, UDP, Raw, ICMP, IPOption, IPOption_RR, IPOption_NOP, wrpcap, rdpcap, defragment, PcapWriter

HOST_MAC = "02:00:00:00:00:50"
# Security (type 130: the copied bit set, RFC 791), 11 bytes, then one NOP to a 4-byte multiple.
SECURITY = IPOption(b"\x82\x0b" + bytes(range(1, 10)))


def body(n, seed):
    return bytes((seed * 7 + i) & 0xFF for i in range(n))


def originals():
    """The packets that must come out fragmented, keyed by IP id."""
    ip = dict(src="10.0.0.50", ttl=64)
    return {
        # Data lengths chosen around the 8-byte boundaries of a 576-byte MTU (552 data bytes per fragment).
        1: IP(id=1, dst="198.18.0.1", **ip) / UDP(sport=1001, dport=9) / Raw(body(1472, 1)),
        2: IP(id=2, dst="198.18.0.2", **ip) / UDP(sport=1002, dport=9) / Raw(body(1096, 2)),   # 1104 data: exactly 2 x 552
        3: IP(id=3, dst="198.18.0.3", **ip) / UDP(sport=1003, dport=9) / Raw(body(1097, 3)),   # one byte more: a third fragment
        4: IP(id=4, dst="198.18.0.4", options=[SECURITY, IPOption_NOP(), IPOption_RR(routers=["10.9.9.9"])], **ip) /
           UDP(sport=1004, dport=9) / Raw(body(1200, 4)),
    }


def make(in_pcap, empty_pcap, appliance_mac):
    frames = [Ether(src=HOST_MAC, dst=appliance_mac) / p for p in originals().values()]
    # A fragment already (MF set, offset 0): its pieces must all keep MF.
    frames.append(Ether(src=HOST_MAC, dst=appliance_mac) /
                  IP(src="10.0.0.50", dst="198.18.0.5", ttl=64, id=5, flags="MF", proto=17) / Raw(body(1000, 5)))
    # DF set: never fragmented; an ICMP "fragmentation needed" quoting the MTU goes back instead.
    frames.append(Ether(src=HOST_MAC, dst=appliance_mac) /
                  IP(src="10.0.0.50", dst="198.18.0.6", ttl=64, id=6, flags="DF") / UDP(sport=1006, dport=9) / Raw(body(800, 6)))
    # Small enough: passes untouched.
    frames.append(Ether(src=HOST_MAC, dst=appliance_mac) /
                  IP(src="10.0.0.50", dst="198.18.0.7", ttl=64, id=7) / UDP(sport=1007, dport=9) / Raw(body(100, 7)))
    wrpcap(in_pcap, frames)
    PcapWriter(empty_pcap, linktype=1, sync=True).close()
    print("wrote %d frames" % len(frames))


def check(east_out, west_out, mtu):
    east = [f[IP] for f in rdpcap(east_out)]
    by_id = {}
    for ip in east:
        assert ip.len <= mtu, "id %d: fragment of %d bytes exceeds the MTU %d" % (ip.id, ip.len, mtu)
        assert ip.ttl == 63, "id %d: TTL %d, expected 63 (decremented once per fragment)" % (ip.id, ip.ttl)
        assert not ip.flags.MF or (ip.len - ip.ihl * 4) % 8 == 0, "id %d: a non-last fragment's data is a multiple of 8" % ip.id
        by_id.setdefault(ip.id, []).append(ip)
    for ident, original in originals().items():
        pieces = by_id.get(ident, [])
        assert len(pieces) >= 2, "id %d: %d pieces" % (ident, len(pieces))
        whole = defragment(pieces)
        assert len(whole) == 1, "id %d: scapy reassembled %d packets" % (ident, len(whole))
        got, sent = whole[0], IP(bytes(original))
        assert bytes(got[UDP]) == bytes(sent[UDP]), "id %d: reassembled payload differs" % ident
        assert got[UDP].chksum == sent[UDP].chksum
        data_per_fragment = (mtu - sent.ihl * 4) & ~7
        data = len(bytes(sent)) - sent.ihl * 4
        assert len(pieces) == -(-data // data_per_fragment), "id %d: %d fragments for %d data bytes" % (ident, len(pieces), data)
        if ident == 4:
            first = min(pieces, key=lambda p: p.frag)
            later = [p for p in pieces if p.frag > 0]
            assert bytes(first.options[0]) == bytes(SECURITY) and any(o.option == 7 for o in first.options), \
                "first fragment keeps every option: %r" % first.options
            for p in later:
                kinds = [o.option for o in p.options]
                assert 7 not in kinds, "record route (not copied) must be gone from later fragments: %r" % p.options
                assert bytes(p.options[0]) == bytes(SECURITY), "security (copied) stays in every fragment: %r" % p.options
                assert p.ihl == sent.ihl, "same header length in every fragment"
    mf = sorted(by_id.get(5, []), key=lambda p: p.frag)
    assert len(mf) == 2 and all(p.flags.MF for p in mf), "a fragment's pieces all keep MF: %r" % [(p.frag, p.flags) for p in mf]
    assert b"".join(bytes(p.payload) for p in mf) == body(1000, 5), "MF packet's data intact"
    assert 6 not in by_id, "the DF packet was not forwarded"
    assert len(by_id.get(7, [])) == 1 and by_id[7][0].flags == 0 and by_id[7][0].frag == 0, "small packet untouched"
    west = [f[IP] for f in rdpcap(west_out)]
    icmp = [ip for ip in west if ICMP in ip]
    assert len(icmp) == 1 and icmp[0][ICMP].type == 3 and icmp[0][ICMP].code == 4 and icmp[0][ICMP].nexthopmtu == mtu, \
        "one ICMP fragmentation-needed quoting MTU %d: %r" % (mtu, [ip.summary() for ip in west])
    # tshark validates every header checksum independently of scapy.
    statuses = subprocess.run(["tshark", "-r", east_out, "-o", "ip.check_checksum:TRUE", "-T", "fields", "-e", "ip.checksum.status"],
                              check=True, capture_output=True, text=True).stdout.split()
    assert statuses and all(s in ("1", "Good") for s in statuses), "tshark: IPv4 checksums %s" % statuses
    print("east: %d frames, %d packets reassembled by scapy, tshark checksums good; west: ICMP frag-needed mtu %d" %
          (len(east), len(originals()), mtu))
    print("fragments: %d" % (len(east) - 1))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        check(sys.argv[2], sys.argv[3], int(sys.argv[4]))
