/*
 * flowlane_shim.c: see include/flowlane_shim.h for why this exists.
 * Keep it thin: policy belongs in Java, this file only adapts DPDK's C API.
 */
#include "flowlane_shim.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

/* ---- EAL and threads ---- */

int fl_eal_init(int argc, char **argv)
{
    int ret = rte_eal_init(argc, argv);
    return ret < 0 ? -rte_errno : ret;
}

int fl_eal_cleanup(void) { return rte_eal_cleanup(); }
int fl_errno(void) { return rte_errno; }
const char *fl_strerror(int err) { return rte_strerror(err < 0 ? -err : err); }

int fl_thread_register(void)
{
    return rte_thread_register() < 0 ? -rte_errno : (int)rte_lcore_id();
}

void fl_thread_unregister(void) { rte_thread_unregister(); }
uint32_t fl_lcore_id(void) { return rte_lcore_id(); }
int fl_vdev_init(const char *name, const char *args) { return rte_vdev_init(name, args); }
int fl_vdev_uninit(const char *name) { return rte_vdev_uninit(name); }
uint64_t fl_rdtsc(void) { return rte_rdtsc(); }
uint64_t fl_tsc_hz(void) { return rte_get_tsc_hz(); }

/* ---- mempools ---- */

struct rte_mempool *fl_pktmbuf_pool_create(const char *name, uint32_t n, uint32_t cache_size,
                                           uint16_t priv_size, uint16_t data_room, int socket)
{
    return rte_pktmbuf_pool_create(name, n, cache_size, priv_size, data_room, socket);
}

void fl_mempool_free(struct rte_mempool *mp) { rte_mempool_free(mp); }
uint32_t fl_mempool_avail_count(const struct rte_mempool *mp) { return rte_mempool_avail_count(mp); }
uint32_t fl_mempool_in_use_count(const struct rte_mempool *mp) { return rte_mempool_in_use_count(mp); }

/* ---- mbufs ---- */

struct rte_mbuf *fl_pktmbuf_alloc(struct rte_mempool *mp) { return rte_pktmbuf_alloc(mp); }

int fl_pktmbuf_alloc_bulk(struct rte_mempool *mp, struct rte_mbuf **mbufs, uint32_t count)
{
    return rte_pktmbuf_alloc_bulk(mp, mbufs, count);
}

void fl_pktmbuf_free(struct rte_mbuf *m) { rte_pktmbuf_free(m); }
void fl_pktmbuf_free_bulk(struct rte_mbuf **mbufs, uint32_t count) { rte_pktmbuf_free_bulk(mbufs, count); }
uint16_t fl_mbuf_refcnt_update(struct rte_mbuf *m, int16_t delta) { return rte_mbuf_refcnt_update(m, delta); }
char *fl_pktmbuf_prepend(struct rte_mbuf *m, uint16_t len) { return rte_pktmbuf_prepend(m, len); }
char *fl_pktmbuf_append(struct rte_mbuf *m, uint16_t len) { return rte_pktmbuf_append(m, len); }
char *fl_pktmbuf_adj(struct rte_mbuf *m, uint16_t len) { return rte_pktmbuf_adj(m, len); }
int fl_pktmbuf_trim(struct rte_mbuf *m, uint16_t len) { return rte_pktmbuf_trim(m, len); }

int fl_mbuf_layout(uint32_t *out, int capacity)
{
    const uint32_t layout[] = {
        offsetof(struct rte_mbuf, buf_addr), offsetof(struct rte_mbuf, data_off),
        offsetof(struct rte_mbuf, refcnt), offsetof(struct rte_mbuf, nb_segs),
        offsetof(struct rte_mbuf, port), offsetof(struct rte_mbuf, ol_flags),
        offsetof(struct rte_mbuf, packet_type), offsetof(struct rte_mbuf, pkt_len),
        offsetof(struct rte_mbuf, data_len), offsetof(struct rte_mbuf, vlan_tci),
        offsetof(struct rte_mbuf, hash.rss), offsetof(struct rte_mbuf, buf_len),
        offsetof(struct rte_mbuf, pool), offsetof(struct rte_mbuf, next),
        offsetof(struct rte_mbuf, priv_size), sizeof(struct rte_mbuf), RTE_PKTMBUF_HEADROOM,
    };
    int n = (int)(sizeof(layout) / sizeof(layout[0]));
    if (n > capacity)
        n = capacity;
    memcpy(out, layout, (size_t)n * sizeof(uint32_t));
    return n;
}

/* ---- ethdev ---- */

uint16_t fl_rx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **mbufs, uint16_t count)
{
    return rte_eth_rx_burst(port, queue, mbufs, count);
}

uint16_t fl_tx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **mbufs, uint16_t count)
{
    return rte_eth_tx_burst(port, queue, mbufs, count);
}

uint16_t fl_port_count(void) { return rte_eth_dev_count_avail(); }

int fl_port_by_name(const char *name, uint16_t *port) { return rte_eth_dev_get_port_by_name(name, port); }

int fl_port_name(uint16_t port, char *out, uint32_t capacity)
{
    char name[RTE_ETH_NAME_MAX_LEN];
    int ret = rte_eth_dev_get_name_by_port(port, name);
    if (ret < 0)
        return ret;
    snprintf(out, capacity, "%s", name);
    return 0;
}

int fl_port_info(uint16_t port, uint32_t *out, int capacity, char *driver, uint32_t driver_capacity)
{
    struct rte_eth_dev_info info;
    int ret = rte_eth_dev_info_get(port, &info);
    if (ret < 0)
        return ret;
    const uint32_t values[] = {
        info.max_rx_queues, info.max_tx_queues,
        (uint32_t)(info.flow_type_rss_offloads & 0xffffffffu), (uint32_t)(info.flow_type_rss_offloads >> 32),
        info.min_mtu, info.max_mtu, (uint32_t)(rte_eth_dev_socket_id(port) + 1),
    };
    int n = (int)(sizeof(values) / sizeof(values[0]));
    if (n > capacity)
        n = capacity;
    memcpy(out, values, (size_t)n * sizeof(uint32_t));
    if (driver != NULL && driver_capacity > 0)
        snprintf(driver, driver_capacity, "%s", info.driver_name != NULL ? info.driver_name : "");
    return n;
}

int fl_port_configure(uint16_t port, uint16_t rx_queues, uint16_t tx_queues,
                      uint16_t rx_descriptors, uint16_t tx_descriptors,
                      struct rte_mempool *mp, int want_rss, uint16_t mtu)
{
    struct rte_eth_dev_info info;
    struct rte_eth_conf conf;
    int ret = rte_eth_dev_info_get(port, &info);
    if (ret < 0)
        return ret;

    memset(&conf, 0, sizeof(conf));
    uint64_t rss_hf = RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP;
    rss_hf &= info.flow_type_rss_offloads;
    int rss = want_rss && rx_queues > 1 && rss_hf != 0;
    if (rss) {
        conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
        conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;
        conf.rx_adv_conf.rss_conf.rss_key = NULL; /* the driver's default key */
        if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH)
            conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
    }
    if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
        conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;

    ret = rte_eth_dev_configure(port, rx_queues, tx_queues, &conf);
    if (ret < 0)
        return ret;

    uint16_t nb_rxd = rx_descriptors, nb_txd = tx_descriptors;
    ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
    if (ret < 0)
        return ret;

    int socket = rte_eth_dev_socket_id(port);
    if (socket < 0)
        socket = SOCKET_ID_ANY;
    for (uint16_t q = 0; q < rx_queues; q++) {
        struct rte_eth_rxconf rxconf = info.default_rxconf;
        rxconf.offloads = conf.rxmode.offloads;
        ret = rte_eth_rx_queue_setup(port, q, nb_rxd, socket, &rxconf, mp);
        if (ret < 0)
            return ret;
    }
    for (uint16_t q = 0; q < tx_queues; q++) {
        struct rte_eth_txconf txconf = info.default_txconf;
        txconf.offloads = conf.txmode.offloads;
        ret = rte_eth_tx_queue_setup(port, q, nb_txd, socket, &txconf);
        if (ret < 0)
            return ret;
    }
    if (mtu != 0) {
        ret = rte_eth_dev_set_mtu(port, mtu);
        /* Virtual PMDs (ring, null) have no MTU op; their MTU is whatever we say it is. */
        if (ret < 0 && ret != -ENOTSUP)
            return ret;
    }
    return rss;
}

int fl_port_start(uint16_t port) { return rte_eth_dev_start(port); }
int fl_port_stop(uint16_t port) { return rte_eth_dev_stop(port); }
int fl_port_close(uint16_t port) { return rte_eth_dev_close(port); }

int fl_port_promiscuous(uint16_t port, int on)
{
    int ret = on ? rte_eth_promiscuous_enable(port) : rte_eth_promiscuous_disable(port);
    return ret == -ENOTSUP ? 0 : ret;
}

int fl_port_mac(uint16_t port, uint8_t *out6)
{
    struct rte_ether_addr mac;
    int ret = rte_eth_macaddr_get(port, &mac);
    if (ret < 0)
        return ret;
    memcpy(out6, mac.addr_bytes, RTE_ETHER_ADDR_LEN);
    return 0;
}

int fl_port_link(uint16_t port, uint32_t *speed_mbps, int *up)
{
    struct rte_eth_link link;
    int ret = rte_eth_link_get_nowait(port, &link);
    if (ret < 0)
        return ret;
    *speed_mbps = link.link_speed;
    *up = link.link_status == RTE_ETH_LINK_UP;
    return 0;
}

int fl_port_set_link(uint16_t port, int up)
{
    return up ? rte_eth_dev_set_link_up(port) : rte_eth_dev_set_link_down(port);
}

int fl_port_stats(uint16_t port, uint64_t *out8)
{
    struct rte_eth_stats stats;
    int ret = rte_eth_stats_get(port, &stats);
    if (ret < 0)
        return ret;
    out8[0] = stats.ipackets;
    out8[1] = stats.opackets;
    out8[2] = stats.ibytes;
    out8[3] = stats.obytes;
    out8[4] = stats.imissed;
    out8[5] = stats.ierrors;
    out8[6] = stats.oerrors;
    out8[7] = stats.rx_nombuf;
    return 0;
}

int fl_port_stats_reset(uint16_t port) { return rte_eth_stats_reset(port); }

int fl_ring_port_pair(const char *name, uint32_t queues, uint32_t ring_size, int socket,
                      uint16_t *port_a, uint16_t *port_b)
{
    enum { MAX_QUEUES = 16 };
    struct rte_ring *a_to_b[MAX_QUEUES];
    struct rte_ring *b_to_a[MAX_QUEUES];
    char ring_name[RTE_RING_NAMESIZE];
    char port_name[RTE_ETH_NAME_MAX_LEN];

    if (queues == 0 || queues > MAX_QUEUES)
        return -EINVAL;
    if (socket < 0)
        socket = (int)rte_socket_id();
    for (uint32_t q = 0; q < queues; q++) {
        /* One producer (the transmitting thread of a queue) and one consumer per ring. */
        snprintf(ring_name, sizeof(ring_name), "%s_ab%u", name, q);
        a_to_b[q] = rte_ring_create(ring_name, ring_size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
        if (a_to_b[q] == NULL)
            return -rte_errno;
        snprintf(ring_name, sizeof(ring_name), "%s_ba%u", name, q);
        b_to_a[q] = rte_ring_create(ring_name, ring_size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
        if (b_to_a[q] == NULL)
            return -rte_errno;
    }
    snprintf(port_name, sizeof(port_name), "%s_a", name);
    int a = rte_eth_from_rings(port_name, b_to_a, queues, a_to_b, queues, (unsigned)socket);
    if (a < 0)
        return -rte_errno;
    snprintf(port_name, sizeof(port_name), "%s_b", name);
    int b = rte_eth_from_rings(port_name, a_to_b, queues, b_to_a, queues, (unsigned)socket);
    if (b < 0)
        return -rte_errno;
    *port_a = (uint16_t)a;
    *port_b = (uint16_t)b;
    return 0;
}
