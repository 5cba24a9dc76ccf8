package io.flowlane.controlplane.mesh;

import io.flowlane.controlplane.sbe.AckStatus;
import io.flowlane.controlplane.sbe.BooleanType;
import io.flowlane.controlplane.sbe.MeshAckEncoder;
import io.flowlane.controlplane.sbe.MeshLinkStateEncoder;
import io.flowlane.controlplane.sbe.MeshNodeHealthDecoder;
import io.flowlane.controlplane.sbe.MeshNodeHealthEncoder;
import io.flowlane.controlplane.sbe.MeshRouteTableDecoder;
import io.flowlane.controlplane.sbe.MeshRouteTableEncoder;
import io.flowlane.controlplane.sbe.MeshSnapshotEncoder;
import io.flowlane.controlplane.sbe.MeshTableRequestEncoder;
import io.flowlane.controlplane.sbe.MeshTopologySetDecoder;
import io.flowlane.controlplane.sbe.MeshTopologySetEncoder;
import io.flowlane.controlplane.sbe.MeshTrafficDemandDecoder;
import io.flowlane.controlplane.sbe.MeshTrafficDemandEncoder;
import io.flowlane.controlplane.sbe.MessageHeaderEncoder;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The mesh manager's messages (flowlane-control.xml, ids 40..47) to and from the model: every
 * {@code encode*} writes header and body at offset 0 and returns the length. Encoders hold their
 * flyweights, so one codec serves one thread.
 */
public final class MeshCodec
{
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final MeshTopologySetEncoder topologyEncoder = new MeshTopologySetEncoder();
    private final MeshNodeHealthEncoder healthEncoder = new MeshNodeHealthEncoder();
    private final MeshLinkStateEncoder linkEncoder = new MeshLinkStateEncoder();
    private final MeshTrafficDemandEncoder demandEncoder = new MeshTrafficDemandEncoder();
    private final MeshTableRequestEncoder requestEncoder = new MeshTableRequestEncoder();
    private final MeshRouteTableEncoder tableEncoder = new MeshRouteTableEncoder();
    private final MeshSnapshotEncoder snapshotEncoder = new MeshSnapshotEncoder();
    private final MeshAckEncoder ackEncoder = new MeshAckEncoder();

    public int encodeTopology(final MutableDirectBuffer buffer, final long correlationId, final MeshTopology topology)
    {
        topologyEncoder.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId)
            .maxPaths((short)topology.maxPaths()).healthTimeoutMillis(topology.healthTimeoutMillis());
        final MeshTopologySetEncoder.NodesEncoder nodes = topologyEncoder.nodesCount(topology.nodes().size());
        for (final MeshTopology.Node node : topology.nodes())
        {
            nodes.next().nodeId(node.id()).capacityPacketsPerSecond(node.capacityPacketsPerSecond()).name(node.name());
        }
        final MeshTopologySetEncoder.LinksEncoder links = topologyEncoder.linksCount(topology.links().size());
        for (final MeshTopology.Link link : topology.links())
        {
            links.next().nodeA(link.nodeA()).nodeB(link.nodeB()).latencyMicros(link.latencyMicros())
                .bandwidthMbps(link.bandwidthMbps()).up(link.up() ? BooleanType.TRUE : BooleanType.FALSE);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + topologyEncoder.encodedLength();
    }

    /** Reads the whole message; throws {@link MeshTopology.InvalidException} for a topology that cannot be. */
    public static MeshTopology decodeTopology(final MeshTopologySetDecoder decoder)
    {
        final List<MeshTopology.Node> nodes = new ArrayList<>();
        final short maxPaths = decoder.maxPaths();
        final long healthTimeoutMillis = decoder.healthTimeoutMillis();
        for (final MeshTopologySetDecoder.NodesDecoder node : decoder.nodes())
        {
            nodes.add(new MeshTopology.Node(node.nodeId(), node.name(), node.capacityPacketsPerSecond()));
        }
        final List<MeshTopology.Link> links = new ArrayList<>();
        for (final MeshTopologySetDecoder.LinksDecoder link : decoder.links())
        {
            links.add(new MeshTopology.Link(link.nodeA(), link.nodeB(), link.latencyMicros(), link.bandwidthMbps(),
                link.up() == BooleanType.TRUE));
        }
        return new MeshTopology(nodes, links, maxPaths, healthTimeoutMillis);
    }

    public int encodeHealth(final MutableDirectBuffer buffer, final long correlationId, final int nodeId,
        final double busyFraction, final double rxPacketsPerSecond, final double dropPacketsPerSecond)
    {
        healthEncoder.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).nodeId(nodeId)
            .busyFraction((float)busyFraction).rxPacketsPerSecond(rxPacketsPerSecond).dropPacketsPerSecond(dropPacketsPerSecond);
        return MessageHeaderEncoder.ENCODED_LENGTH + healthEncoder.encodedLength();
    }

    public static NodeHealth decodeHealth(final MeshNodeHealthDecoder decoder, final long receivedAtMillis)
    {
        return new NodeHealth(decoder.nodeId(), decoder.busyFraction(), decoder.rxPacketsPerSecond(),
            decoder.dropPacketsPerSecond(), receivedAtMillis);
    }

    public int encodeLinkState(final MutableDirectBuffer buffer, final long correlationId, final int nodeA, final int nodeB,
        final boolean up, final long latencyMicros, final long bandwidthMbps)
    {
        linkEncoder.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).nodeA(nodeA).nodeB(nodeB)
            .up(up ? BooleanType.TRUE : BooleanType.FALSE).latencyMicros(latencyMicros).bandwidthMbps(bandwidthMbps);
        return MessageHeaderEncoder.ENCODED_LENGTH + linkEncoder.encodedLength();
    }

    public int encodeDemand(final MutableDirectBuffer buffer, final long correlationId, final List<TrafficStream> streams)
    {
        demandEncoder.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId);
        final MeshTrafficDemandEncoder.StreamsEncoder group = demandEncoder.streamsCount(streams.size());
        for (final TrafficStream stream : streams)
        {
            group.next().streamId(stream.streamId()).ingress(stream.ingress()).egress(stream.egress())
                .priority((short)stream.priority()).riskScore((float)stream.riskScore()).packetsPerSecond(stream.packetsPerSecond());
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + demandEncoder.encodedLength();
    }

    public static List<TrafficStream> decodeDemand(final MeshTrafficDemandDecoder decoder)
    {
        final List<TrafficStream> streams = new ArrayList<>();
        for (final MeshTrafficDemandDecoder.StreamsDecoder stream : decoder.streams())
        {
            streams.add(new TrafficStream(stream.streamId(), stream.ingress(), stream.egress(), stream.priority(),
                stream.riskScore(), stream.packetsPerSecond()));
        }
        return streams;
    }

    public int encodeTableRequest(final MutableDirectBuffer buffer, final long correlationId)
    {
        requestEncoder.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId);
        return MessageHeaderEncoder.ENCODED_LENGTH + requestEncoder.encodedLength();
    }

    public int encodeAck(final MutableDirectBuffer buffer, final long correlationId, final int templateId, final boolean applied,
        final long version, final String field, final String reason)
    {
        ackEncoder.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).templateId(templateId)
            .status(applied ? AckStatus.APPLIED : AckStatus.REJECTED).version(version).field(field).reason(reason);
        return MessageHeaderEncoder.ENCODED_LENGTH + ackEncoder.encodedLength();
    }

    public int encodeTable(final MutableDirectBuffer buffer, final long correlationId, final MeshTable table)
    {
        tableEncoder.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).version(table.version())
            .computedAtMillis(table.computedAtMillis()).digest(table.digest());
        final MeshRouteTableEncoder.NodesEncoder nodes = tableEncoder.nodesCount(table.nodes().size());
        for (final NodeStatus node : table.nodes())
        {
            nodes.next().nodeId(node.nodeId()).health(node.health()).utilisation(node.utilisation())
                .usable(node.usable() ? BooleanType.TRUE : BooleanType.FALSE);
        }
        int pathCount = 0;
        for (final GlobalRoutes.PairRoutes pair : table.routes().pairs())
        {
            pathCount += pair.paths().size();
        }
        final MeshRouteTableEncoder.PathsEncoder paths = tableEncoder.pathsCount(pathCount);
        for (final GlobalRoutes.PairRoutes pair : table.routes().pairs())
        {
            for (int i = 0; i < pair.paths().size(); i++)
            {
                final GlobalRoutes.MeshPath path = pair.paths().get(i);
                paths.next().ingress(pair.ingress()).egress(pair.egress()).pathIndex((short)i).weight(path.weight()).cost(path.cost());
                final MeshRouteTableEncoder.PathsEncoder.HopsEncoder hops = paths.hopsCount(path.nodes().length);
                for (final int node : path.nodes())
                {
                    hops.next().nodeId(node);
                }
            }
        }
        int nextHopCount = 0;
        for (final GlobalRoutes.NextHops entry : table.routes().nextHops())
        {
            nextHopCount += entry.hops().size();
        }
        final MeshRouteTableEncoder.NextHopsEncoder nextHops = tableEncoder.nextHopsCount(nextHopCount);
        for (final GlobalRoutes.NextHops entry : table.routes().nextHops())
        {
            for (final GlobalRoutes.NextHop hop : entry.hops())
            {
                nextHops.next().node(entry.node()).destination(entry.destination()).nextHop(hop.nextHop()).weight(hop.weight())
                    .cost(hop.cost());
            }
        }
        final MeshRouteTableEncoder.ShardsEncoder shards = tableEncoder.shardsCount(table.shards().shards().size());
        for (final ShardPlan.Shard shard : table.shards().shards())
        {
            shards.next().shardId(shard.shardId()).streamId(shard.streamId()).ingress(shard.ingress()).egress(shard.egress())
                .firstBucket(shard.firstBucket()).bucketCount(shard.bucketCount()).priority((short)shard.priority())
                .riskScore((float)shard.riskScore()).packetsPerSecond(shard.packetsPerSecond())
                .pathIndex((short)(shard.pathIndex() == ShardPlan.NO_PATH ? 255 : shard.pathIndex()))
                .overCommitted(shard.overCommitted() ? BooleanType.TRUE : BooleanType.FALSE);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + tableEncoder.encodedLength();
    }

    /** Reads the table; the caller reads {@code correlationId} first if it wants it. */
    public static MeshTable decodeTable(final MeshRouteTableDecoder decoder)
    {
        final long version = decoder.version();
        final long computedAtMillis = decoder.computedAtMillis();
        final long digest = decoder.digest();
        final List<NodeStatus> nodes = new ArrayList<>();
        for (final MeshRouteTableDecoder.NodesDecoder node : decoder.nodes())
        {
            nodes.add(new NodeStatus(node.nodeId(), node.health(), node.utilisation(), node.usable() == BooleanType.TRUE));
        }
        final List<GlobalRoutes.PairRoutes> pairs = new ArrayList<>();
        List<GlobalRoutes.MeshPath> pairPaths = null;
        for (final MeshRouteTableDecoder.PathsDecoder path : decoder.paths())
        {
            final int ingress = path.ingress();
            final int egress = path.egress();
            final int weight = path.weight();
            final double cost = path.cost();
            final MeshRouteTableDecoder.PathsDecoder.HopsDecoder hops = path.hops();
            final int[] route = new int[hops.count()];
            for (int i = 0; i < route.length; i++)
            {
                route[i] = hops.next().nodeId();
            }
            final GlobalRoutes.PairRoutes last = pairs.isEmpty() ? null : pairs.get(pairs.size() - 1);
            if (last == null || last.ingress() != ingress || last.egress() != egress)
            {
                pairPaths = new ArrayList<>();
                pairs.add(new GlobalRoutes.PairRoutes(ingress, egress, pairPaths));
            }
            pairPaths.add(new GlobalRoutes.MeshPath(route, cost, weight));
        }
        final List<GlobalRoutes.NextHops> nextHops = new ArrayList<>();
        List<GlobalRoutes.NextHop> hopList = null;
        for (final MeshRouteTableDecoder.NextHopsDecoder hop : decoder.nextHops())
        {
            final GlobalRoutes.NextHops last = nextHops.isEmpty() ? null : nextHops.get(nextHops.size() - 1);
            if (last == null || last.node() != hop.node() || last.destination() != hop.destination())
            {
                hopList = new ArrayList<>();
                nextHops.add(new GlobalRoutes.NextHops(hop.node(), hop.destination(), hopList));
            }
            hopList.add(new GlobalRoutes.NextHop(hop.nextHop(), hop.weight(), hop.cost()));
        }
        final List<ShardPlan.Shard> shards = new ArrayList<>();
        for (final MeshRouteTableDecoder.ShardsDecoder shard : decoder.shards())
        {
            shards.add(new ShardPlan.Shard(shard.shardId(), shard.streamId(), shard.ingress(), shard.egress(), shard.firstBucket(),
                shard.bucketCount(), shard.priority(), shard.riskScore(), shard.packetsPerSecond(),
                shard.pathIndex() == 255 ? ShardPlan.NO_PATH : shard.pathIndex(), shard.overCommitted() == BooleanType.TRUE));
        }
        // The lists built above are copied here: records compare lists by content.
        final List<GlobalRoutes.PairRoutes> frozenPairs = pairs.stream()
            .map(p -> new GlobalRoutes.PairRoutes(p.ingress(), p.egress(), List.copyOf(p.paths()))).toList();
        final List<GlobalRoutes.NextHops> frozenHops = nextHops.stream()
            .map(h -> new GlobalRoutes.NextHops(h.node(), h.destination(), List.copyOf(h.hops()))).toList();
        return new MeshTable(version, computedAtMillis, nodes, new GlobalRoutes(frozenPairs, frozenHops), new ShardPlan(shards), digest);
    }

    public int encodeSnapshot(final MutableDirectBuffer buffer, final MeshState state, final long timerDeadlineMillis)
    {
        final MeshTable table = state.table();
        snapshotEncoder.wrapAndApplyHeader(buffer, 0, header).version(table.version()).computedAtMillis(table.computedAtMillis())
            .topologySetAtMillis(state.topologySetAtMillis()).digest(table.digest()).evaluatedAtMillis(state.evaluatedAtMillis())
            .timerDeadlineMillis(timerDeadlineMillis);
        final MeshSnapshotEncoder.HealthEncoder health = snapshotEncoder.healthCount(state.health().size());
        for (final NodeHealth report : state.health())
        {
            health.next().nodeId(report.nodeId()).receivedAtMillis(report.receivedAtMillis()).busyFraction((float)report.busyFraction())
                .rxPacketsPerSecond(report.rxPacketsPerSecond()).dropPacketsPerSecond(report.dropPacketsPerSecond());
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + snapshotEncoder.encodedLength();
    }

    /**
     * 64-bit FNV-1a of the table's content: its {@code MeshRouteTable} encoding with correlationId,
     * version, time and digest zero, so that equal content gives equal digests on every member.
     */
    public static long digest(final MeshTable table)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        final MeshTable content = new MeshTable(0, 0, table.nodes(), table.routes(), table.shards(), 0);
        final int length = new MeshCodec().encodeTable(buffer, 0, content);
        return fnv1a(buffer, 0, length);
    }

    static long fnv1a(final DirectBuffer buffer, final int offset, final int length)
    {
        long hash = FNV_OFFSET;
        for (int i = 0; i < length; i++)
        {
            hash ^= buffer.getByte(offset + i) & 0xFF;
            hash *= FNV_PRIME;
        }
        return hash;
    }
}
