package io.flowlane.controlplane.cli;

import io.flowlane.controlplane.mesh.MeshClient;
import io.flowlane.controlplane.meshagent.MeshAgent;
import io.flowlane.controlplane.meshagent.MeshLayout;
import io.flowlane.controlplane.meshagent.MeshManagerLink;
import io.flowlane.dataplane.config.ConfigException;

import io.aeron.driver.MediaDriver;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Callable;

/**
 * {@code flowlane mesh-agent MESH.yaml --managers ... [--node a]}: the mesh agent (docs/mesh.md) as
 * its own process: it gives the mesh manager the topology and streams of MESH.yaml, reports the
 * health of its nodes (every node, or those named by --node: one agent beside each appliance in
 * service) from their telemetry and installs the manager's next hops and shard maps on them,
 * until Ctrl-C. One media driver of its own serves both sides (the manager's cluster and the
 * nodes' control channels).
 */
@Command(name = "mesh-agent", description = "Run the mesh agent for the appliances of MESH.yaml until Ctrl-C or SIGTERM.")
final class MeshAgentCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "MESH.yaml", description = "the mesh: nodes (appliance configs), links, streams")
    Path mesh;

    @Option(names = "--managers", defaultValue = "0=localhost:20000,1=localhost:20010,2=localhost:20020",
        description = "the mesh manager members' ingress endpoints, default ${DEFAULT-VALUE}")
    String managers;

    @Option(names = "--node", paramLabel = "NAME",
        description = "serve only this node (repeatable): run one agent beside each appliance, as in service; default every node")
    java.util.List<String> nodes = new java.util.ArrayList<>();

    @Option(names = "--aeron-dir", defaultValue = "/dev/shm/flowlane-mesh-agent", description = "the agent's media driver directory, default ${DEFAULT-VALUE}")
    String aeronDir;

    @Option(names = "--connect-timeout-ms", defaultValue = "30000",
        description = "how long to wait for the manager and for each node's control channel, default ${DEFAULT-VALUE}")
    long connectTimeoutMillis;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final MeshLayout layout;
        try
        {
            layout = MeshLayout.load(mesh);
        }
        catch (final ConfigException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
        for (final String node : nodes)
        {
            if (layout.nodes().stream().noneMatch(n -> n.name().equals(node)))
            {
                throw new ParameterException(spec.commandLine(), "--node: " + node + " is not a node of " + mesh + " " +
                    layout.nodes().stream().map(MeshLayout.Node::name).toList());
            }
        }
        final PrintWriter out = spec.commandLine().getOut();
        final AtomicBoolean stop = new AtomicBoolean();
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
        try (MediaDriver driver = MeshAgent.launchDriver(aeronDir);
            InterruptHook hook = InterruptHook.install("mesh-agent-stop", () -> stop.set(true));
            MeshAgent agent = MeshAgent.start(layout, MeshManagerLink.cluster(MeshClient.connect(managers, aeronDir, connectTimeoutMillis)),
                aeronDir, false, connectTimeoutMillis, line -> out.printf("%s  %s%n", Instant.now(), line), nodes))
        {
            out.flush();
            while (!stop.get())
            {
                idle.idle(agent.doWork());
                out.flush();
            }
            out.printf("%s  mesh agent stopped: %d route command(s) sent%n", Instant.now(), agent.commandsSent());
            out.flush();
            return FlowlaneCli.OK;
        }
    }
}
