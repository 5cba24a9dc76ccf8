#!/usr/bin/python3
"""The independent peer of TunnelInteropTest: scapy builds what a remote GRE/ESP endpoint sends,
and checks (decodes, decrypts) what the appliance sent. Shared constants come from the test's
command line so that both sides use the same keys and addresses.

  tunnel_peer.py make  DIR APPLIANCE_WEST_MAC APPLIANCE_EAST_MAC
  tunnel_peer.py check DIR GW_GRE_MAC GW_ESP_MAC
"""
import sys
from scapy.all import Ether, IP, UDP, GRE, ICMP, Raw, wrpcap, rdpcap, defragment
from scapy.layers.ipsec import SecurityAssociation, ESP

HOST = "10.0.0.50"          # behind the appliance's west interface
HOST_MAC = "02:00:00:00:00:50"
US = "192.0.2.1"            # the appliance's underlay address (east)
GRE_PEER = "192.0.2.2"
ESP_PEER = "192.0.2.3"
GRE_KEY = 42
# Outbound (appliance -> peer) and inbound (peer -> appliance) SAs: AES-128-GCM key || 4-byte salt.
OUT_SPI, OUT_KEY, OUT_SALT = 0x1001, bytes.fromhex("00112233445566778899aabbccddeeff"), bytes.fromhex("01020304")
IN_SPI, IN_KEY, IN_SALT = 0x2001, bytes.fromhex("ffeeddccbbaa99887766554433221100"), bytes.fromhex("0a0b0c0d")
FLOWS = 40
# Tunnels with a 700-byte outer MTU: big inner IPv4 packets without DF are fragmented before
# encapsulation (RFC 4459 §3.2); with DF they get ICMP "fragmentation needed" (§3.3).
SMALL_MTU = 700
GRE2_KEY = 43
OUT2_SPI, OUT2_KEY, OUT2_SALT = 0x1002, bytes.fromhex("0f0e0d0c0b0a09080706050403020100"), bytes.fromhex("11223344")
GRE2_INNER_MTU = SMALL_MTU - 20 - 8          # outer IPv4 + GRE with key


def big(i):
    return bytes((i * 13 + k) & 0xFF for k in range(1372))        # 1400-byte IPv4 packets


def big_packets():
    """What goes into the small-MTU tunnels, by IP id (198.18.3/24 -> gre2, 198.18.4/24 -> esp2)."""
    packets = {}
    for i in range(2):
        packets[100 + i] = IP(src=HOST, dst="198.18.3.%d" % (i + 1), ttl=64, id=100 + i) / UDP(sport=9100 + i, dport=9) / Raw(big(i))
        packets[200 + i] = IP(src=HOST, dst="198.18.4.%d" % (i + 1), ttl=64, id=200 + i) / UDP(sport=9200 + i, dport=9) / Raw(big(i + 2))
    return packets


def payload(i):
    return ("flowlane-tunnel-%04d" % i).encode()


def make(directory, west_mac, east_mac):
    # West: plain packets the appliance must put into the tunnels (routes 198.18.1/24 -> gre1, 198.18.2/24 -> esp1).
    west = []
    for i in range(FLOWS):
        west.append(Ether(src=HOST_MAC, dst=west_mac) / IP(src=HOST, dst="198.18.1.%d" % (i + 1), ttl=64) /
                    UDP(sport=1000 + i, dport=2000) / Raw(payload(i)))
        west.append(Ether(src=HOST_MAC, dst=west_mac) / IP(src=HOST, dst="198.18.2.%d" % (i + 1), ttl=64) /
                    UDP(sport=3000 + i, dport=4000) / Raw(payload(i)))
    west += [Ether(src=HOST_MAC, dst=west_mac) / p for p in big_packets().values()]
    west.append(Ether(src=HOST_MAC, dst=west_mac) / IP(src=HOST, dst="198.18.3.9", ttl=64, id=300, flags="DF") /
                UDP(sport=9300, dport=9) / Raw(b"d" * 972))
    # East: what the peers send us.
    east = []
    gw = "02:00:00:00:02:02"
    for i in range(FLOWS):
        inner = IP(src="198.18.1.9", dst=HOST, ttl=30) / UDP(sport=5000 + i, dport=6000) / Raw(payload(i))
        east.append(Ether(src=gw, dst=east_mac) / IP(src=GRE_PEER, dst=US) /
                    GRE(chksum_present=1, key_present=1, seqnum_present=1, key=GRE_KEY, seqence_number=i + 1) / inner)
    bad_gre = [
        # wrong checksum
        Ether(src=gw, dst=east_mac) / IP(src=GRE_PEER, dst=US) / GRE(chksum_present=1, chksum=0x1234, key_present=1, key=GRE_KEY,
            seqnum_present=1, seqence_number=FLOWS + 1) / IP(src="198.18.1.9", dst=HOST) / UDP(sport=40000, dport=40001) / Raw(b"x"),
        # unknown key
        Ether(src=gw, dst=east_mac) / IP(src=GRE_PEER, dst=US) / GRE(key_present=1, key=7) / IP(src="198.18.1.9", dst=HOST) / UDP(sport=40000, dport=40001),
        # version 1 (PPTP's enhanced GRE)
        Ether(src=gw, dst=east_mac) / IP(src=GRE_PEER, dst=US) / GRE(version=1, key_present=1, key=GRE_KEY) / Raw(b"\x00" * 8),
        # truncated: two bytes of GRE
        Ether(src=gw, dst=east_mac) / IP(src=GRE_PEER, dst=US, proto=47) / Raw(b"\x00\x00"),
        # replayed sequence number
        Ether(src=gw, dst=east_mac) / IP(src=GRE_PEER, dst=US) / GRE(chksum_present=1, key_present=1, seqnum_present=1,
            key=GRE_KEY, seqence_number=3) / IP(src="198.18.1.9", dst=HOST) / UDP(sport=40000, dport=40001) / Raw(b"old"),
    ]
    east += bad_gre

    sa = SecurityAssociation(ESP, spi=IN_SPI, crypt_algo="AES-GCM", crypt_key=IN_KEY + IN_SALT,
                             tunnel_header=IP(src=ESP_PEER, dst=US), esn_en=True, esn=0)
    good = []
    for i in range(FLOWS):
        inner = IP(src="198.18.2.9", dst=HOST, ttl=30) / UDP(sport=7000 + i, dport=8000) / Raw(payload(i))
        good.append(sa.encrypt(inner, seq_num=i + 1))
    east += [Ether(src=gw, dst=east_mac) / p for p in good]
    far = sa.encrypt(IP(src="198.18.2.9", dst=HOST) / UDP(sport=40000, dport=40001) / Raw(b"far"), seq_num=5000)
    stale = sa.encrypt(IP(src="198.18.2.9", dst=HOST) / UDP(sport=40000, dport=40001) / Raw(b"stale"), seq_num=FLOWS + 1)
    tampered = bytearray(bytes(sa.encrypt(IP(src="198.18.2.9", dst=HOST) / UDP(sport=40000, dport=40001) / Raw(b"tampered"), seq_num=5002)))
    tampered[-20] ^= 0x01
    wrong_spi = SecurityAssociation(ESP, spi=0x3333, crypt_algo="AES-GCM", crypt_key=IN_KEY + IN_SALT,
                                    tunnel_header=IP(src=ESP_PEER, dst=US), esn_en=True, esn=0).encrypt(
        IP(src="198.18.2.9", dst=HOST) / UDP(sport=40000, dport=40001), seq_num=1)
    outside_policy = sa.encrypt(IP(src="203.0.113.9", dst=HOST) / UDP(sport=40000, dport=40001) / Raw(b"policy"), seq_num=5001)
    truncated = IP(src=ESP_PEER, dst=US, proto=50) / Raw(bytes(good[0][ESP])[:20])
    east += [Ether(src=gw, dst=east_mac) / p for p in [
        good[3],                     # replay of a packet already accepted
        far,                         # jumps the window to 5000 (accepted)
        stale,                       # FLOWS+1 is now left of the 1024-packet window (ESN: read as 2^32+41, fails the ICV)
        IP(bytes(tampered)),         # ICV does not verify
        wrong_spi,                   # no SA
        outside_policy,              # decrypts, but the inner source is outside the selectors
        truncated,                   # too short for header + ICV
    ]]
    wrpcap(directory + "/west-in.pcap", west)
    wrpcap(directory + "/east-in.pcap", east)
    print("west: %d packets, east: %d packets" % (len(west), len(east)))


def check(directory, gw_gre_mac, gw_esp_mac):
    east = rdpcap(directory + "/east-out.pcap")
    west = rdpcap(directory + "/west-out.pcap")
    out_sa = SecurityAssociation(ESP, spi=OUT_SPI, crypt_algo="AES-GCM", crypt_key=OUT_KEY + OUT_SALT, esn_en=True, esn=0)
    out2_sa = SecurityAssociation(ESP, spi=OUT2_SPI, crypt_algo="AES-GCM", crypt_key=OUT2_KEY + OUT2_SALT, esn_en=True, esn=0)
    gre_payloads, esp_payloads, gre_seqs, esp_seqs = set(), set(), [], []
    fragments = {}
    for frame in east:
        ip = frame[IP]
        if ip.proto == 47 and ip[GRE].key == GRE2_KEY:
            assert ip.len <= SMALL_MTU, "gre2 outer packet of %d bytes > MTU %d" % (ip.len, SMALL_MTU)
            assert ip.flags.DF and ip.frag == 0 and not ip.flags.MF, "outer packets are never fragmented"
            fragments.setdefault(ip[GRE][IP].id, []).append(IP(bytes(ip[GRE][IP])))
        elif ip.proto == 50 and ip[ESP].spi == OUT2_SPI:
            assert ip.len <= SMALL_MTU, "esp2 outer packet of %d bytes > MTU %d" % (ip.len, SMALL_MTU)
            assert ip.flags.DF and ip.frag == 0 and not ip.flags.MF, "outer packets are never fragmented"
            inner = out2_sa.decrypt(ip).payload
            fragments.setdefault(inner.id, []).append(IP(bytes(inner)))
        elif ip.proto == 47:
            assert frame.dst == gw_gre_mac, "GRE to the GRE peer's MAC: %s" % frame.dst
            assert ip.src == US and ip.dst == GRE_PEER, (ip.src, ip.dst)
            assert ip.ttl == 64, "outer TTL as configured, not decremented: %d" % ip.ttl
            assert ip.flags.DF, "outer DF set"
            wire = bytes(ip)
            recomputed = IP(wire)
            del recomputed.chksum
            assert IP(bytes(recomputed)).chksum == ip.chksum, "outer IPv4 checksum"
            gre = ip[GRE]
            assert gre.key_present and gre.key == GRE_KEY, "GRE key %s" % gre.key
            assert gre.seqnum_present and gre.chksum_present
            check_gre = GRE(bytes(gre))
            given = check_gre.chksum
            check_gre.chksum = None
            assert GRE(bytes(check_gre)).chksum == given, "GRE checksum verifies"
            gre_seqs.append(gre.seqence_number)
            inner = gre[IP]
            assert inner.ttl == 63, "inner TTL decremented once: %d" % inner.ttl
            gre_payloads.add(bytes(inner[Raw].load))
        elif ip.proto == 50:
            assert frame.dst == gw_esp_mac, "ESP to the ESP peer's MAC"
            assert ip.src == US and ip.dst == ESP_PEER
            esp = ip[ESP]
            assert esp.spi == OUT_SPI, "outbound SPI %x" % esp.spi
            esp_seqs.append(esp.seq)
            decrypted = out_sa.decrypt(ip)        # raises if the ICV does not verify
            # Without a tunnel_header scapy keeps the outer header; the inner packet is its payload.
            inner = decrypted.payload
            assert isinstance(inner, IP), "next header 4: an inner IPv4 packet"
            assert inner.src == HOST and inner.ttl == 63, (inner.src, inner.ttl)
            esp_payloads.add(bytes(inner[Raw].load))
        else:
            raise AssertionError("unexpected packet on east: %r" % frame)
    expected = {payload(i) for i in range(FLOWS)}
    assert gre_payloads == expected, "every GRE payload arrived intact (%d of %d)" % (len(gre_payloads), FLOWS)
    assert esp_payloads == expected, "every ESP payload decrypted intact (%d of %d)" % (len(esp_payloads), FLOWS)
    assert sorted(gre_seqs) == list(range(1, FLOWS + 1)), "GRE sequence numbers 1..%d" % FLOWS
    assert sorted(esp_seqs) == list(range(1, FLOWS + 1)), "ESP sequence numbers 1..%d" % FLOWS

    pieces = 0
    for ident, original in big_packets().items():
        got = fragments.get(ident, [])
        assert len(got) >= 2, "packet %d: %d fragments" % (ident, len(got))
        for f in got:
            assert f.ttl == 63 and f.src == HOST, "fragment TTL decremented once: %d" % f.ttl
            assert f.flags.MF or f.frag > 0
        whole = defragment(got)
        assert len(whole) == 1 and bytes(whole[0][UDP]) == bytes(IP(bytes(original))[UDP]), \
            "packet %d: scapy's reassembly of %d fragments differs from what was sent" % (ident, len(got))
        pieces += len(got)

    decapsulated = {}
    icmp = []
    for frame in west:
        ip = frame[IP]
        if ICMP in ip:
            icmp.append(ip)
            continue
        assert frame.dst == HOST_MAC and ip.dst == HOST, (frame.dst, ip.dst)
        body = bytes(ip[Raw].load) if Raw in ip else b""
        sent_ttl = 64 if body == b"far" else 30
        assert ip.ttl == sent_ttl - 1, "inner TTL decremented by the forwarding hop: %d (%s, %r)" % (ip.ttl, ip.src, body)
        assert IP(bytes(ip)).chksum == ip.chksum and UDP in ip, "inner packet intact"
        decapsulated.setdefault(ip.src, set()).add(body)
    assert len(icmp) == 1 and icmp[0][ICMP].type == 3 and icmp[0][ICMP].code == 4 and \
        icmp[0][ICMP].nexthopmtu == GRE2_INNER_MTU and icmp[0].dst == HOST, \
        "one ICMP fragmentation-needed quoting gre2's inner MTU %d: %r" % (GRE2_INNER_MTU, [p.summary() for p in icmp])
    assert decapsulated.get("198.18.1.9") == expected, "GRE decapsulated: %s" % sorted(decapsulated.get("198.18.1.9", []))[:3]
    assert decapsulated.get("198.18.2.9") == expected | {b"far"}, "ESP decrypted: %s" % sorted(decapsulated.get("198.18.2.9", []))
    print("east: %d GRE + %d ESP checked (scapy decrypted every ESP packet); west: %d decapsulated" %
          (len(gre_seqs), len(esp_seqs), len(west) - len(icmp)))
    print("fragmented before encapsulation: %d packets in %d fragments, reassembled by scapy; ICMP frag-needed mtu %d" %
          (len(big_packets()), pieces, GRE2_INNER_MTU))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        check(sys.argv[2], sys.argv[3], sys.argv[4])
