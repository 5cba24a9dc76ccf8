package io.flowlane.tunnels.esp;

import static io.flowlane.dataplane.packet.NativeMemory.u32be;
import static io.flowlane.dataplane.packet.NativeMemory.u64;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.bindings.AesGcm;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.pipeline.PacketVector;
import io.flowlane.dataplane.pipeline.Stage;
import io.flowlane.dataplane.pipeline.StageId;
import io.flowlane.tunnels.TunnelStages;
import io.flowlane.tunnels.TunnelTable;

import java.lang.foreign.Arena;

/**
 * esp-decrypt: inbound tunnel-mode ESP (RFC 4303 §3.4) with AES-GCM. Order matters and follows
 * the RFC: SA by SPI and destination; the anti-replay pre-check; the ICV, before any decrypted
 * byte is looked at; only then the window moves, the padding and next header are checked, and
 * the inner packet must match the SA's selectors before it is routed.
 *
 * <p>Inbound packets of one SA reach one worker: RSS hashes ESP on the outer addresses, which are
 * the same for every packet of the SA. The replay window is therefore updated without atomics.
 */
public final class EspDecrypt implements Stage
{
    private final TunnelStages tunnels;
    private final long nonce;
    private final long aad;

    public EspDecrypt(final TunnelStages tunnels, final Arena arena)
    {
        this.tunnels = tunnels;
        this.nonce = arena.allocate(16, 16).address();
        this.aad = arena.allocate(16, 16).address();
    }

    @Override
    public byte id()
    {
        return TunnelTable.ESP_DECRYPT;
    }

    @Override
    public void process(final PacketVector v)
    {
        tunnels.refresh();
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] == TunnelTable.ESP_DECRYPT)
            {
                decrypt(v, i);
            }
        }
    }

    private void decrypt(final PacketVector v, final int i)
    {
        final long ip = v.l3[i];
        final boolean v4 = (u8(ip) >>> 4) == 4;
        final int ipLength = v4 ? Ipv4Header.headerLength(ip) : Ipv6Header.LENGTH;
        final long esp = ip + ipLength;
        final int espLength = v.l3Length[i] - ipLength;
        if (espLength < EspHeader.HEADER_LENGTH + EspHeader.TRAILER_LENGTH + EspHeader.ICV_LENGTH)
        {
            v.drop(i, DropReason.ESP_MALFORMED);
            return;
        }
        final long spi = u32be(esp + EspHeader.SPI) & 0xFFFF_FFFFL;
        final int slot = v4 ?
            tunnels.espTunnel(spi, 4, Ipv4Header.destination(ip) & 0xFFFF_FFFFL, 0) :
            tunnels.espTunnel(spi, 6, Ipv6Header.destinationHi(ip), Ipv6Header.destinationLo(ip));
        if (slot < 0)
        {
            v.drop(i, DropReason.ESP_UNKNOWN_SPI);
            return;
        }
        final long[] state = tunnels.inState(slot);
        final int window = tunnels.inWindow(slot);
        final boolean esn = tunnels.inEsn(slot);
        final long seq = ReplayWindow.check(state, 0, window, esn, u32be(esp + EspHeader.SEQUENCE) & 0xFFFF_FFFFL);
        if (seq == ReplayWindow.REJECT)
        {
            v.drop(i, DropReason.ESP_REPLAY);
            return;
        }
        final int packetsAt = ReplayWindow.words(window);
        final long packetLimit = tunnels.inLifetimePackets(slot);
        final long byteLimit = tunnels.inLifetimeBytes(slot);
        if (packetLimit != 0 && state[packetsAt] >= packetLimit || byteLimit != 0 && state[packetsAt + 1] >= byteLimit)
        {
            v.drop(i, DropReason.ESP_LIFETIME_EXPIRED);
            return;
        }
        final int ciphertext = espLength - EspHeader.HEADER_LENGTH - EspHeader.ICV_LENGTH;
        final long payload = esp + EspHeader.HEADER_LENGTH;
        u32be(nonce, tunnels.inSalt(slot));
        io.flowlane.dataplane.packet.NativeMemory.u64(nonce + 4, u64(esp + EspHeader.IV));
        final int aadLength = Aad.write(aad, spi, seq, esn);
        if (!AesGcm.open(tunnels.openContext(slot), nonce, aad, aadLength, payload, ciphertext, payload + ciphertext))
        {
            v.drop(i, DropReason.ESP_BAD_ICV);
            return;
        }
        if (!ReplayWindow.accept(state, 0, window, seq))
        {
            v.drop(i, DropReason.ESP_REPLAY);
            return;
        }
        state[packetsAt]++;
        state[packetsAt + 1] += ciphertext;
        final int padding = u8(payload + ciphertext - 2);
        final int nextHeader = u8(payload + ciphertext - 1);
        final int innerLength = ciphertext - EspHeader.TRAILER_LENGTH - padding;
        if (innerLength < 0 || !paddingIsMonotonic(payload + innerLength, padding))
        {
            v.drop(i, DropReason.ESP_MALFORMED);
            return;
        }
        final byte next;
        if (nextHeader == EspHeader.NEXT_IPV4 && innerLength >= Ipv4Header.MIN_LENGTH)
        {
            if (!tunnels.selectorsAllow(slot, 4, Ipv4Header.source(payload) & 0xFFFF_FFFFL, 0,
                Ipv4Header.destination(payload) & 0xFFFF_FFFFL, 0))
            {
                v.drop(i, DropReason.ESP_POLICY_MISMATCH);
                return;
            }
            next = StageId.IP4_INPUT;
        }
        else if (nextHeader == EspHeader.NEXT_IPV6 && innerLength >= Ipv6Header.LENGTH)
        {
            if (!tunnels.selectorsAllow(slot, 6, Ipv6Header.sourceHi(payload), Ipv6Header.sourceLo(payload),
                Ipv6Header.destinationHi(payload), Ipv6Header.destinationLo(payload)))
            {
                v.drop(i, DropReason.ESP_POLICY_MISMATCH);
                return;
            }
            next = StageId.IP6_INPUT;
        }
        else
        {
            // Dummy packets (next header 59, RFC 4303 §2.6), transport mode or a truncated inner header.
            v.drop(i, DropReason.ESP_UNSUPPORTED_PAYLOAD);
            return;
        }
        final long m = v.mbuf[i];
        Mbuf.trim(m, (int)(Mbuf.data(m) + Mbuf.dataLength(m) - (payload + innerLength)));
        v.l3[i] = payload;
        v.l3Length[i] = innerLength;
        v.originated[i] = false;
        tunnels.countReceive(slot, innerLength);
        v.to(i, next);
    }

    /** RFC 4303 §2.4: padding bytes are 1, 2, 3, ...; anything else marks a broken or hostile sender. */
    private static boolean paddingIsMonotonic(final long padding, final int length)
    {
        for (int p = 0; p < length; p++)
        {
            if (u8(padding + p) != p + 1)
            {
                return false;
            }
        }
        return true;
    }
}
