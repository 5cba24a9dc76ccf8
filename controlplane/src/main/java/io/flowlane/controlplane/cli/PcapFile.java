package io.flowlane.controlplane.cli;

import org.agrona.DirectBuffer;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A classic pcap file with nanosecond timestamps (magic 0xa1b23c4d, as dpdk-dumpcap and tcpdump
 * with {@code --nano} write it), link type Ethernet, read by tshark, Wireshark and tcpdump.
 */
final class PcapFile implements AutoCloseable
{
    private static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    private static final int LINKTYPE_ETHERNET = 1;

    private final OutputStream out;
    private final ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    private byte[] bytes = new byte[2048];

    PcapFile(final Path path, final int snapLength) throws IOException
    {
        out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
        final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(MAGIC_NANOSECONDS).putShort((short)2).putShort((short)4).putInt(0).putInt(0)
            .putInt(snapLength).putInt(LINKTYPE_ETHERNET);
        out.write(header.array());
    }

    void write(final long epochNanos, final int originalLength, final DirectBuffer buffer, final int offset, final int length)
        throws IOException
    {
        record.clear();
        record.putInt((int)(epochNanos / 1_000_000_000L)).putInt((int)(epochNanos % 1_000_000_000L))
            .putInt(length).putInt(Math.max(originalLength, length));
        out.write(record.array());
        if (bytes.length < length)
        {
            bytes = new byte[length];
        }
        buffer.getBytes(offset, bytes, 0, length);
        out.write(bytes, 0, length);
    }

    @Override
    public void close() throws IOException
    {
        out.close();
    }
}
