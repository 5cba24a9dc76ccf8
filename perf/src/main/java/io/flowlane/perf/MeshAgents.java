package io.flowlane.perf;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.mesh.MeshTable;
import io.flowlane.controlplane.meshagent.MeshAgent;
import io.flowlane.controlplane.meshagent.MeshManagerLink;
import io.flowlane.controlplane.meshagent.MeshPrefix;
import io.flowlane.controlplane.meshagent.NodeReading;
import io.flowlane.dataplane.fib.NextHop;

import org.agrona.CloseHelper;

import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * One mesh agent per appliance, as in service: each has its own session with the mesh manager,
 * reports its own node's health and installs its own node's routes and shard maps, from its own
 * copy of the manager's table. The drill drives them in one loop and asks each about its node.
 */
public final class MeshAgents implements AutoCloseable
{
    private final Map<Integer, MeshAgent> byNode;
    private final List<MeshAgent> agents;

    MeshAgents(final Map<Integer, MeshAgent> byNode)
    {
        this.byNode = Map.copyOf(byNode);
        this.agents = List.copyOf(byNode.values());
    }

    public int doWork()
    {
        int work = 0;
        for (final MeshAgent agent : agents)
        {
            work += agent.doWork();
        }
        return work;
    }

    /** The agent serving {@code node}. */
    public MeshAgent of(final int node)
    {
        final MeshAgent agent = byNode.get(node);
        if (agent == null)
        {
            throw new IllegalArgumentException("no agent serves node " + node);
        }
        return agent;
    }

    /** The newest table any agent holds. */
    public MeshTable table()
    {
        MeshTable newest = MeshTable.EMPTY;
        for (final MeshAgent agent : agents)
        {
            if (agent.table().version() > newest.version())
            {
                newest = agent.table();
            }
        }
        return newest;
    }

    /** The manager as {@code node}'s agent reaches it. */
    public MeshManagerLink manager(final int node)
    {
        return of(node).manager();
    }

    public List<NextHop> installed(final int node, final MeshPrefix prefix)
    {
        return of(node).installed(node, prefix);
    }

    public byte[] installedBuckets(final int node, final MeshPrefix prefix)
    {
        return of(node).installedBuckets(node, prefix);
    }

    public NodeReading reading(final int node)
    {
        return of(node).reading(node);
    }

    public boolean live(final int node)
    {
        return of(node).live(node);
    }

    public long send(final int node, final ToLongFunction<ControlClient> command)
    {
        return of(node).send(node, command);
    }

    /** The acknowledgement of a command sent to {@code node} with {@link #send}, or null while none arrived. */
    public ControlClient.Ack ack(final int node, final long correlationId)
    {
        return of(node).ack(correlationId);
    }

    /** Every agent's node holds what that agent's table gives it, nothing in flight. */
    public boolean settled()
    {
        return agents.stream().allMatch(MeshAgent::settled);
    }

    public long commandsSent()
    {
        return agents.stream().mapToLong(MeshAgent::commandsSent).sum();
    }

    @Override
    public void close()
    {
        agents.forEach(CloseHelper::quietClose);
    }
}
