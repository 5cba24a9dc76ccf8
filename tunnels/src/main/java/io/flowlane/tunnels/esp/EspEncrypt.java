package io.flowlane.tunnels.esp;

import static io.flowlane.dataplane.packet.NativeMemory.u32be;
import static io.flowlane.dataplane.packet.NativeMemory.u64be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.bindings.AesGcm;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.pipeline.Ipv4Fragmenter;
import io.flowlane.dataplane.pipeline.PacketVector;
import io.flowlane.dataplane.pipeline.Stage;
import io.flowlane.dataplane.pipeline.StageId;
import io.flowlane.tunnels.TunnelStages;
import io.flowlane.tunnels.TunnelTable;

import java.lang.foreign.Arena;

/**
 * esp-encrypt: tunnel-mode ESP (RFC 4303 §3.1.2) with AES-GCM (RFC 4106) for packets routed into
 * an ESP tunnel. The inner packet is encrypted in place: the ESP header and outer IP header go
 * into the headroom in front of it, padding, trailer and ICV into the tailroom behind it, so
 * nothing is copied and no buffer is allocated.
 */
public final class EspEncrypt implements Stage
{
    private final TunnelStages tunnels;
    private final Ipv4Fragmenter fragmenter;
    /** Per-worker native scratch: the 12-byte nonce and up to 12 bytes of AAD. */
    private final long nonce;
    private final long aad;

    public EspEncrypt(final TunnelStages tunnels, final Ipv4Fragmenter fragmenter, final Arena arena)
    {
        this.tunnels = tunnels;
        this.fragmenter = fragmenter;
        this.nonce = arena.allocate(16, 16).address();
        this.aad = arena.allocate(16, 16).address();
    }

    @Override
    public byte id()
    {
        return TunnelTable.ESP_ENCRYPT;
    }

    @Override
    public void process(final PacketVector v)
    {
        tunnels.refresh();
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != TunnelTable.ESP_ENCRYPT)
            {
                continue;
            }
            final int slot = tunnels.slotOf(v, i, TunnelStages.ESP);
            if (slot < 0 || !tunnels.admit(v, i, slot, fragmenter))
            {
                continue;
            }
            encrypt(v, i, slot);
        }
    }

    private void encrypt(final PacketVector v, final int i, final int slot)
    {
        final long inner = v.l3[i];
        final int length = v.l3Length[i];
        final long m = v.mbuf[i];
        final boolean innerV4 = (u8(inner) >>> 4) == 4;
        final boolean outerV4 = tunnels.family(slot) == 4;
        final int ipLength = outerV4 ? Ipv4Header.MIN_LENGTH : Ipv6Header.LENGTH;
        if (!tunnels.hasHeadroom(m, inner, ipLength + EspHeader.HEADER_LENGTH))
        {
            v.drop(i, DropReason.NO_HEADROOM);
            return;
        }
        // Anything after the inner packet (there should be nothing) would end up inside the ciphertext.
        final long excess = Mbuf.data(m) + Mbuf.dataLength(m) - (inner + length);
        if (excess > 0)
        {
            Mbuf.trim(m, (int)excess);
        }
        final int padding = EspHeader.padding(length);
        final int plaintext = length + padding + EspHeader.TRAILER_LENGTH;
        final int growth = padding + EspHeader.TRAILER_LENGTH + EspHeader.ICV_LENGTH;
        // Room is checked before a sequence number is taken, and the packet grows only once it
        // will be sent, so no drop below has to undo anything.
        if (Mbuf.tailroom(m) < growth)
        {
            v.drop(i, DropReason.NO_TAILROOM);
            return;
        }
        final boolean esn = tunnels.outEsn(slot);
        final long seq = tunnels.nextSequence(slot);
        // RFC 4303 §3.3.3: the counter must not cycle; the SA must be rekeyed first.
        if (!esn && seq > 0xFFFF_FFFFL || esn && seq == 0)
        {
            v.drop(i, DropReason.ESP_SEQUENCE_EXHAUSTED);
            return;
        }
        final long packetLimit = tunnels.outLifetimePackets(slot);
        final long byteLimit = tunnels.outLifetimeBytes(slot);
        if (packetLimit != 0 && seq > packetLimit || byteLimit != 0 && tunnels.addSentBytes(slot, plaintext) > byteLimit)
        {
            v.drop(i, DropReason.ESP_LIFETIME_EXPIRED);
            return;
        }
        EspHeader.writeTrailer(Mbuf.append(m, growth), padding, innerV4 ? EspHeader.NEXT_IPV4 : EspHeader.NEXT_IPV6);

        final long esp = inner - EspHeader.HEADER_LENGTH;
        final long spi = tunnels.outSpi(slot);
        u32be(esp + EspHeader.SPI, (int)spi);
        u32be(esp + EspHeader.SEQUENCE, (int)seq);
        u64be(esp + EspHeader.IV, seq);
        u32be(nonce, tunnels.outSalt(slot));
        u64be(nonce + 4, seq);
        final int aadLength = Aad.write(aad, spi, seq, esn);
        if (!AesGcm.seal(tunnels.sealContext(slot), nonce, aad, aadLength, inner, plaintext, inner + plaintext))
        {
            v.drop(i, DropReason.ESP_CRYPTO_FAILED);
            return;
        }
        final int tos = innerV4 ? u8(inner + Ipv4Header.TOS) : 0;
        final long outer = esp - ipLength;
        final int espLength = EspHeader.HEADER_LENGTH + plaintext + EspHeader.ICV_LENGTH;
        // RFC 4301 §5.1.2.1: DSCP is copied to the outer header by default (ECN handled per RFC 6040: not copied here).
        tunnels.writeOuter(outer, slot, tos & 0xFC, espLength, Ipv4Header.PROTO_ESP);
        v.l3[i] = outer;
        v.l3Length[i] = ipLength + espLength;
        v.originated[i] = true;
        tunnels.countTransmit(slot, v.l3Length[i]);
        v.to(i, outerV4 ? StageId.IP4_LOOKUP : StageId.IP6_LOOKUP);
    }
}
