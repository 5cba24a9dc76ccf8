#!/usr/bin/python3
"""Checks what a device under test sent into a tunnel in perf/bench-tunnels.sh (VERIFY=1): the
east link was a net_pcap capture, the generator (io.flowlane.perf.Pktgen) sent its usual UDP
flows 10.0.0.2:(10000 + f) -> 198.18.1.x:4789 of one frame size into the west link.

Every captured frame must be the tunnel's outer packet (Ethernet to the sink's MAC, IPv4 with a
valid header checksum, the tunnel's endpoints, ESP or GRE) carrying one of the generator's
packets unchanged but for the TTL (a router decrements it; ipsec-secgw does not). For ESP the
packet is decrypted with scapy (AES-GCM, RFC 4106: key || salt, no ESN), which also checks the
ICV, and the sequence numbers must count up from 1 without gaps or repeats.

  verify_tunnel.py PCAP esp SIZE --spi 0x1001 --key HEX --salt HEX --src 10.1.0.1 --dst 192.0.2.2
  verify_tunnel.py PCAP gre SIZE --src 10.1.0.1 --dst 192.0.2.2
"""
import argparse
import ipaddress
import sys

from scapy.all import Ether, IP, UDP, GRE, Raw, rdpcap
from scapy.layers.ipsec import SecurityAssociation, ESP

SINK_MAC = "02:fe:00:00:01:02"
GEN_SRC = "10.0.0.2"
GEN_DSTS = ipaddress.ip_network("198.18.1.0/24")
GEN_DPORT = 4789


def checksum_ok(ip):
    """The IPv4 header checksum as sent equals scapy's recomputation."""
    sent = ip.chksum
    again = IP(bytes(ip))
    del again.chksum
    return IP(bytes(again)).chksum == sent


def check_inner(inner, size, problems, n):
    """inner: the decapsulated IPv4 packet; it must be the generator's frame minus Ethernet and FCS."""
    expected = size - 4 - 14
    if not isinstance(inner, IP):
        problems.append("packet %d: inner is %s, not IPv4" % (n, type(inner).__name__))
        return None
    if inner.src != GEN_SRC or ipaddress.ip_address(inner.dst) not in GEN_DSTS:
        problems.append("packet %d: inner %s -> %s is not the generator's" % (n, inner.src, inner.dst))
    if inner.len != expected or len(bytes(inner)) != expected:
        problems.append("packet %d: inner length %d (%d bytes), expected %d" % (n, inner.len, len(bytes(inner)), expected))
    if not checksum_ok(inner):
        problems.append("packet %d: inner IPv4 checksum wrong" % n)
    if UDP not in inner or inner[UDP].dport != GEN_DPORT or not 10000 <= inner[UDP].sport < 60000:
        problems.append("packet %d: inner is not the generator's UDP to port %d" % (n, GEN_DPORT))
    elif any(bytes(inner[UDP].payload)):
        problems.append("packet %d: inner UDP payload is not the generator's zeros" % n)
    return inner


def main():
    p = argparse.ArgumentParser()
    p.add_argument("pcap")
    p.add_argument("mode", choices=["esp", "gre"])
    p.add_argument("size", type=int, help="frame size the generator offered (FCS included)")
    p.add_argument("--spi", type=lambda s: int(s, 0))
    p.add_argument("--key", help="AES-GCM key, hex")
    p.add_argument("--salt", help="4-byte salt, hex")
    p.add_argument("--src", required=True, help="outer source (our tunnel end)")
    p.add_argument("--dst", required=True, help="outer destination (the peer)")
    p.add_argument("--min-packets", type=int, default=100)
    p.add_argument("--max-packets", type=int, default=3000, help="check at most this many (scapy is slow)")
    a = p.parse_args()

    frames = rdpcap(a.pcap, count=a.max_packets)
    problems = []
    sa = None
    if a.mode == "esp":
        # With a tunnel header scapy decrypts in tunnel mode: it returns the inner packet.
        sa = SecurityAssociation(ESP, spi=a.spi, crypt_algo="AES-GCM",
                                 crypt_key=bytes.fromhex(a.key) + bytes.fromhex(a.salt), esn_en=False,
                                 tunnel_header=IP(src=a.src, dst=a.dst))
    seqs, ttls, dsts, outer_lengths, df = [], set(), set(), set(), set()
    for n, frame in enumerate(frames):
        if Ether not in frame or frame[Ether].dst != SINK_MAC or IP not in frame:
            problems.append("packet %d: not IPv4 to the sink's MAC %s: %s" % (n, SINK_MAC, frame.summary()))
            continue
        outer = frame[IP]
        if outer.src != a.src or outer.dst != a.dst:
            problems.append("packet %d: outer %s -> %s, expected %s -> %s" % (n, outer.src, outer.dst, a.src, a.dst))
        if not checksum_ok(outer):
            problems.append("packet %d: outer IPv4 checksum wrong" % n)
        outer_lengths.add(outer.len)
        df.add("DF" in str(outer.flags))
        if a.mode == "esp":
            if outer.proto != 50 or ESP not in outer:
                problems.append("packet %d: outer protocol %d, not ESP" % (n, outer.proto))
                continue
            if outer[ESP].spi != a.spi:
                problems.append("packet %d: SPI %#x, expected %#x" % (n, outer[ESP].spi, a.spi))
                continue
            seqs.append(outer[ESP].seq)
            try:
                # Decrypts and checks the ICV (cryptography's AESGCM raises on a bad tag).
                inner = sa.decrypt(IP(bytes(outer)))
            except Exception as ex:  # noqa: BLE001 - any failure is a finding
                problems.append("packet %d: does not decrypt: %s %s" % (n, type(ex).__name__, ex))
                continue
        else:
            if outer.proto != 47 or GRE not in outer:
                problems.append("packet %d: outer protocol %d, not GRE" % (n, outer.proto))
                continue
            gre = outer[GRE]
            if gre.proto != 0x0800 or gre.chksum_present or gre.key_present or gre.seqnum_present:
                problems.append("packet %d: GRE header %s, expected plain GRE carrying IPv4" % (n, gre.summary()))
            inner = gre.payload
        inner = check_inner(inner, a.size, problems, n)
        if inner is not None:
            ttls.add(inner.ttl)
            dsts.add(inner.dst)

    if a.mode == "esp" and seqs != list(range(1, len(seqs) + 1)):
        problems.append("ESP sequence numbers are not 1, 2, 3 ... (first: %s)" % seqs[:8])
    if len(frames) < a.min_packets:
        problems.append("only %d packets captured, expected at least %d" % (len(frames), a.min_packets))
    what = "decrypted (ICV verified)" if a.mode == "esp" else "decapsulated"
    verdict = "OK, all" if not problems else "FAILED, of"
    print("%s: %s %d %s packets %s; inner = generator's UDP %s -> %d addresses in %s, %d-byte IPv4, inner TTL %s; "
          "outer %s -> %s, IPv4 length %s, DF %s%s" % (
              a.pcap, verdict, len(frames), a.mode.upper(), what, GEN_SRC, len(dsts), GEN_DSTS, a.size - 18,
              sorted(ttls), a.src, a.dst, sorted(outer_lengths), sorted(df),
              ", ESP sequence 1..%d" % len(seqs) if seqs else ""))
    for problem in problems[:20]:
        print("  PROBLEM " + problem)
    if problems:
        print("  %d problem(s)" % len(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
