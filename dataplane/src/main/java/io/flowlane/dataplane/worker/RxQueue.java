package io.flowlane.dataplane.worker;

/** One receive queue of one port, polled by exactly one worker. */
public record RxQueue(int port, int queue)
{
}
